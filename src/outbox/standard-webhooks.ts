// Standard Webhooks signing (symmetric scheme v1) for outbound webhooks, and verification for
// receivers and tests. The HMAC and the `whsec_` key decoding come from `standardwebhooks`, the
// specification's own library; around it: several secrets at once (rotation), and verification
// against an injected `now` (the library's `verify` reads the wall clock and takes one secret).
import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** How far a `webhook-timestamp` may be from the receiver's clock, in seconds (the spec's 5 min). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** The prefix of a Standard Webhooks secret; the base64 key follows it. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** The three headers that sign one delivery attempt (a type, so it fits any header record). */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Returns the key length in bytes of a `whsec_<base64>` secret, or undefined when malformed. */
export function webhookSecretBytes(secret: string): number | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return undefined;
  const b64 = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (b64 === '' || !BASE64.test(b64)) return undefined;
  return Buffer.from(b64, 'base64').length;
}

/** Returns `v1,<base64 HMAC-SHA256 of id.timestamp.body>` for one secret. */
export function webhookSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  if (webhookSecretBytes(secret) === undefined) {
    throw new Error(`webhook secret must be ${WEBHOOK_SECRET_PREFIX} followed by base64`);
  }
  return new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
}

/**
 * Returns the headers of one delivery attempt: `webhook-id` is the message id (the same on every
 * retry), `webhook-timestamp` the attempt's unix seconds, and one `v1,` signature per secret,
 * space-separated (several secrets while one is being rotated out).
 */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  now: Date,
  body: string,
): WebhookHeaders {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => webhookSignature(s, id, timestamp, body)).join(' '),
  };
}

/** Why a message failed verification. */
export type WebhookRejection =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature';

/** The outcome of verifying one received message. */
export type WebhookVerification = { ok: true } | { ok: false; reason: WebhookRejection };

/**
 * Decides whether a received message is authentic: its timestamp within `toleranceSeconds` of
 * `now`, and one of its `v1` signatures equal (constant-time) to that of one of `secrets`.
 * Header names are matched case-insensitively.
 */
export function verifyWebhook(
  secrets: readonly string[],
  body: string,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  now: Date,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): WebhookVerification {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || ts === undefined || signatures === undefined) {
    return { ok: false, reason: 'missing_headers' };
  }
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'invalid_timestamp' };
  const timestamp = Number(ts);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (nowSeconds - timestamp > toleranceSeconds) return { ok: false, reason: 'timestamp_too_old' };
  if (timestamp - nowSeconds > toleranceSeconds) return { ok: false, reason: 'timestamp_too_new' };

  const received = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of secrets) {
    const expected = Buffer.from(webhookSignature(secret, id, timestamp, body).slice(3), 'base64');
    for (const candidate of received) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
        return { ok: true };
      }
    }
  }
  return { ok: false, reason: 'no_matching_signature' };
}

function header(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const v = Array.isArray(value) ? value[0] : value;
    return typeof v === 'string' && v !== '' ? v : undefined;
  }
  return undefined;
}
