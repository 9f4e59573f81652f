// The outbox per destination, on the real engine with real loopback receivers: Slack pacing,
// 410 disabling, order, idempotent enqueue, a claim left by a crashed process, and the loop.
import type { ChannelConfig } from '../../../src/alerts/channels/config';
import { renderNotification } from '../../../src/alerts/channels/index';
import type { AlertNotification } from '../../../src/alerts/notification';
import type { Outbox } from '../../../src/outbox/outbox';
import { type Delivery, listDeliveries } from '../../../src/store/repositories/outbox';
import { outboxSuite } from '../../helpers/outbox';
import type { Answer, Received, Receiver } from '../../helpers/receiver';
import { firing, NOW, resolved, SECRET } from '../../unit/alerts/channels/fixtures';

const T0 = NOW.getTime();
const suite = outboxSuite('outbox_destinations', T0);
const receiver = (answer: (req: Received, index: number) => Answer) => suite.receiver(answer);

function channel(config: ChannelConfig): ChannelConfig {
  suite.h.channels.set(config.name, config);
  return config;
}

const slack = (r: Receiver, name = 'oncall') =>
  channel({ name, kind: 'slack', url: `${r.origin}/services/T0001/B0002/XXXXSECRETKEYXXXX` });
const webhook = (r: Receiver, name = 'bridge') =>
  channel({ name, kind: 'webhook', url: `${r.origin}/hook`, secret: [SECRET] });

function enqueue(
  outbox: Outbox,
  config: ChannelConfig,
  n: AlertNotification = firing,
  id?: string,
) {
  return outbox.enqueue({
    id,
    channel: config.name,
    kind: `alert.${n.status}`,
    request: renderNotification(n, config, suite.h.clock.now()),
  });
}

async function delivery(id: string): Promise<Delivery | undefined> {
  return (await listDeliveries(suite.h.store, { limit: 100 })).find((d) => d.id === id);
}

async function runAt(outbox: Outbox, ms: number) {
  suite.h.clock.set(ms);
  return outbox.runOnce();
}

describe('outbox per destination', () => {
  it('Slack-like receiver: two messages to one webhook arrive at least 1 s apart, in order', async () => {
    const r = await receiver(() => ({ status: 200, body: 'ok' }));
    const outbox = suite.h.outbox();
    const config = slack(r);
    await enqueue(outbox, config, firing);
    await enqueue(outbox, config, resolved); // same millisecond: created order still kept
    expect(await runAt(outbox, T0)).toMatchObject({ delivered: 1, deferred: 1 });
    expect(await runAt(outbox, T0 + 999)).toMatchObject({ attempted: 0, deferred: 1 });
    expect(await runAt(outbox, T0 + 1000)).toMatchObject({ delivered: 1, deferred: 0 });
    expect(r.received.map((x) => x.atMs)).toEqual([T0, T0 + 1000]);
    const headers = r.received.map((x) => JSON.parse(x.body).blocks[0].text.text as string);
    expect(headers[0]).toMatch(/^:rotating_light:/);
    expect(headers[1]).toMatch(/^:white_check_mark:/);
  });

  it('410 disables the destination: its pending messages and later enqueues, not other destinations', async () => {
    const gone = await receiver(() => ({ status: 410, body: 'no_service' }));
    const fine = await receiver(() => ({ status: 204 }));
    const outbox = suite.h.outbox();
    const dead = webhook(gone, 'dead');
    const live = webhook(fine, 'live');
    const a = await enqueue(outbox, dead, firing);
    const b = await enqueue(outbox, dead, resolved);
    const c = await enqueue(outbox, live, firing);
    expect(await runAt(outbox, T0)).toMatchObject({ attempted: 2, delivered: 1, disabled: 1 });
    expect(await delivery(a.id)).toMatchObject({
      status: 'disabled',
      last_status_code: 410,
      last_error: 'HTTP 410: no_service',
    });
    expect(await delivery(b.id)).toMatchObject({ status: 'disabled', attempts: 0 });
    expect((await delivery(b.id))?.last_error).toMatch(/410 Gone/);
    expect(await delivery(c.id)).toMatchObject({ status: 'delivered' });

    const later = await enqueue(outbox, dead, firing);
    expect(later.status).toBe('disabled');
    await runAt(outbox, T0 + 3600_000);
    expect(gone.received).toHaveLength(1);

    // A new URL for the channel is a new destination: enabled again.
    const moved = await receiver(() => ({ status: 204 }));
    const renamed = webhook(moved, 'dead');
    const again = await enqueue(outbox, renamed, firing);
    expect(again.status).toBe('pending');
    await runAt(outbox, T0 + 3600_001);
    expect(await delivery(again.id)).toMatchObject({ status: 'delivered' });
  });

  it('a destination in backoff holds its later messages back but not other destinations', async () => {
    const busy = await receiver((_q, i) =>
      i === 0 ? { status: 503, headers: { 'retry-after': '30' } } : { status: 204 },
    );
    const idle = await receiver(() => ({ status: 204 }));
    const outbox = suite.h.outbox();
    const first = await enqueue(outbox, webhook(busy, 'busy'), firing);
    const second = await enqueue(outbox, webhook(busy, 'busy'), resolved);
    const other = await enqueue(outbox, webhook(idle, 'idle'), firing);
    await runAt(outbox, T0);
    await runAt(outbox, T0 + 10_000);
    expect(busy.received).toHaveLength(1);
    expect(await delivery(second.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await delivery(other.id)).toMatchObject({ status: 'delivered' });
    await runAt(outbox, T0 + 30_000);
    expect(busy.received.map((x) => x.headers['webhook-id'])).toEqual([
      first.id,
      first.id,
      second.id,
    ]);
  });

  it('enqueueing an id that exists stores nothing new, and a delivered message is never resent', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const outbox = suite.h.outbox();
    const config = webhook(r);
    expect(await enqueue(outbox, config, firing, 'msg_alert_42')).toEqual({
      id: 'msg_alert_42',
      status: 'pending',
    });
    expect(await enqueue(outbox, config, firing, 'msg_alert_42')).toEqual({
      id: 'msg_alert_42',
      status: 'pending',
    });
    await runAt(outbox, T0);
    expect(await enqueue(outbox, config, firing, 'msg_alert_42')).toEqual({
      id: 'msg_alert_42',
      status: 'delivered',
    });
    await runAt(outbox, T0 + 60_000);
    expect(r.received).toHaveLength(1);
    expect(await listDeliveries(suite.h.store, { limit: 10 })).toHaveLength(1);
    await expect(enqueue(outbox, config, firing, 'bad id')).rejects.toThrow(/not 1-128/);
    await expect(
      outbox.enqueue({
        channel: 'nope',
        kind: 'x',
        request: renderNotification(firing, config, NOW),
      }),
    ).rejects.toThrow(/no channel named "nope"/);
  });

  it('a message whose channel was removed from the config fails, naming the channel', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const outbox = suite.h.outbox();
    const { id } = await enqueue(outbox, webhook(r, 'retired'));
    suite.h.channels.delete('retired');
    await runAt(outbox, T0);
    expect(r.received).toHaveLength(0);
    expect(await delivery(id)).toMatchObject({
      status: 'failed',
      last_error: 'no channel named "retired" is configured any more',
    });
  });

  it('an attempt claimed by a process that died mid-request is retried only after the claim lapses', async () => {
    const r = await receiver(() => ({ status: 204 }));
    const config = webhook(r);
    // The first process sends into the void and never hears back (it "dies").
    const dying = suite.h.outbox({ fetch: () => new Promise<Response>(() => {}) });
    const { id } = await enqueue(dying, config);
    suite.h.clock.set(T0);
    void dying.runOnce();
    for (let i = 0; i < 100 && (await delivery(id))?.attempts !== 1; i++) {
      await new Promise((res) => setTimeout(res, 20));
    }
    // Claim: timeout 2 s + base backoff 1 s.
    expect(await delivery(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: new Date(T0 + 3000).toISOString(),
    });
    const restarted = suite.h.outbox();
    expect(await runAt(restarted, T0 + 2999)).toMatchObject({ attempted: 0 });
    expect(await runAt(restarted, T0 + 3000)).toMatchObject({ delivered: 1 });
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([id]);
    expect(await delivery(id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('start() delivers a new message without waiting for a poll; stop() ends the loop', async () => {
    const r = await receiver(() => ({ status: 204 }));
    const outbox = suite.h.outbox({ pollMs: 60_000 });
    outbox.start();
    outbox.start();
    const { id } = await enqueue(outbox, webhook(r));
    for (let i = 0; i < 250 && (await delivery(id))?.status !== 'delivered'; i++) {
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(await delivery(id)).toMatchObject({ status: 'delivered', attempts: 1 });
    await outbox.stop();
    await outbox.stop();
    const after = await enqueue(outbox, webhook(r));
    await new Promise((res) => setTimeout(res, 100));
    expect(await delivery(after.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
