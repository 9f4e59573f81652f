// Reliability: the outbox over the real store against real receivers that misbehave — down
// (connection refused, then listening), slow beyond the outbox's timeout (they process the
// message, then answer late), failing half the time (500/503, seeded), throttling with 429 and
// Retry-After — and restarts while messages wait in backoff. Each scenario enqueues M alert
// notifications to a Slack incoming webhook and M to a Standard Webhooks consumer that dedupes
// by webhook-id, lets the receiver recover, and checks that every message is delivered, each
// webhook-id processed once, and counts the duplicates Slack (no idempotency key) had to take.
// Time is the harness's manual clock (backoffs and Retry-After are skipped, not slept through);
// only the slow receivers run on real milliseconds, a few hundred each.
import type { ChannelConfig } from '../../src/alerts/channels/config';
import { renderNotification } from '../../src/alerts/channels/index';
import { systemClock } from '../../src/clock';
import type { Outbox } from '../../src/outbox/outbox';
import { recordChange } from '../../src/outbox/record';
import {
  type Delivery,
  findOutboxMessages,
  listDeliveries,
} from '../../src/store/repositories/outbox';
import { outboxSuite } from '../helpers/outbox';
import { reliabilitySize } from '../helpers/reliability';
import {
  type Behaviour,
  slackConsumer,
  startUnreliableReceiver,
  type UnreliableReceiver,
  webhookConsumer,
} from '../helpers/unreliable-receiver';
import { firing, NOW, SECRET } from '../unit/alerts/channels/fixtures';

const M = reliabilitySize(5, 200);
const OUTAGE_MS = reliabilitySize(10_000, 15 * 60_000);
const RETRY_AFTER_S = reliabilitySize(2, 5);
/** Slow receivers: first HUNG requests never answer in time, then SLOW ones answer late. */
const HUNG = reliabilitySize(1, 10);
const SLOW = reliabilitySize(2, 50);
const TIMEOUT_MS = 300;
const SLOW_MS = 400;
const HUNG_MS = 60_000;

const T0 = NOW.getTime();
const suite = outboxSuite('unreliable_receivers', T0);
const OK: Behaviour = { kind: 'ok' };

/** Figures of one scenario and receiver kind, printed after the suite. */
interface Figures {
  scenario: string;
  receiver: 'slack' | 'webhook';
  messages: number;
  attempts: number;
  delivered: number;
  requestsSeen: number;
  duplicatesSeen: number;
  duplicatesAfterDedupe: number;
  /** Longest wait between two attempts of one message (clock ms). */
  maxBackoffMs: number;
  maxRetryAfterS?: number;
  minGapAfter429Ms?: number;
}
const figures: Figures[] = [];
afterAll(() => {
  console.log(figures.map((f) => JSON.stringify(f)).join('\n'));
});

// mulberry32: a seeded source in [0, 1), so "half the time" is the same run after run.
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pair {
  slack: UnreliableReceiver;
  webhook: UnreliableReceiver;
  slackPosts: ReturnType<typeof slackConsumer>;
  webhookHandled: ReturnType<typeof webhookConsumer>;
}
const open: UnreliableReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.down();
});

// A Slack channel and a webhook channel, each in front of its own unreliable receiver.
async function receivers(
  behaviour: (kind: 'slack' | 'webhook', index: number, atMs: number) => Behaviour,
  down = false,
  now: () => number = () => suite.h.clock.ms,
): Promise<Pair> {
  const slackPosts = slackConsumer();
  const webhookHandled = webhookConsumer(SECRET);
  const slack = await startUnreliableReceiver({
    consumer: slackPosts,
    behaviour: (i, at) => behaviour('slack', i, at),
    now,
    path: '/services/T000/B000/secret',
    down,
  });
  const webhook = await startUnreliableReceiver({
    consumer: webhookHandled,
    behaviour: (i, at) => behaviour('webhook', i, at),
    now,
    path: '/hooks/insightagent',
    down,
  });
  open.push(slack, webhook);
  const channels: ChannelConfig[] = [
    { name: 'oncall', kind: 'slack', url: slack.url },
    { name: 'bridge', kind: 'webhook', url: webhook.url, secret: [SECRET] },
  ];
  for (const c of channels) suite.h.channels.set(c.name, c);
  return { slack, webhook, slackPosts, webhookHandled };
}

// M firing alerts per channel, one model each, so every Slack text is distinct.
async function enqueueAll(
  outbox: Outbox,
  count = M,
): Promise<{ slack: string[]; webhook: string[] }> {
  const ids = { slack: [] as string[], webhook: [] as string[] };
  for (let i = 0; i < count; i++) {
    const n = { ...firing, model: `model-${String(i).padStart(3, '0')}` };
    for (const [kind, name] of [
      ['slack', 'oncall'],
      ['webhook', 'bridge'],
    ] as const) {
      const config = suite.h.channels.get(name) as ChannelConfig;
      const { id } = await outbox.enqueue({
        channel: name,
        kind: 'alert.firing',
        request: renderNotification(n, config, suite.h.clock.now()),
      });
      ids[kind].push(id);
    }
  }
  return ids;
}

const pending = () => listDeliveries(suite.h.store, { status: 'pending', limit: 100_000 });

// Per channel, the longest wait between two attempts of one message that drive() saw.
const longestWait = new Map<string, number>();
const lastAttempt = new Map<string, { attempts: number; atMs: number }>();
beforeEach(() => {
  longestWait.clear();
  lastAttempt.clear();
});
function noteAttempts(rows: readonly Delivery[], atMs: number): void {
  for (const d of rows) {
    const seen = lastAttempt.get(d.id);
    if (d.attempts <= (seen?.attempts ?? 0)) continue;
    if (seen !== undefined) {
      longestWait.set(d.channel, Math.max(longestWait.get(d.channel) ?? 0, atMs - seen.atMs));
    }
    lastAttempt.set(d.id, { attempts: d.attempts, atMs });
  }
}

/**
 * Runs passes, moving the clock to the next due attempt (or a second on: Slack's pace),
 * until nothing is pending or `until` says stop; `before` runs ahead of each pass.
 */
async function drive(
  outbox: Outbox,
  options: { before?: (ms: number) => Promise<void>; until?: () => boolean } = {},
): Promise<void> {
  const limit = 40 * M + 400;
  for (let pass = 0; pass < limit; pass++) {
    await options.before?.(suite.h.clock.ms);
    const at = suite.h.clock.ms;
    await outbox.runOnce();
    const rows = await listDeliveries(suite.h.store, { limit: 100_000 });
    noteAttempts(rows, at);
    const left = rows.filter((d) => d.status === 'pending');
    if (left.length === 0 || options.until?.() === true) return;
    const next = Math.min(...left.map((d) => Date.parse(d.next_attempt_at ?? '')));
    suite.h.clock.set(next > suite.h.clock.ms ? next : suite.h.clock.ms + 1000);
  }
  throw new Error(`${(await pending()).length} messages still pending after ${limit} passes`);
}

// Every message of both channels delivered; each webhook-id processed once; figures recorded.
async function expectAllDelivered(
  scenario: string,
  pair: Pair,
  ids: { slack: string[]; webhook: string[] },
): Promise<{ slack: Figures; webhook: Figures }> {
  const M = ids.slack.length;
  const all = await listDeliveries(suite.h.store, { limit: 100_000 });
  const of = (channel: string) => all.filter((d) => d.channel === channel);
  const slackRows = of('oncall');
  const webhookRows = of('bridge');
  expect(slackRows.map((d) => d.status)).toEqual(Array(M).fill('delivered'));
  expect(webhookRows.map((d) => d.status)).toEqual(Array(M).fill('delivered'));
  // The webhook consumer processed exactly the enqueued ids, each once.
  expect([...pair.webhookHandled.handled.keys()].sort()).toEqual([...ids.webhook].sort());
  expect(pair.webhookHandled.processed()).toEqual({ distinct: M, total: M });
  // Every arrival at the webhook receiver carried one of the enqueued ids.
  expect(new Set(pair.webhook.arrivals.map((a) => a.key))).toEqual(new Set(ids.webhook));
  // Slack posted every message (and any duplicates are counted by the caller).
  expect(pair.slackPosts.processed().distinct).toBe(M);
  const figure = (receiver: 'slack' | 'webhook', rows: Delivery[]): Figures => {
    const r = pair[receiver];
    const processed = (receiver === 'slack' ? pair.slackPosts : pair.webhookHandled).processed();
    return {
      scenario,
      receiver,
      messages: rows.length,
      attempts: rows.reduce((sum, d) => sum + d.attempts, 0),
      delivered: rows.filter((d) => d.status === 'delivered').length,
      requestsSeen: r.arrivals.length,
      duplicatesSeen: r.duplicatesSeen,
      duplicatesAfterDedupe: processed.total - processed.distinct,
      maxBackoffMs: longestWait.get(receiver === 'slack' ? 'oncall' : 'bridge') ?? 0,
    };
  };
  const out = { slack: figure('slack', slackRows), webhook: figure('webhook', webhookRows) };
  figures.push(out.slack, out.webhook);
  return out;
}

describe('outbox against unreliable receivers', () => {
  it('receivers down (connection refused) through an outage, then listening: every message delivered once', async () => {
    const pair = await receivers(() => OK, true);
    const outbox = suite.h.outbox();
    const ids = await enqueueAll(outbox);
    await drive(outbox, {
      before: async (ms) => {
        if (ms < T0 + OUTAGE_MS) return;
        await pair.slack.up();
        await pair.webhook.up();
      },
    });
    const f = await expectAllDelivered('down', pair, ids);
    // Refused connections reach no one: the receivers saw one request per message.
    expect(pair.slack.arrivals).toHaveLength(M);
    expect(pair.webhook.arrivals).toHaveLength(M);
    expect(f.slack.duplicatesSeen).toBe(0);
    expect(f.webhook.duplicatesSeen).toBe(0);
    expect(f.webhook.attempts).toBeGreaterThan(M);
  });

  it('receivers slower than the timeout: a late answer counts, so only requests never answered are sent twice', async () => {
    // Per receiver: HUNG requests never answered in time (each followed by a prompt retry),
    // then SLOW ones answered after the timeout (the receiver processed them), then prompt.
    const behaviour = (index: number): Behaviour => {
      if (index < 2 * HUNG) return index % 2 === 0 ? { kind: 'slow', delayMs: HUNG_MS } : OK;
      if (index < 2 * HUNG + SLOW) return { kind: 'slow', delayMs: SLOW_MS };
      return OK;
    };
    const pair = await receivers((_kind, index) => behaviour(index));
    const outbox = suite.h.outbox({ timeoutMs: TIMEOUT_MS });
    const ids = await enqueueAll(outbox);
    await drive(outbox);
    await outbox.stop();
    const f = await expectAllDelivered('slow', pair, ids);
    // Slack has no idempotency key: a message the receiver took but never answered in time is
    // indistinguishable from one that was lost, and is sent again — one duplicate per hung
    // request; a late answer (the SLOW requests) is one delivery, not a failure and a retry.
    expect(f.slack.duplicatesSeen).toBe(HUNG);
    expect(f.slack.duplicatesAfterDedupe).toBe(HUNG);
    expect(f.webhook.duplicatesSeen).toBe(HUNG);
    expect(f.webhook.duplicatesAfterDedupe).toBe(0);
    expect(f.slack.requestsSeen).toBe(M + HUNG);
    expect(f.webhook.requestsSeen).toBe(M + HUNG);
  });

  it('receivers failing half the time (500/503, seeded): delivered, each webhook-id processed once', async () => {
    const random = { slack: seeded(9), webhook: seeded(10) };
    const pair = await receivers((kind) => {
      const r = random[kind]();
      if (r >= 0.5) return OK;
      // A webhook consumer's 500 comes after it processed the message (it failed answering);
      // Slack posts nothing when it answers 5xx.
      return r < 0.25
        ? { kind: 'fail', status: 500, processed: kind === 'webhook' }
        : { kind: 'fail', status: 503, processed: false };
    });
    const outbox = suite.h.outbox();
    const ids = await enqueueAll(outbox);
    await drive(outbox);
    const f = await expectAllDelivered('flaky', pair, ids);
    const failures = (r: UnreliableReceiver) => r.arrivals.filter((a) => a.status >= 500).length;
    expect(failures(pair.slack)).toBeGreaterThan(0);
    expect(f.slack.attempts).toBe(M + failures(pair.slack));
    expect(f.webhook.attempts).toBe(M + failures(pair.webhook));
    expect(f.slack.duplicatesSeen).toBe(0);
    // Each 500 after processing brings the same webhook-id back once more; the consumer drops it.
    const processedFailures = pair.webhook.arrivals.filter(
      (a) => a.behaviour === 'fail' && a.status === 500,
    ).length;
    expect(f.webhook.duplicatesSeen).toBe(processedFailures);
    expect(f.webhook.duplicatesAfterDedupe).toBe(0);
  });

  it('receivers answering 429 with Retry-After: the next request waits at least that long', async () => {
    // One message per RETRY_AFTER_S window per receiver; anything sooner gets 429.
    const accepted = { slack: -Infinity, webhook: -Infinity };
    const windowMs = RETRY_AFTER_S * 1000;
    const pair = await receivers((kind, _index, atMs) => {
      const wait = accepted[kind] + windowMs - atMs;
      if (wait > 0) return { kind: 'throttle', retryAfterS: Math.ceil(wait / 1000) };
      accepted[kind] = atMs;
      return OK;
    });
    const outbox = suite.h.outbox();
    const ids = await enqueueAll(outbox);
    await drive(outbox);
    const f = await expectAllDelivered('throttled', pair, ids);
    for (const kind of ['slack', 'webhook'] as const) {
      const arrivals = pair[kind].arrivals;
      const gaps = arrivals.flatMap((a, i) => {
        const next = arrivals[i + 1];
        return a.status === 429 && next !== undefined
          ? [{ gap: next.atMs - a.atMs, asked: (a.retryAfterS ?? 0) * 1000 }]
          : [];
      });
      expect(gaps.length).toBeGreaterThan(0);
      for (const g of gaps) expect(g.gap).toBeGreaterThanOrEqual(g.asked);
      f[kind].maxRetryAfterS = Math.max(...gaps.map((g) => g.asked / 1000));
      f[kind].minGapAfter429Ms = Math.min(...gaps.map((g) => g.gap));
      expect(f[kind].duplicatesSeen).toBe(0);
      expect(f[kind].attempts).toBe(arrivals.length);
    }
  });

  it('a restart mid-backoff, and one while an answer is late, loses nothing and keeps each webhook-id', async () => {
    let phase: 'failing' | 'slow' | 'ok' = 'failing';
    let slowSent = { slack: false, webhook: false };
    const pair = await receivers((kind) => {
      if (phase === 'failing') return { kind: 'fail', status: 503, processed: false };
      if (phase === 'slow' && !slowSent[kind]) {
        slowSent = { ...slowSent, [kind]: true };
        return { kind: 'slow', delayMs: SLOW_MS };
      }
      return OK;
    });
    // First process: every head attempt refused until the clock is halfway through the outage.
    const first = suite.h.outbox({ timeoutMs: TIMEOUT_MS });
    const ids = await enqueueAll(first);
    await drive(first, { until: () => suite.h.clock.ms >= T0 + OUTAGE_MS / 2 });
    await first.stop();
    const inBackoff = (await pending()).filter((d) => d.attempts > 0);
    expect(inBackoff.map((d) => d.channel).sort()).toEqual(['bridge', 'oncall']);
    const seenBefore = new Set(pair.webhook.arrivals.map((a) => a.key));
    expect(seenBefore).toEqual(new Set([ids.webhook[0]]));

    // Second process: the head's retry reaches a receiver that answers after the timeout; the
    // process stops while that answer is on its way.
    phase = 'slow';
    const second = suite.h.outbox({ timeoutMs: TIMEOUT_MS });
    const due = Math.max(...inBackoff.map((d) => Date.parse(d.next_attempt_at ?? '')));
    suite.h.clock.set(due);
    await second.runOnce();
    await second.stop();

    // Third process: the receivers are well again.
    phase = 'ok';
    const third = suite.h.outbox({ timeoutMs: TIMEOUT_MS });
    await drive(third);
    await third.stop();
    const f = await expectAllDelivered('restart', pair, ids);
    // The message refused before the restart was processed under the id it was refused with.
    expect(pair.webhookHandled.handled.has(ids.webhook[0] as string)).toBe(true);
    expect(f.slack.duplicatesSeen).toBe(0);
    expect(f.webhook.duplicatesSeen).toBe(0);
  });

  it('a claim left by a process that died during the last allowed attempt is not sent again', async () => {
    const pair = await receivers(() => ({ kind: 'fail', status: 503, processed: false }));
    const outbox = suite.h.outbox({ policy: { maxAttempts: 3 } });
    const config = suite.h.channels.get('bridge') as ChannelConfig;
    const { id } = await outbox.enqueue({
      channel: 'bridge',
      kind: 'alert.firing',
      request: renderNotification(firing, config, suite.h.clock.now()),
    });
    // What the dead process stored: attempt 3 claimed (after two 503s), its outcome never.
    const [row] = await findOutboxMessages(suite.h.store, [id]);
    if (row === undefined) throw new Error('the message was not stored');
    await recordChange(suite.h.store, row, 1, {
      status: 'pending',
      attempts: 3,
      at: T0,
      next: T0 + 3000,
      code: 503,
      error: 'HTTP 503',
    });
    suite.h.clock.set(T0 + 60_000);
    await suite.h.outbox({ policy: { maxAttempts: 3 } }).runOnce();
    expect(pair.webhook.arrivals).toHaveLength(0);
    const [after] = await listDeliveries(suite.h.store, { limit: 10 });
    expect(after).toMatchObject({
      id,
      status: 'failed',
      attempts: 3,
      last_error: 'gave up after 3 attempts; last: HTTP 503',
    });
  });

  it('the running loop on the wall clock: an answer after the timeout is one delivery', async () => {
    // The production path: start(), real backoffs, a poll every 50 ms; Slack's pace (one
    // message a second) makes this one short on messages.
    const pair = await receivers(
      (_kind, index) => (index === 0 ? { kind: 'slow', delayMs: SLOW_MS } : OK),
      false,
      Date.now,
    );
    const outbox = suite.h.outbox({ clock: systemClock, timeoutMs: TIMEOUT_MS, pollMs: 50 });
    const ids = await enqueueAll(outbox, 2);
    outbox.start();
    const deadline = Date.now() + 20_000;
    while ((await pending()).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await outbox.stop();
    const f = await expectAllDelivered('wall clock', pair, ids);
    expect(f.slack.requestsSeen).toBe(2);
    expect(f.slack.duplicatesSeen).toBe(0);
    expect(f.webhook.duplicatesSeen).toBe(0);
  });
});
