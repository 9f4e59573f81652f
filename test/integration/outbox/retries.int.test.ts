// The outbox on the real engine against real HTTP receivers on loopback: Retry-After honoured at
// the right (injected) times, one successful delivery per webhook-id, permanent failures recorded,
// restarts mid-backoff, and Standard Webhooks signatures a receiver can verify.
import type { ChannelConfigOf } from '../../../src/alerts/channels/config';
import { renderNotification } from '../../../src/alerts/channels/index';
import type { AlertNotification } from '../../../src/alerts/notification';
import type { Outbox } from '../../../src/outbox/outbox';
import { verifyWebhook } from '../../../src/outbox/standard-webhooks';
import { type Delivery, listDeliveries } from '../../../src/store/repositories/outbox';
import { outboxSuite } from '../../helpers/outbox';
import type { Answer, Received, Receiver } from '../../helpers/receiver';
import { firing, NOW, resolved, SECRET } from '../../unit/alerts/channels/fixtures';

const T0 = NOW.getTime();
const suite = outboxSuite('outbox_retries', T0);
const receiver = (answer: (req: Received, index: number) => Answer) => suite.receiver(answer);

// A webhook channel posting to the receiver, with a token in the query (a secret).
function webhookChannel(r: Receiver, name = 'bridge'): ChannelConfigOf<'webhook'> {
  const config: ChannelConfigOf<'webhook'> = {
    name,
    kind: 'webhook',
    url: `${r.origin}/hooks/insightagent?token=tok3n-s3cr3t-value`,
    secret: [SECRET],
  };
  suite.h.channels.set(name, config);
  return config;
}

async function enqueue(outbox: Outbox, config: ChannelConfigOf<'webhook'>, n = firing) {
  return outbox.enqueue({
    channel: config.name,
    kind: `alert.${n.status}`,
    request: renderNotification(n as AlertNotification, config, suite.h.clock.now()),
  });
}

async function delivery(id: string): Promise<Delivery | undefined> {
  return (await listDeliveries(suite.h.store, { limit: 100 })).find((d) => d.id === id);
}

async function runAt(outbox: Outbox, ms: number) {
  suite.h.clock.set(ms);
  return outbox.runOnce();
}

const ids = (r: Receiver) => r.received.map((x) => x.headers['webhook-id']);
const successes = (r: Receiver, ok: (i: number) => boolean) =>
  r.received.filter((_, i) => ok(i)).map((x) => x.headers['webhook-id']);

describe('outbox retries against real receivers', () => {
  it('503 with Retry-After: 2 is retried 2 s later, and the webhook-id is delivered exactly once', async () => {
    const r = await receiver((_req, i) =>
      i === 0 ? { status: 503, headers: { 'retry-after': '2' }, body: 'busy' } : { status: 204 },
    );
    const outbox = suite.h.outbox();
    const { id } = await enqueue(outbox, webhookChannel(r));
    expect(await delivery(id)).toMatchObject({ status: 'pending', attempts: 0 });

    expect(await runAt(outbox, T0)).toMatchObject({ attempted: 1, retrying: 1 });
    expect(await delivery(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_status_code: 503,
      last_error: 'HTTP 503: busy',
      next_attempt_at: new Date(T0 + 2000).toISOString(),
    });
    expect(await runAt(outbox, T0 + 1999)).toMatchObject({ attempted: 0 });
    expect(await runAt(outbox, T0 + 2000)).toMatchObject({ attempted: 1, delivered: 1 });
    expect(await runAt(outbox, T0 + 60_000)).toMatchObject({ attempted: 0 });

    expect(r.received.map((x) => x.atMs)).toEqual([T0, T0 + 2000]);
    expect(ids(r)).toEqual([id, id]);
    expect(successes(r, (i) => i > 0)).toEqual([id]);
    expect(await delivery(id)).toMatchObject({ status: 'delivered', attempts: 2 });
    // Each attempt is signed afresh: its own timestamp, same id.
    expect(r.received.map((x) => x.headers['webhook-timestamp'])).toEqual([
      String(T0 / 1000),
      String(T0 / 1000 + 2),
    ]);
  });

  it('429 with an HTTP-date Retry-After is retried at that date, then delivered once', async () => {
    const retryAt = new Date(T0 + 5000).toUTCString();
    const r = await receiver((_req, i) =>
      i < 2 ? { status: 429, headers: { 'retry-after': retryAt } } : { status: 200 },
    );
    const outbox = suite.h.outbox();
    const { id } = await enqueue(outbox, webhookChannel(r));
    await runAt(outbox, T0);
    expect(await delivery(id)).toMatchObject({
      last_status_code: 429,
      next_attempt_at: new Date(T0 + 5000).toISOString(),
    });
    await runAt(outbox, T0 + 4000);
    await runAt(outbox, T0 + 5000); // 429 again; the date is now past: retry at once
    expect(await delivery(id)).toMatchObject({
      status: 'pending',
      attempts: 2,
      next_attempt_at: new Date(T0 + 5000).toISOString(),
    });
    await runAt(outbox, T0 + 5001);
    await runAt(outbox, T0 + 9000);
    expect(r.received.map((x) => x.atMs)).toEqual([T0, T0 + 5000, T0 + 5001]);
    expect(successes(r, (i) => i >= 2)).toEqual([id]);
    expect(await delivery(id)).toMatchObject({ status: 'delivered', attempts: 3 });
  });

  it('400 fails permanently with the status and a response excerpt recorded, and is not retried', async () => {
    const r = await receiver(() => ({ status: 400, body: 'invalid payload:\n missing "data"' }));
    const outbox = suite.h.outbox();
    const { id } = await enqueue(outbox, webhookChannel(r));
    expect(await runAt(outbox, T0)).toMatchObject({ attempted: 1, failed: 1 });
    await runAt(outbox, T0 + 3600_000);
    expect(r.received).toHaveLength(1);
    expect(await delivery(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_status_code: 400,
      last_error: 'HTTP 400: invalid payload: missing "data"',
      next_attempt_at: null,
    });
    expect(await listDeliveries(suite.h.store, { status: 'failed', limit: 10 })).toHaveLength(1);
    expect(await listDeliveries(suite.h.store, { status: 'pending', limit: 10 })).toHaveLength(0);
  });

  it('no answer (nothing listening) is retried after a full-jitter backoff', async () => {
    const r = await receiver(() => ({ status: 204 }));
    const config = webhookChannel(r);
    await r.close();
    const outbox = suite.h.outbox(); // random 0.5: first backoff 500 ms, second 1000 ms
    const { id } = await enqueue(outbox, config);
    await runAt(outbox, T0);
    expect(await delivery(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_status_code: null,
      next_attempt_at: new Date(T0 + 500).toISOString(),
    });
    expect((await delivery(id))?.last_error).toMatch(/ECONNREFUSED/);
    await runAt(outbox, T0 + 500);
    expect(await delivery(id)).toMatchObject({
      attempts: 2,
      next_attempt_at: new Date(T0 + 1500).toISOString(),
    });
  });

  it('gives up after the maximum number of attempts', async () => {
    const r = await receiver(() => ({ status: 503, headers: { 'retry-after': '1' } }));
    const outbox = suite.h.outbox({ policy: { maxAttempts: 3 } });
    const { id } = await enqueue(outbox, webhookChannel(r));
    for (const s of [0, 1, 2, 3, 4]) await runAt(outbox, T0 + s * 1000);
    expect(r.received).toHaveLength(3);
    expect(await delivery(id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_status_code: 503,
      last_error: 'gave up after 3 attempts; last: HTTP 503',
    });
  });

  it('a new Outbox on the same store (a restart) mid-backoff delivers once, at the backoff time', async () => {
    const r = await receiver((_req, i) =>
      i === 0 ? { status: 503, headers: { 'retry-after': '5' } } : { status: 200 },
    );
    const first = suite.h.outbox();
    const config = webhookChannel(r);
    const a = await enqueue(first, config, firing);
    suite.h.clock.set(T0 + 10);
    const b = await enqueue(first, config, resolved);
    await runAt(first, T0 + 10);
    await first.stop();
    await first.stop(); // twice is fine

    const second = suite.h.outbox();
    expect(await runAt(second, T0 + 4999)).toMatchObject({ attempted: 0 });
    expect(await runAt(second, T0 + 5010)).toMatchObject({ attempted: 2, delivered: 2 });
    await runAt(second, T0 + 60_000);
    const third = suite.h.outbox();
    expect(await runAt(third, T0 + 120_000)).toMatchObject({ attempted: 0 });

    // In created order: firing (once refused, once delivered), then resolved.
    expect(ids(r)).toEqual([a.id, a.id, b.id]);
    expect(successes(r, (i) => i > 0)).toEqual([a.id, b.id]);
    expect(await delivery(a.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(await delivery(b.id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('a webhook receiver verifies the Standard Webhooks signature of every attempt', async () => {
    const verdicts: string[] = [];
    const r = await receiver((req, i) => {
      const v = verifyWebhook([SECRET], req.body, req.headers, new Date(req.atMs));
      verdicts.push(v.ok ? 'ok' : v.reason);
      if (!v.ok) return { status: 401 };
      return i === 0 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 204 };
    });
    const outbox = suite.h.outbox();
    const config = webhookChannel(r);
    const { id } = await enqueue(outbox, config);
    await runAt(outbox, T0);
    await runAt(outbox, T0 + 1000);
    expect(verdicts).toEqual(['ok', 'ok']);
    expect(await delivery(id)).toMatchObject({ status: 'delivered' });
    const body = JSON.parse(r.received[1]?.body ?? '{}');
    expect(body).toMatchObject({
      type: 'insightagent.alert.firing',
      data: { model: firing.model },
    });

    // Signed with another secret than the receiver's: refused, and 401 is permanent.
    suite.h.channels.set(config.name, {
      ...config,
      secret: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
    });
    const other = await enqueue(outbox, config);
    await runAt(outbox, T0 + 2000);
    expect(verdicts[2]).toBe('no_matching_signature');
    expect(await delivery(other.id)).toMatchObject({ status: 'failed', last_status_code: 401 });
  });

  it('logs carry neither the webhook URL path and token nor the signing secret', async () => {
    const r = await receiver((_req, i) =>
      i === 0 ? { status: 500, body: 'oops' } : { status: 204 },
    );
    const outbox = suite.h.outbox();
    await enqueue(outbox, webhookChannel(r));
    await runAt(outbox, T0);
    await runAt(outbox, T0 + 5000);
    const text = suite.h.logs.join('');
    expect(text).toContain('outbox message delivered');
    expect(text).not.toContain('tok3n-s3cr3t-value');
    expect(text).not.toContain('/hooks/insightagent');
    expect(text).not.toContain(SECRET.slice(6));
  });
});
