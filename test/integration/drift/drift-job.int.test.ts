// The drift job through the scheduler's runner on the real embedded store. "chimera": from hour
// 3 its input_tokens mean grows by 30 % and its lang mix changes; "steady": 22 hours of the same
// distributions. Each is compared hour by hour with its first two hours (a pinned reference).
import type { Clock } from '../../../src/clock';
import { type DriftMonitor, parseDriftMonitors } from '../../../src/drift/config';
import { createDriftJobs } from '../../../src/drift/job';
import type { DriftReport } from '../../../src/drift/report';
import { runDrift } from '../../../src/drift/run';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { getDriftReport, listDriftReports } from '../../../src/store/repositories/drift-reports';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { closeTestStore, openTestStore } from '../../helpers/store';

const H = 3_600_000;
const START = Date.parse('2026-11-20T00:00:00Z');
const SHIFT_HOUR = 3;
const PER_HOUR = 2000;
let store: Store;
let now = START;
const clock: Clock = { now: () => new Date(now) };
const log = createLogger('silent');

// PER_HOUR requests an hour: input_tokens uniform on 150..250 (x1.3 once shifted), output_tokens
// on 100..299, lang en/de/fr 70/20/10 (40/40/20 once shifted), request_type chat/completion 60/40.
async function insertTraffic(model: string, hours: number, shiftHour: number | null) {
  await store.command({
    tag: 'test.traffic',
    sql: `INSERT INTO {db:Identifier}.inference_requests
            (ts, model, latency_ms, status, input_tokens, output_tokens, request_type, features_cat)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + number * 3600000 / {per_hour:UInt32}), 'UTC'),
                 {model:String}, 500, 'ok',
                 toUInt32(round((150 + cityHash64(number, 't') % 101) * if(shifted, 1.3, 1))),
                 toUInt32(100 + cityHash64(number, 'o') % 200),
                 if(cityHash64(number, 'r') % 10 < 6, 'chat', 'completion'),
                 map('lang', multiIf(l < if(shifted, 40, 70), 'en', l < if(shifted, 80, 90), 'de', 'fr'))
          FROM (SELECT number, cityHash64(number, 'l') % 100 AS l,
                       {shift:Int64} >= 0 AND intDiv(number, {per_hour:UInt32}) >= {shift:Int64} AS shifted
                FROM numbers({rows:UInt64}))`,
    params: {
      start: START,
      per_hour: PER_HOUR,
      model,
      shift: shiftHour ?? -1,
      rows: hours * PER_HOUR,
    },
  });
}

const REFERENCE = {
  from: new Date(START).toISOString(),
  to: new Date(START + 2 * H).toISOString(),
};
const MONITORS: DriftMonitor[] = parseDriftMonitors(
  [
    ...['chimera', 'steady'].map((model) => ({
      model,
      features: ['input_tokens', 'output_tokens', 'lang', 'request_type'],
      window: '1h',
      reference: REFERENCE,
    })),
    // Every hour, the last two hours.
    {
      name: 'wide',
      model: 'chimera',
      features: ['input_tokens'],
      window: '2h',
      every: '1h',
      reference: REFERENCE,
    },
  ],
  'test',
);

const reports: DriftReport[] = [];

beforeAll(async () => {
  store = await openTestStore('drift_job');
  await migrate(store, loadMigrationFiles());
  await insertTraffic('chimera', 8, SHIFT_HOUR);
  await insertTraffic('steady', 22, null);
  const jobs = createDriftJobs({
    store,
    monitors: MONITORS,
    clock,
    log,
    onReport: async (report) => {
      reports.push(report);
    },
  });
  // Hour by hour from the end of the reference, each window run a few seconds after it ends.
  for (let hour = 3; hour <= 22; hour++) {
    now = START + hour * H + 5_000;
    for (const job of jobs) await runDueWindows(job, { store, clock, log, runner: 'test' });
  }
}, 120_000);

afterAll(async () => {
  await closeTestStore(store);
});

const hourOf = (r: DriftReport) => (r.current.fromMs - START) / H;
const ofModel = (model: string) => reports.filter((r) => r.model === model && r.monitor !== 'wide');

it('chimera: input_tokens, lang and the dataset flagged from the first window after the shift, not before', () => {
  const chimera = ofModel('chimera').filter((r) => hourOf(r) < 8);
  expect(chimera.map(hourOf)).toEqual([2, 3, 4, 5, 6, 7]);
  for (const r of chimera) {
    const drifted = r.verdict.features.filter((f) => f.status === 'drifted').map((f) => f.feature);
    const shifted = hourOf(r) >= SHIFT_HOUR;
    expect([hourOf(r), drifted]).toEqual([hourOf(r), shifted ? ['input_tokens', 'lang'] : []]);
    expect([hourOf(r), r.verdict.datasetDrift]).toEqual([hourOf(r), shifted]);
  }
  // 4,000 reference rows: normed Wasserstein (numeric) and Jensen-Shannon (categorical) at 0.1.
  const first = chimera.find((r) => hourOf(r) === SHIFT_HOUR) as DriftReport;
  const methods = Object.fromEntries(first.verdict.features.map((f) => [f.feature, f.method]));
  expect(methods).toEqual({
    input_tokens: 'wasserstein',
    lang: 'jensenshannon',
    output_tokens: 'wasserstein',
    request_type: 'jensenshannon',
  });
});

it('steady: 20 windows of unshifted data, no dataset drift and no feature drifted', () => {
  const steady = ofModel('steady');
  expect(steady.map(hourOf)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  for (const r of steady) {
    expect([hourOf(r), r.verdict.drifted, r.verdict.datasetDrift]).toEqual([hourOf(r), 0, false]);
    expect(r.verdict.judged).toBe(4);
  }
});

it('after the shift hours with no traffic are reported as insufficient data, not drift', () => {
  const empty = ofModel('chimera').filter((r) => hourOf(r) >= 8);
  expect(empty.length).toBeGreaterThan(0);
  for (const r of empty) {
    expect(r.verdict).toMatchObject({ judged: 0, datasetDrift: false, insufficient: 4 });
  }
});

it('reports are listed newest first and read back with every feature result', async () => {
  const listed = await listDriftReports(store, { model: 'chimera', limit: 3 });
  expect(listed.map((r) => [(r.current.fromMs - START) / H, r.monitor])).toEqual([
    [21, 'chimera'],
    [20, 'wide'],
    [20, 'chimera'],
  ]);
  expect(listed[0]).toMatchObject({ features: 4, insufficient: 4 });
  const shifted = ofModel('chimera').find((r) => hourOf(r) === SHIFT_HOUR) as DriftReport;
  const stored = await getDriftReport(store, shifted.id);
  expect(stored?.report).toMatchObject({
    id: shifted.id,
    model: 'chimera',
    drifted: 2,
    datasetDrift: true,
    reference: { fromMs: START, toMs: START + 2 * H },
  });
  expect(stored?.results).toEqual(shifted.verdict.features);
});

it('the reference is profiled once, at the first run, and read from its profile after', async () => {
  const rows = await store.query<{ model: string; features: number; versions: number }>({
    tag: 'test.profiles',
    sql: `SELECT model, count() AS features, uniqExact(created_at) AS versions
          FROM {db:Identifier}.reference_profiles GROUP BY model ORDER BY model`,
  });
  expect(rows.map((r) => [r.model, Number(r.features), Number(r.versions)])).toEqual([
    ['chimera', 4, 1],
    ['steady', 4, 1],
  ]);
});

it('every: 1h with window: 2h judges the two hours ending at each hour, hourly', () => {
  const wide = reports.filter((r) => r.monitor === 'wide' && r.current.toMs <= START + 8 * H);
  expect(wide.map((r) => [(r.current.fromMs - START) / H, (r.current.toMs - START) / H])).toEqual([
    [1, 3],
    [2, 4],
    [3, 5],
    [4, 6],
    [5, 7],
    [6, 8],
  ]);
  // [2, 4) holds one shifted hour of two: drifted already; [1, 3) none.
  expect(wide.map((r) => r.verdict.drifted)).toEqual([0, 1, 1, 1, 1, 1]);
});

it('running a window again replaces its report: one row, the newer one', async () => {
  const shifted = ofModel('chimera').find((r) => hourOf(r) === SHIFT_HOUR) as DriftReport;
  const monitor = MONITORS[0] as DriftMonitor;
  const again = await runDrift(
    store,
    monitor,
    'chimera',
    shifted.current,
    shifted.createdAtMs + 60_000,
  );
  expect(again.id).toBe(shifted.id);
  const listed = await listDriftReports(store, {
    model: 'chimera',
    fromMs: shifted.current.toMs,
    toMs: shifted.current.toMs + 1,
    limit: 10,
  });
  expect(listed.filter((r) => r.id === shifted.id).map((r) => r.createdAtMs)).toEqual([
    shifted.createdAtMs + 60_000,
  ]);
  expect((await getDriftReport(store, shifted.id))?.report.createdAtMs).toBe(
    shifted.createdAtMs + 60_000,
  );
});
