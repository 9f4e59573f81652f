// One HTTP attempt: POST the signed request until the outbox's signal ends it, and turn what
// happens (an answer, a refused connection, an abort) into an AttemptOutcome. Error texts are
// scrubbed of the destination's secrets before they leave this file.
import { outboundRefusal } from './outbound-fetch';
import { scrubSecrets } from './redact';
import type { OutboundRequest } from './request';
import { type AttemptOutcome, classifyResponse, networkFailure } from './retry-policy';

/** How much of a refusal's body is kept in last_error. */
export const EXCERPT_CHARS = 200;
const EXCERPT_READ_BYTES = 4096;

/**
 * Returns how one attempt of `request` ended; never throws for network or HTTP failures. The
 * request runs until `signal` aborts it (the outbox decides how long a late answer may take);
 * `timeoutMs` is what an abort is reported as.
 */
export async function sendAttempt(
  fetchFn: typeof fetch,
  request: OutboundRequest,
  options: { signal: AbortSignal; timeoutMs: number; now: () => Date; secrets: readonly string[] },
): Promise<AttemptOutcome> {
  const scrub = (text: string) => scrubSecrets(text, options.secrets);
  const signal = options.signal;
  let response: Response;
  try {
    response = await fetchFn(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      // A redirect would carry a signed payload somewhere else; it counts as a refusal.
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    // Refused by the outbound policy (outbound-fetch): it would be refused again, so not retried.
    const refused = outboundRefusal(err);
    if (refused !== undefined) return { kind: 'failed', statusCode: 0, error: scrub(refused) };
    return networkFailure(scrub(describeFailure(err, options.timeoutMs)));
  }
  const ok = response.status >= 200 && response.status < 300;
  let excerpt = '';
  try {
    if (ok) await response.body?.cancel();
    else excerpt = scrub(await readExcerpt(response));
  } catch {
    // The answer's status is what counts; a body cut short by the timeout changes nothing.
  }
  return classifyResponse(
    response.status,
    response.headers.get('retry-after'),
    excerpt,
    options.now(),
  );
}

// Duck-typed, not instanceof: fetch's errors may come from another realm (jest's vm, undici).
function describeFailure(err: unknown, timeoutMs: number): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    message?: unknown;
    cause?: { code?: unknown; message?: unknown };
  };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return `no answer within ${timeoutMs} ms`;
  }
  const message = typeof e.message === 'string' ? e.message : String(err);
  const cause = e.cause;
  if (typeof cause?.code === 'string') return `${message} (${cause.code})`;
  return typeof cause?.message === 'string' ? `${message}: ${cause.message}` : message;
}

// The first few KB of the body, as one line of at most EXCERPT_CHARS characters.
async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_READ_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS - 1)}…`;
}
