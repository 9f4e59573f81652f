// The SLO job through the scheduler's runner on the real embedded store: every minute window
// evaluated and recorded in slo_status, the newest per SLO x model served by GET /api/v1/slos.
import { createApp } from '../../../src/api/app';
import { closeServer, listen } from '../../../src/api/http-server';
import type { Clock } from '../../../src/clock';
import { createOutbox } from '../../../src/outbox/outbox';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { createSloJob } from '../../../src/slo/job';
import type { SloSpec } from '../../../src/slo/spec';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { latestSloStatus } from '../../../src/store/repositories/slo-status';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MIN = 60_000;
const START = Date.parse('2026-11-27T00:00:00Z');
const INCIDENT = START + 600 * MIN;
let store: Store;
let now = INCIDENT;
const clock: Clock = { now: () => new Date(now) };
const log = createLogger('silent');

const TTFT: SloSpec = {
  name: 'ttft',
  model: '*',
  sli: { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 },
  objective: 0.99,
  window: { kind: 'rolling', days: 30 },
  budgeting: 'occurrences',
  alerting: { minEvents: 100, page: true, ticket: false },
};

beforeAll(async () => {
  store = await openTestStore('slo_job');
  await migrate(store, loadMigrationFiles());
  // 10 requests a minute from START for 12 hours; TTFT 1200 ms in the 40 minutes from INCIDENT.
  await store.command({
    tag: 'test.traffic',
    sql: `INSERT INTO {db:Identifier}.inference_requests (ts, model, latency_ms, ttft_ms, status)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(number, 10) * 60000
                   + (number % 10) * 1000), 'UTC') AS t, 'chimera', 500,
                 if(toUnixTimestamp64Milli(t) >= {i0:Int64} AND toUnixTimestamp64Milli(t) < {i1:Int64}, 1200, 300),
                 'ok'
          FROM numbers(7200)`,
    params: { start: START, i0: INCIDENT, i1: INCIDENT + 40 * MIN },
  });
});

afterAll(async () => {
  await closeTestStore(store);
});

// With no channel configured nothing is enqueued; the outbox is the real one all the same.
const quietOutbox = () => createOutbox({ store, clock, channels: () => undefined, log });

it('records one evaluation per minute window and serves the newest: paging from the 9th incident minute', async () => {
  const job = createSloJob({ store, slos: [TTFT], channels: [], outbox: quietOutbox() });
  const deps = { store, clock, log, runner: 'test' };
  now = INCIDENT + 5_000;
  await runDueWindows(job, deps);
  now = INCIDENT + 12 * MIN + 5_000; // 12 windows owed: caught up in order
  expect(await runDueWindows(job, deps)).toEqual({ succeeded: 12, skipped: 0 });

  const history = await store.query<{ at: number; firing: string }>({
    tag: 'test.history',
    sql: `SELECT toUnixTimestamp(evaluated_at) * 1000 AS at, toString(firing) AS firing
          FROM {db:Identifier}.slo_status FINAL ORDER BY evaluated_at`,
  });
  expect(history.map((h) => [(h.at - INCIDENT) / MIN, h.firing])).toEqual(
    Array.from({ length: 13 }, (_, k) => [k, k >= 9 ? 'page' : 'none']),
  );

  const [latest] = await latestSloStatus(store);
  expect(latest).toMatchObject({ slo: 'ttft', model: 'chimera', firing: 'page' });

  const app = createApp({
    tokens: [],
    log,
    metrics: createMetrics(),
    readiness: async () => ({ ready: true, checks: { store: 'ok', migrations: 'current' } }),
    status: async () => ({}),
    effectiveConfig: () => ({}),
    sloStatus: () => latestSloStatus(store),
  });
  const server = await listen(app, '127.0.0.1', 0);
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/slos`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { slos: Array<Record<string, unknown>> };
    expect(body.slos).toEqual([
      expect.objectContaining({
        slo: 'ttft',
        model: 'chimera',
        evaluated_at: new Date(INCIDENT + 12 * MIN).toISOString(),
        firing: 'page',
        objective: 0.99,
      }),
    ]);
  } finally {
    await closeServer(server.server, 1_000);
  }
});

it('evaluates the default SLOs (timeslices included) when none is configured', async () => {
  await store.command({
    tag: 'test.scores',
    sql: `INSERT INTO {db:Identifier}.evaluations (ts, model, name, value)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + number * 6000), 'UTC'), 'chimera',
                 if(number % 2 = 0, 'accuracy', 'coherence'), 0.8 + (number % 20) / 100
          FROM numbers(7200)`,
    params: { start: START },
  });
  const job = createSloJob({ store, slos: [], channels: [], outbox: quietOutbox() });
  now = INCIDENT + 3 * 60 * MIN + 17 * 1000;
  const pass = await runDueWindows(
    { ...job, name: 'slo-defaults' },
    { store, clock, log, runner: 'test' },
  );
  expect(pass).toEqual({ succeeded: 1, skipped: 0 });
  const rows = await store.query<{ slo: string; method: string }>({
    tag: 'test.defaults',
    sql: `SELECT slo, toString(method) AS method FROM {db:Identifier}.slo_status
          WHERE evaluated_at = toDateTime(intDiv({at:Int64}, 1000), 'UTC') ORDER BY slo`,
    params: { at: INCIDENT + 3 * 60 * MIN },
  });
  expect(rows).toEqual([
    { slo: 'accuracy', method: 'timeslices' },
    { slo: 'availability', method: 'occurrences' },
    { slo: 'coherence', method: 'timeslices' },
    { slo: 'throughput', method: 'timeslices' },
    { slo: 'ttft_p95', method: 'timeslices' },
  ]);
});

it('an SLO that cannot be evaluated is logged and skipped; the others are still recorded', async () => {
  // Objective 0.9 with a 14.4x page can never fire: the math refuses to evaluate it.
  const broken: SloSpec = { ...TTFT, name: 'broken', objective: 0.9 };
  const job = createSloJob({ store, slos: [broken, TTFT], channels: [], outbox: quietOutbox() });
  now = INCIDENT + 4 * 60 * MIN + 17 * 1000;
  const pass = await runDueWindows(
    { ...job, name: 'slo-broken' },
    { store, clock, log, runner: 'test' },
  );
  expect(pass).toEqual({ succeeded: 1, skipped: 0 });
  const rows = await store.query<{ slo: string }>({
    tag: 'test.broken',
    sql: `SELECT DISTINCT slo FROM {db:Identifier}.slo_status
          WHERE evaluated_at = toDateTime(intDiv({at:Int64}, 1000), 'UTC')`,
    params: { at: INCIDENT + 4 * 60 * MIN },
  });
  expect(rows).toEqual([{ slo: 'ttft' }]);
});
