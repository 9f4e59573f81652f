// Drift runs on awkward data, on the real embedded store: a category with one value, features
// that vanished or appeared since the reference, a reference still filling, a re-run judging
// fewer features, and a failure that must fail the window rather than vanish.
import type { Clock } from '../../../src/clock';
import { type DriftMonitor, parseDriftMonitors } from '../../../src/drift/config';
import { createDriftJobs } from '../../../src/drift/job';
import { runDrift } from '../../../src/drift/run';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { getDriftReport } from '../../../src/store/repositories/drift-reports';
import { encodeJsonEachRow, insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { requestRow, tsText } from '../../helpers/telemetry-rows';

const H = 3_600_000;
const T = Date.parse('2026-11-25T00:00:00Z');
const REFERENCE = { from: new Date(T).toISOString(), to: new Date(T + H).toISOString() };
const CURRENT = { fromMs: T + H, toMs: T + 2 * H };
const AFTER = T + 2 * H + 5_000;
let store: Store;

// Hour 0 (the reference): a, gone (numeric), gonecat, request_type always "chat".
// Hour 1 (current): a, fresh (numeric), request_type always "chat"; gone and gonecat vanished.
beforeAll(async () => {
  store = await openTestStore('drift_edges');
  await migrate(store, loadMigrationFiles());
  const rows = [
    ...Array.from({ length: 200 }, (_, i) =>
      requestRow({
        ts: tsText(T + i * 10_000),
        model: 'edge',
        request_type: 'chat',
        features_num: { a: i % 20, gone: i },
        features_cat: { gonecat: i % 2 === 0 ? 'x' : 'y' },
      }),
    ),
    ...Array.from({ length: 200 }, (_, i) =>
      requestRow({
        ts: tsText(T + H + i * 10_000),
        model: 'edge',
        request_type: 'chat',
        features_num: { a: i % 20, fresh: i },
      }),
    ),
  ];
  await insertIngestRows(store, 'inference_requests', encodeJsonEachRow(rows), 'f1');
});

afterAll(async () => {
  await closeTestStore(store);
});

const monitor = (entry: Record<string, unknown>): DriftMonitor =>
  parseDriftMonitors(
    [{ model: 'edge', min_samples: 5, reference: REFERENCE, ...entry }],
    't',
  )[0] as DriftMonitor;

const byFeature = (features: { feature: string; status: string; note: string }[]) =>
  Object.fromEntries(features.map((f) => [f.feature, [f.status, f.note]]));

async function profileRows(feature: string): Promise<number> {
  const [row] = await store.query<{ n: number }>({
    tag: 'test.profile_rows',
    sql: `SELECT count() AS n FROM {db:Identifier}.reference_profiles
          WHERE model = 'edge' AND feature = {feature:String}`,
    params: { feature },
  });
  return Number(row?.n);
}

it('every feature: one-valued categories judge ok, vanished features are reported, not dropped', async () => {
  const report = await runDrift(store, monitor({ name: 'all' }), 'edge', CURRENT, AFTER);
  const results = byFeature(report.verdict.features);
  expect(Object.keys(results)).toEqual(['a', 'fresh', 'gone', 'gonecat', 'request_type']);
  expect(results.request_type?.[0]).toBe('ok');
  expect(results.a?.[0]).toBe('ok');
  expect(results.gone).toEqual([
    'insufficient_data',
    'fewer than 5 values (reference 200, current 0)',
  ]);
  expect(results.gonecat?.[0]).toBe('insufficient_data');
  expect(results.fresh).toEqual([
    'insufficient_data',
    'fewer than 5 values (reference 0, current 200)',
  ]);
});

it('a feature new since the reference is stored as an empty marker once, not re-read each run', async () => {
  const m = monitor({ name: 'named', features: ['a', 'fresh'] });
  await runDrift(store, m, 'edge', CURRENT, AFTER);
  await runDrift(store, m, 'edge', CURRENT, AFTER + 60_000);
  expect(await profileRows('fresh')).toBe(1);
});

it('a pinned reference that has not ended is profiled but not stored', async () => {
  const open = monitor({
    name: 'open',
    reference: { from: new Date(T).toISOString(), to: new Date(T + 3 * H).toISOString() },
  });
  const before = await profileRows('a');
  const report = await runDrift(store, open, 'edge', CURRENT, AFTER);
  expect(report.verdict.judged).toBeGreaterThan(0);
  expect(await profileRows('a')).toBe(before);
});

it('a re-run judging fewer features is read back with its own results only', async () => {
  const wide = monitor({ name: 'rerun', features: ['a', 'request_type'] });
  const narrow = monitor({ name: 'rerun', features: ['a'] });
  const first = await runDrift(store, wide, 'edge', CURRENT, AFTER);
  const second = await runDrift(store, narrow, 'edge', CURRENT, AFTER + 60_000);
  expect(second.id).toBe(first.id);
  const stored = await getDriftReport(store, first.id);
  expect(stored?.results.map((r) => r.feature)).toEqual(['a']);
});

it('a report that cannot be handed on fails the window, which is retried', async () => {
  let now = T + 2 * H + 5_000;
  const clock: Clock = { now: () => new Date(now) };
  let fail = true;
  const [job] = createDriftJobs({
    store,
    monitors: [monitor({ name: 'handoff', window: '1h' })],
    clock,
    onReport: async () => {
      if (fail) throw new Error('retrainer down');
    },
  });
  if (job === undefined) throw new Error('no job');
  const deps = { store, clock, log: createLogger('silent'), runner: 'test' };
  const pass = await runDueWindows(job, deps);
  expect(pass.succeeded).toBe(0);
  expect(pass.failed).toEqual({ startMs: T + H, endMs: T + 2 * H });
  fail = false;
  now += 60_000;
  expect(await runDueWindows(job, deps)).toMatchObject({ succeeded: 1 });
});
