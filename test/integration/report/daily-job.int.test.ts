// The daily insight report, end to end on the real engine: half an hour of chimera yesterday
// (backfilled), the scheduler's pass for yesterday's window, the outbox delivering the Block Kit
// message to a local Slack webhook; a second pass sends nothing twice, and a model without a
// daily channel is not posted.
import { parseChannels } from '../../../src/alerts/channels/config';
import { createModelStats } from '../../../src/model-stats/service';
import { createOutbox } from '../../../src/outbox/outbox';
import { parseReportsConfig } from '../../../src/report/config';
import { createDailyReportJob, DAY_MS } from '../../../src/report/daily-job';
import { createInsightReports } from '../../../src/report/service';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { backfill } from '../../../src/simulate/backfill';
import { scenarioByName } from '../../../src/simulate/scenarios';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { type SlackReceiver, startSlackReceiver } from '../../helpers/slack-receiver';
import { closeTestStore, openTestStore } from '../../helpers/store';

const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const YESTERDAY = TODAY - DAY_MS;
const NOW = TODAY + 60_000;
const clock = { now: () => new Date(NOW) };
const log = createLogger('silent');

let store: Store;
let slack: SlackReceiver;

beforeAll(async () => {
  store = await openTestStore('report_daily');
  await migrate(store, loadMigrationFiles());
  slack = await startSlackReceiver(() => Date.now());
  const half = 1_800_000;
  await backfill(store, {
    scenario: scenarioByName('chimera'),
    startMs: YESTERDAY + 12 * 3_600_000,
    durationMs: half,
    seed: 3,
  });
  // Another model, seen yesterday too, with no daily channel.
  await backfill(store, {
    scenario: { ...scenarioByName('chimera'), model: 'quiet' },
    startMs: YESTERDAY + 13 * 3_600_000,
    durationMs: 60_000,
    seed: 4,
  });
}, 60_000);

afterAll(async () => {
  await slack.close();
  await closeTestStore(store);
});

it("posts yesterday's chimera report to its Slack channel once, and nothing for other models", async () => {
  const channels = parseChannels([{ name: 'oncall', kind: 'slack', url: slack.url }]);
  const config = parseReportsConfig(
    {
      chimera: { targets: { throughput_rps: 10 }, device: 'chimera', daily: { channel: 'oncall' } },
    },
    'test',
    ['oncall'],
  );
  const outbox = createOutbox({
    store,
    clock,
    channels: (name) => channels.find((c) => c.name === name),
    log,
  });
  const stats = createModelStats(store, clock);
  const job = createDailyReportJob({
    reports: createInsightReports({ store, stats, clock, config }),
    config,
    models: () => stats.models(),
    channels,
    outbox,
    log,
  });
  const deps = { store, clock, log, runner: 'test' };
  expect(await runDueWindows(job, deps)).toEqual({ succeeded: 1, skipped: 0 });
  await outbox.runOnce();
  expect(slack.received).toHaveLength(1);
  const message = JSON.stringify(slack.received[0]?.body);
  expect(message).toContain('chimera');
  expect(message).toMatch(/[Bb]atch/); // the batching recommendation
  expect(message).not.toContain('quiet');
  // The window is done: another pass (or a restarted scheduler) posts nothing again.
  expect(await runDueWindows(job, deps)).toEqual({ succeeded: 0, skipped: 0 });
  await job.run({ startMs: YESTERDAY, endMs: TODAY }); // even forced: the same message id
  await outbox.runOnce();
  expect(slack.received).toHaveLength(1);
}, 60_000);
