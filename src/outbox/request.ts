// What the outbox persists and sends: one HTTP request, fully rendered, plus where it goes (for
// per-destination rate limits and disabling) — plain data, so it can be stored and retried.
import { createHash } from 'node:crypto';

/** A per-destination pace: at most one message every `minIntervalMs`. */
export interface RateLimit {
  minIntervalMs: number;
}

/** One outbound HTTP request as rendered by a channel, before any per-attempt signing. */
export interface OutboundRequest {
  method: 'POST';
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  /**
   * Identifies the destination without revealing it (`<kind>:<hash of the URL>`): the key for
   * rate limits, for disabling after 410, and safe in logs, metrics and API answers.
   */
  destinationKey: string;
  rateLimit?: RateLimit;
}

/** Returns `<kind>:<first 16 hex of sha256(url)>`, the same for every channel posting to `url`. */
export function destinationKey(kind: string, url: string): string {
  return `${kind}:${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
}
