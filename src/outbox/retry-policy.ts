// What the outbox does after one delivery attempt — pure: the HTTP answer (or the lack of one)
// is classified as delivered | retryable | failed | disabled (the tagged union of the OTel
// exporters' retrying transport), and a retry is scheduled from Retry-After when the receiver
// gave one, else by exponential backoff with full jitter, until the attempts or the age run out.

/** Bounds of the retries; the defaults are DEFAULT_RETRY_POLICY. */
export interface OutboxRetryPolicy {
  /** First backoff ceiling (the n-th retry waits up to base x 2^(n-1), capped). */
  baseDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /** Attempts after which a message fails for good. */
  maxAttempts: number;
  /** Age (since enqueue) after which a message is not retried any more. */
  maxAgeMs: number;
}

/** 1 s base, 10 min cap, 25 attempts, 24 h. */
export const DEFAULT_RETRY_POLICY: OutboxRetryPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 10 * 60 * 1000,
  maxAttempts: 25,
  maxAgeMs: 24 * 60 * 60 * 1000,
};

/** How one attempt ended, as far as the receiver (or the network) said. */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retryable'; statusCode: number; retryAfterMs?: number; error: string }
  | { kind: 'failed'; statusCode: number; error: string }
  | { kind: 'disabled'; statusCode: number; error: string };

/** The statuses worth retrying: timeout, rate limit and the gateway/unavailable family. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/**
 * Returns the milliseconds a Retry-After value asks for — delay-seconds or an HTTP-date
 * (relative to `now`, never negative) — or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-date (IMF-fixdate and the two obsolete forms Date.parse also reads); a bare number
  // with a sign or fraction is not a valid Retry-After and is ignored rather than guessed at.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * Decides what an HTTP answer means: 2xx delivered; 408, 429, 502, 503, 504 and other 5xx
 * retryable (honouring Retry-After); 410 disables the destination; any other status (other 4xx,
 * and 3xx: redirects are not followed with a signed payload) fails for good.
 */
export function classifyResponse(
  statusCode: number,
  retryAfter: string | null | undefined,
  excerpt: string,
  now: Date,
): AttemptOutcome {
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
  const error = excerpt === '' ? `HTTP ${statusCode}` : `HTTP ${statusCode}: ${excerpt}`;
  if (statusCode === 410) return { kind: 'disabled', statusCode, error };
  if (RETRYABLE_STATUSES.has(statusCode) || statusCode >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return retryAfterMs === undefined
      ? { kind: 'retryable', statusCode, error }
      : { kind: 'retryable', statusCode, retryAfterMs, error };
  }
  return { kind: 'failed', statusCode, error };
}

/** Returns the outcome of an attempt that got no answer (network error, timeout). */
export function networkFailure(error: string): AttemptOutcome {
  return { kind: 'retryable', statusCode: 0, error };
}

/** Returns the full-jitter backoff before retry number `attempt` (1-based): [0, min(cap, base·2^(n-1))). */
export function backoffMs(
  attempt: number,
  policy: OutboxRetryPolicy,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Returns why a message may not be attempted again — its attempts used up (a claim left by a
 * process that died mid-attempt counts as an attempt) — or undefined.
 */
export function exhausted(
  message: { attempts: number; lastError: string },
  policy: OutboxRetryPolicy,
): string | undefined {
  return message.attempts >= policy.maxAttempts
    ? `gave up after ${message.attempts} attempts; last: ${message.lastError}`
    : undefined;
}

/** Where a message goes after an attempt: its next status, and when to try again if pending. */
export type NextStep =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAtMs: number }
  | { status: 'failed'; error: string }
  | { status: 'disabled'; error: string };

/**
 * Returns the message's next state after attempt number `attempts` ended with `outcome` at
 * `nowMs`: a retry is scheduled only while attempts remain and the retry time stays within the
 * maximum age counted from `createdAtMs`.
 */
export function nextStep(
  outcome: AttemptOutcome,
  message: { attempts: number; createdAtMs: number },
  nowMs: number,
  policy: OutboxRetryPolicy,
  random: () => number,
): NextStep {
  switch (outcome.kind) {
    case 'delivered':
      return { status: 'delivered' };
    case 'failed':
      return { status: 'failed', error: outcome.error };
    case 'disabled':
      return { status: 'disabled', error: outcome.error };
    case 'retryable': {
      if (message.attempts >= policy.maxAttempts) {
        return {
          status: 'failed',
          error: `gave up after ${message.attempts} attempts; last: ${outcome.error}`,
        };
      }
      const wait = outcome.retryAfterMs ?? backoffMs(message.attempts, policy, random);
      const at = nowMs + wait;
      if (at - message.createdAtMs > policy.maxAgeMs) {
        return {
          status: 'failed',
          error: `gave up: next attempt would pass the maximum age; last: ${outcome.error}`,
        };
      }
      return { status: 'pending', nextAttemptAtMs: at };
    }
  }
}
