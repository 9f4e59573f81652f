import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  signWebhook,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  webhookSecretBytes,
  webhookSignature,
} from '../../../src/outbox/standard-webhooks';

interface Vector {
  secret: string;
  'webhook-id': string;
  'webhook-timestamp': string;
  body: string;
  'webhook-signature': string;
}

const vector = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'standard-webhooks-vector.json'), 'utf8'),
) as Vector;
const vectorTime = new Date(Number(vector['webhook-timestamp']) * 1000);

const SECRET_A = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const SECRET_B = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const NOW = new Date('2026-11-28T08:00:00.000Z');
const BODY = '{"type":"insightagent.alert.firing","data":{"model":"m"}}';

describe('Standard Webhooks reference vector', () => {
  it('produces exactly the reference signature', () => {
    const ts = Number(vector['webhook-timestamp']);
    expect(webhookSignature(vector.secret, vector['webhook-id'], ts, vector.body)).toBe(
      vector['webhook-signature'],
    );
  });

  it('produces the reference headers from the reference inputs', () => {
    expect(signWebhook([vector.secret], vector['webhook-id'], vectorTime, vector.body)).toEqual({
      'webhook-id': vector['webhook-id'],
      'webhook-timestamp': vector['webhook-timestamp'],
      'webhook-signature': vector['webhook-signature'],
    });
  });

  it('verifies the reference message at its own time', () => {
    const headers = {
      'webhook-id': vector['webhook-id'],
      'webhook-timestamp': vector['webhook-timestamp'],
      'webhook-signature': vector['webhook-signature'],
    };
    expect(verifyWebhook([vector.secret], vector.body, headers, vectorTime)).toEqual({ ok: true });
  });
});

describe('signWebhook', () => {
  it('keeps the id across attempts and stamps each attempt with its own time', () => {
    const first = signWebhook([SECRET_A], 'msg_1', NOW, BODY);
    const retry = signWebhook([SECRET_A], 'msg_1', new Date(NOW.getTime() + 90_500), BODY);
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(first['webhook-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(retry['webhook-timestamp']).toBe(String(NOW.getTime() / 1000 + 90));
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
  });

  it('signs with every secret while rotating, space-separated, in order', () => {
    const both = signWebhook([SECRET_A, SECRET_B], 'msg_1', NOW, BODY)['webhook-signature'];
    const a = signWebhook([SECRET_A], 'msg_1', NOW, BODY)['webhook-signature'];
    const b = signWebhook([SECRET_B], 'msg_1', NOW, BODY)['webhook-signature'];
    expect(both).toBe(`${a} ${b}`);
    expect(a).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it.each([
    [[], /at least one secret/],
    [['not-a-secret'], /whsec_ followed by base64/],
    [['whsec_'], /whsec_ followed by base64/],
    [['whsec_!!!!'], /whsec_ followed by base64/],
  ])('refuses secrets %j', (secrets, message) => {
    expect(() => signWebhook(secrets, 'msg_1', NOW, BODY)).toThrow(message);
  });
});

/** Changes the first base64 character of a `v1,` signature. */
function flipFirst(signature: string): string {
  const c = signature[3] === 'A' ? 'B' : 'A';
  return `v1,${c}${signature.slice(4)}`;
}

describe('verifyWebhook', () => {
  const signed = signWebhook([SECRET_A], 'msg_1', NOW, BODY);
  const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

  it('accepts its own signature (round trip), whatever the header case', () => {
    expect(verifyWebhook([SECRET_A], BODY, signed, NOW)).toEqual({ ok: true });
    const upper = {
      'Webhook-Id': signed['webhook-id'],
      'WEBHOOK-TIMESTAMP': signed['webhook-timestamp'],
      'Webhook-Signature': [signed['webhook-signature']],
    };
    expect(verifyWebhook([SECRET_A], BODY, upper, NOW)).toEqual({ ok: true });
  });

  type Tamper = Partial<Record<'body' | 'id' | 'timestamp' | 'signature', string>>;
  it.each<[string, Tamper]>([
    ['the body', { body: `${BODY} ` }],
    ['the id', { id: 'msg_2' }],
    ['the timestamp', { timestamp: String(Number(signed['webhook-timestamp']) + 1) }],
    ['the signature', { signature: flipFirst(signed['webhook-signature']) }],
    ['the signature version', { signature: signed['webhook-signature'].replace('v1,', 'v2,') }],
    ['the signature length', { signature: signed['webhook-signature'].slice(0, -4) }],
  ])('rejects a message with %s tampered with', (_what, change) => {
    const headers = {
      'webhook-id': change.id ?? signed['webhook-id'],
      'webhook-timestamp': change.timestamp ?? signed['webhook-timestamp'],
      'webhook-signature': change.signature ?? signed['webhook-signature'],
    };
    expect(verifyWebhook([SECRET_A], change.body ?? BODY, headers, NOW)).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyWebhook([SECRET_B], BODY, signed, NOW)).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
  });

  it.each([
    [-WEBHOOK_TOLERANCE_SECONDS - 1, { ok: false, reason: 'timestamp_too_new' }],
    [-WEBHOOK_TOLERANCE_SECONDS, { ok: true }],
    [0, { ok: true }],
    [WEBHOOK_TOLERANCE_SECONDS, { ok: true }],
    [WEBHOOK_TOLERANCE_SECONDS + 1, { ok: false, reason: 'timestamp_too_old' }],
  ])('with the receiver %i s after the timestamp: %j', (offset, outcome) => {
    expect(verifyWebhook([SECRET_A], BODY, signed, at(offset))).toEqual(outcome);
  });

  it('honours a custom tolerance', () => {
    expect(verifyWebhook([SECRET_A], BODY, signed, at(61), 60)).toEqual({
      ok: false,
      reason: 'timestamp_too_old',
    });
  });

  it.each([
    [{ 'webhook-timestamp': signed['webhook-timestamp'], 'webhook-signature': 'v1,x' }],
    [{ 'webhook-id': 'msg_1', 'webhook-signature': 'v1,x' }],
    [{ 'webhook-id': 'msg_1', 'webhook-timestamp': signed['webhook-timestamp'] }],
    [{ ...signed, 'webhook-id': '' }],
  ])('rejects missing headers %j', (headers) => {
    expect(verifyWebhook([SECRET_A], BODY, headers, NOW)).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
  });

  it.each(['abc', '-1', '1.5', '1e9'])('rejects the timestamp %s', (ts) => {
    expect(verifyWebhook([SECRET_A], BODY, { ...signed, 'webhook-timestamp': ts }, NOW)).toEqual({
      ok: false,
      reason: 'invalid_timestamp',
    });
  });

  describe('secret rotation', () => {
    const both = signWebhook([SECRET_A, SECRET_B], 'msg_1', NOW, BODY);

    it.each([
      ['old secret', [SECRET_A]],
      ['new secret', [SECRET_B]],
      ['both secrets', [SECRET_A, SECRET_B]],
    ])('a receiver holding the %s accepts a message signed with both', (_who, secrets) => {
      expect(verifyWebhook(secrets, BODY, both, NOW)).toEqual({ ok: true });
    });

    it('a receiver already on the new secret accepts the old-only signature only with both', () => {
      expect(verifyWebhook([SECRET_B], BODY, signed, NOW).ok).toBe(false);
      expect(verifyWebhook([SECRET_B, SECRET_A], BODY, signed, NOW).ok).toBe(true);
    });
  });
});

describe('webhookSecretBytes', () => {
  it.each([
    [SECRET_A, 32],
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 24],
    ['whsec_AAE=', 2],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', undefined],
    ['whsec_', undefined],
    ['whsec_abc', undefined],
    ['whsec_ab$d', undefined],
  ])('%s → %s bytes', (secret, bytes) => {
    expect(webhookSecretBytes(secret)).toBe(bytes);
  });
});
