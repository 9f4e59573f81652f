// SLO alerting end to end on the real embedded store: three days of traffic, then a 40-minute
// TTFT incident (400 bad of 43,200 requests a 3-day window: no ticket burn reaches its threshold), the SLO job run minute by minute through the scheduler's runner (injected
// clock), the outbox delivering to a local Slack-like receiver. One incident: exactly one page
// firing message at the incident's 9th minute and one resolved message 29 minutes after it ended.
import { createServer, type Server } from 'node:http';
import { parseChannels } from '../../../src/alerts/channels/config';
import type { Clock } from '../../../src/clock';
import { createOutbox } from '../../../src/outbox/outbox';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { createSloJob } from '../../../src/slo/job';
import type { SloSpec } from '../../../src/slo/spec';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MIN = 60_000;
const INCIDENT = Date.parse('2026-11-27T10:00:00Z');
const START = INCIDENT - 3 * 1440 * MIN;
let store: Store;
let now = INCIDENT;
const clock: Clock = { now: () => new Date(now) };
const log = createLogger('silent');

interface Received {
  at: number;
  body: { text: string; blocks: Array<{ type: string; fields?: Array<{ text: string }> }> };
}
const received: Received[] = [];
let slack: Server;
let slackUrl = '';

const TTFT: SloSpec = {
  name: 'ttft',
  model: '*',
  sli: { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 },
  objective: 0.99,
  window: { kind: 'rolling', days: 30 },
  budgeting: 'occurrences',
  alerting: { minEvents: 100, page: true, ticket: true },
};

beforeAll(async () => {
  slack = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => {
      received.push({ at: now, body: JSON.parse(data) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  const address = slack.address();
  slackUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/services/T0/B0/x`;
  store = await openTestStore('slo_alerting');
  await migrate(store, loadMigrationFiles());
  await store.command({
    tag: 'test.traffic',
    sql: `INSERT INTO {db:Identifier}.inference_requests (ts, model, latency_ms, ttft_ms, status)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(number, 10) * 60000
                   + (number % 10) * 1000), 'UTC') AS t, 'chimera', 500,
                 if(toUnixTimestamp64Milli(t) >= {i0:Int64} AND toUnixTimestamp64Milli(t) < {i1:Int64}, 1200, 300),
                 'ok'
          FROM numbers({rows:UInt64})`,
    params: { start: START, i0: INCIDENT, i1: INCIDENT + 40 * MIN, rows: (3 * 1440 + 180) * 10 },
  });
});

afterAll(async () => {
  await closeTestStore(store);
  await new Promise((resolve) => slack.close(resolve));
});

it('one incident: one page firing at its 9th minute, one resolved 29 minutes after it ended', async () => {
  const channels = parseChannels([{ name: 'oncall', kind: 'slack', url: slackUrl }]);
  const outbox = createOutbox({
    store,
    clock,
    channels: (name) => channels.find((c) => c.name === name),
    log,
  });
  const job = createSloJob({ store, slos: [TTFT], channels, outbox });
  const deps = { store, clock, log, runner: 'test' };
  for (let k = -2; k <= 100; k++) {
    now = INCIDENT + k * MIN + 5_000;
    await runDueWindows(job, deps);
    await outbox.runOnce();
  }
  await outbox.stop();

  expect(received.map((r) => [(r.at - INCIDENT - 5_000) / MIN, r.body.text])).toEqual([
    [9, expect.stringContaining('[FIRING] page: SLO ttft for model chimera')],
    [69, expect.stringContaining('[RESOLVED] page: SLO ttft for model chimera')],
  ]);
  const fields = (r: Received) =>
    r.body.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text.split('\n')[0]);
  expect(fields(received[0] as Received)).toEqual([
    '*Model*',
    '*SLO*',
    '*SLI vs objective*',
    '*Budget remaining*',
    '*Burn rates*',
    '*Severity*',
    '*Started*',
  ]);
  expect(fields(received[1] as Received)).toContain('*Resolved*');

  // Replaying the same windows (a crash before job_runs was written) sends nothing again.
  const before = received.length;
  await store.command({ tag: 'test.forget', sql: 'TRUNCATE TABLE {db:Identifier}.job_runs' });
  now = INCIDENT + 100 * MIN + 5_000;
  await runDueWindows({ ...job, maxCatchUp: 200 }, deps);
  await outbox.runOnce();
  expect(received).toHaveLength(before);
});
