// What the outbox stores of a message: the rendered request minus its URL and credential
// headers (the channel named in the message supplies those at send time), and its id rules.
import { REDACTED, redactRequest } from './redact';
import type { OutboundRequest, RateLimit } from './request';

/** A message to deliver: the rendered request and the channel whose config supplies URL and secrets. */
export interface OutboxMessage {
  /** The webhook-id; defaults to `msg_<uuid>`. Enqueueing an id that exists is a no-op. */
  id?: string;
  /** Name of the channel (its URL and secrets are looked up at send time, never stored). */
  channel: string;
  /** What the message is, e.g. `alert.firing`; shown by /api/v1/deliveries. */
  kind: string;
  request: OutboundRequest;
}

/** The part of the request that is stored: no URL and no credential headers. */
export interface StoredRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  rateLimit?: RateLimit;
}

/** Message ids: 1 to 128 of letters, digits and `_ . : -` (a Standard Webhooks webhook-id). */
export const MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Returns the part of `request` that is stored: no URL, no credential headers. */
export function storedRequest(request: OutboundRequest): StoredRequest {
  // Credential headers are whatever redactRequest hides; channels add theirs when signing.
  const visible = redactRequest(request).headers;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (visible[name] !== REDACTED) headers[name] = value;
  }
  const out: StoredRequest = { method: request.method, headers, body: request.body };
  if (request.rateLimit !== undefined) out.rateLimit = request.rateLimit;
  return out;
}
