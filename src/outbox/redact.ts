// Secrets never reach logs or API answers: webhook URLs carry keys in their path or query
// (Slack's `/services/T…/B…/<key>`), and credentials may sit in userinfo or headers.
import type { OutboundRequest } from './request';

/** The placeholder that stands where a secret was. */
export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

/** Returns the URL's scheme and host only; path, query and credentials become `[redacted]`. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return REDACTED;
  }
  const hidden = u.pathname !== '/' || u.search !== '' || u.hash !== '' || u.username !== '';
  return hidden ? `${u.protocol}//${u.host}/${REDACTED}` : `${u.protocol}//${u.host}/`;
}

/** Returns the request fit for a log line or an API answer: URL and credential headers redacted. */
export function redactRequest(request: OutboundRequest): OutboundRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  }
  return { ...request, url: redactUrl(request.url), headers };
}

/** Returns `text` with every occurrence of each secret replaced (e.g. a URL inside an error). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}
