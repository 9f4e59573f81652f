// SLO alerting end to end on the real embedded store: three days of traffic, then a 40-minute
// TTFT incident (400 bad of 43,200 requests in a 3-day window: no ticket burn reaches its
// threshold), the SLO job run through the scheduler's runner (injected clock), the outbox
// delivering to a local Slack-like receiver. One incident: exactly one page firing message at the
// incident's 9th minute and one resolved message 29 minutes after it ended — minute by minute,
// and after three hours of downtime caught up in one pass.
import { parseChannels } from '../../../src/alerts/channels/config';
import type { Clock } from '../../../src/clock';
import { createOutbox } from '../../../src/outbox/outbox';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { createSloJob } from '../../../src/slo/job';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { INCIDENT_AT, seedIncidentTraffic, TTFT_SLO } from '../../helpers/incident-traffic';
import {
  type SlackDelivery,
  type SlackReceiver,
  startSlackReceiver,
} from '../../helpers/slack-receiver';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MIN = 60_000;
let store: Store;
let now = INCIDENT_AT;
const clock: Clock = { now: () => new Date(now) };
const log = createLogger('silent');
let slack: SlackReceiver;

const TTFT = TTFT_SLO;

beforeEach(async () => {
  slack = await startSlackReceiver(() => now);
  store = await openTestStore('slo_alerting');
  await migrate(store, loadMigrationFiles());
  await seedIncidentTraffic(store);
});

afterEach(async () => {
  await closeTestStore(store);
  await slack.close();
});

function pipeline() {
  const channels = parseChannels([{ name: 'oncall', kind: 'slack', url: slack.url }]);
  const outbox = createOutbox({
    store,
    clock,
    channels: (name) => channels.find((c) => c.name === name),
    log,
  });
  const job = createSloJob({ store, slos: [TTFT], channels, outbox });
  return { job, outbox, deps: { store, clock, log, runner: 'test' } };
}

// Minutes after the incident start at which each message arrived, and its text.
const timeline = (received: readonly SlackDelivery[]) =>
  received.map((r) => [Math.floor((r.at - INCIDENT_AT) / MIN), r.body.text]);

// Each test evaluates 100-200 minute windows on the engine: ~15 s alone, much longer while the
// machine runs the other suites beside it.
const SLOW_MS = 120_000;

it(
  'one incident, minute by minute: one page firing at its 9th minute, one resolved 29 minutes after it ended',
  async () => {
    const { job, outbox, deps } = pipeline();
    for (let k = -2; k <= 100; k++) {
      now = INCIDENT_AT + k * MIN + 5_000;
      await runDueWindows(job, deps);
      await outbox.runOnce();
    }
    expect(timeline(slack.received)).toEqual([
      [9, expect.stringContaining('[FIRING] page: SLO ttft for model chimera')],
      [69, expect.stringContaining('[RESOLVED] page: SLO ttft for model chimera')],
    ]);
    const fields = (r: SlackDelivery) =>
      r.body.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text.split('\n')[0]);
    expect(fields(slack.received[0] as SlackDelivery)).toEqual([
      '*Model*',
      '*SLO*',
      '*SLI vs objective*',
      '*Budget remaining*',
      '*Burn rates*',
      '*Severity*',
      '*Started*',
    ]);
    expect(fields(slack.received[1] as SlackDelivery)).toContain('*Resolved*');

    // Replaying the same windows (a crash before job_runs was written) sends nothing again.
    await store.command({ tag: 'test.forget', sql: 'TRUNCATE TABLE {db:Identifier}.job_runs' });
    now = INCIDENT_AT + 100 * MIN + 5_000;
    await runDueWindows({ ...job, maxCatchUp: 200 }, deps);
    await outbox.runOnce();
    expect(slack.received).toHaveLength(2);
    await outbox.stop();
  },
  SLOW_MS,
);

it(
  'three hours of downtime over the incident: caught up on restart, each message sent once',
  async () => {
    const before = pipeline();
    now = INCIDENT_AT - MIN + 5_000;
    await runDueWindows(before.job, before.deps);
    await before.outbox.stop();

    // Restart three hours later: a new job and outbox on the same store; 180 windows owed.
    const after = pipeline();
    now = INCIDENT_AT + 179 * MIN + 5_000;
    expect(await runDueWindows(after.job, after.deps)).toEqual({ succeeded: 180, skipped: 0 });
    // Slack takes one message a second per webhook: the second goes out a second later.
    await after.outbox.runOnce();
    now += 1_000;
    await after.outbox.runOnce();
    await after.outbox.stop();
    expect(slack.received.map((r) => r.body.text)).toEqual([
      expect.stringContaining('[FIRING] page: SLO ttft for model chimera'),
      expect.stringContaining('[RESOLVED] page: SLO ttft for model chimera'),
    ]);
    expect(
      slack.received[0]?.body.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text),
    ).toContain(`*Started*\n${new Date(INCIDENT_AT + 9 * MIN).toISOString()}`);
  },
  SLOW_MS,
);
