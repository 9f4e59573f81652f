// loadAndEvaluate reads older minutes summed per hour (exactGrid); its verdicts must be exactly
// those computed from one row per minute (or per slice), the way the math was first fed
// (throughput and score means judged in JavaScript, p95 slices by the engine's bucket count). Four
// days of requests and scores with incidents in TTFT, errors, accuracy and coherence, evaluated
// at several times off the hour, for the default SLOs, occurrence SLOs and other windows.
import { defaultSlos } from '../../../src/slo/defaults';
import { evaluateSlo, tallyRangeFor } from '../../../src/slo/evaluate';
import { loadAndEvaluate } from '../../../src/slo/load-evaluate';
import { mathSpecOf, sliceVerdicts } from '../../../src/slo/math-spec';
import type { SloSpec } from '../../../src/slo/spec';
import { tallyOccurrences, tallySlices } from '../../../src/slo/tally';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import {
  sloMinuteCounts,
  sloSliceGridCounts,
  sloSliceValues,
} from '../../../src/store/repositories/slo-data';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MIN = 60_000;
const START = Date.parse('2026-11-24T00:00:00Z');
const MINUTES = 4 * 1440;
const END = START + MINUTES * MIN;
const MODEL = 'chimera';
let store: Store;

// Minute indexes [first, end) of the incidents, from START.
const TTFT_SLOW: [number, number] = [3 * 1440 + 600, 3 * 1440 + 640];
const ERRORS: [number, number] = [2 * 1440 + 100, 2 * 1440 + 190];
const ACCURACY_LOW: [number, number] = [1440 + 300, 1440 + 420];
const COHERENCE_LOW: [number, number] = [4 * 1440 - 200, 4 * 1440 - 150];

beforeAll(async () => {
  store = await openTestStore('slo_grid');
  await migrate(store, loadMigrationFiles());
  const inside = (range: [number, number]) => `(i >= ${range[0]} AND i < ${range[1]})`;
  // 12 requests a minute (11 at minutes divisible by 7), two scores per request.
  await store.command({
    tag: 'test.requests',
    sql: `INSERT INTO {db:Identifier}.inference_requests (ts, model, latency_ms, ttft_ms, status)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + i * 60000 + j * 4000), 'UTC'),
                 {model:String}, 900, if(${inside(TTFT_SLOW)} AND j % 3 != 0, 1500, 200 + j * 50),
                 if(${inside(ERRORS)} AND j < 2 OR (i * 12 + j) % 997 = 0, 'error', 'ok')
          FROM (SELECT intDiv(number, 12) AS i, number % 12 AS j FROM numbers({rows:UInt64}))
          WHERE NOT (i % 7 = 0 AND j = 11)`,
    params: { start: START, model: MODEL, rows: MINUTES * 12 },
  });
  await store.command({
    tag: 'test.scores',
    sql: `INSERT INTO {db:Identifier}.evaluations (ts, model, name, value)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + i * 60000 + j * 4000), 'UTC'),
                 {model:String}, name,
                 if(name = 'accuracy',
                    if(${inside(ACCURACY_LOW)}, 0.6, 0.8) + (j % 5) * 0.04,
                    if(${inside(COHERENCE_LOW)}, 0.7, 0.88) + (j % 4) * 0.03)
          FROM (SELECT intDiv(number, 12) AS i, number % 12 AS j FROM numbers({rows:UInt64}))
          ARRAY JOIN ['accuracy', 'coherence'] AS name`,
    params: { start: START, model: MODEL, rows: MINUTES * 12 },
  });
});

afterAll(async () => {
  await closeTestStore(store);
});

// The verdict from one row per minute (occurrences) or per slice (timeslices).
async function perMinuteVerdict(spec: SloSpec, nowMs: number) {
  const math = mathSpecOf(spec);
  const range = tallyRangeFor(math, nowMs);
  const { sli } = spec;
  if (sli.kind === 'timeslice') {
    const metric =
      sli.metric === 'score_mean'
        ? { metric: 'score_mean' as const, score: sli.score ?? '', sliceMinutes: sli.sliceMinutes }
        : { metric: sli.metric, sliceMinutes: sli.sliceMinutes };
    if (metric.metric === 'ttft_p95_ms' || metric.metric === 'latency_p95_ms') {
      // p95 verdicts are counted from buckets by the engine only: asked for one row per slice.
      const perSlice = { fineFromMs: range.fromMs, grainMs: 60 * MIN };
      const counts = await sloSliceGridCounts(store, [MODEL], metric, sli, range, perSlice);
      const verdicts = (counts.get(MODEL) ?? []).map((c) => ({
        minuteMs: c.minuteMs,
        good: c.good === 1,
        events: c.events,
      }));
      return evaluateSlo(math, tallySlices(verdicts, range, sli.sliceMinutes * MIN), nowMs);
    }
    const values = await sloSliceValues(store, MODEL, metric, range);
    const verdicts = sliceVerdicts(values, sli.op, sli.threshold);
    return evaluateSlo(math, tallySlices(verdicts, range, sli.sliceMinutes * MIN), nowMs);
  }
  const counts = await sloMinuteCounts(store, MODEL, sli, range);
  return evaluateSlo(math, tallyOccurrences(counts, range), nowMs);
}

const occurrences = (name: string, sli: SloSpec['sli']): SloSpec => ({
  name,
  model: MODEL,
  sli,
  objective: 0.99,
  window: { kind: 'rolling', days: 30 },
  budgeting: 'occurrences',
  alerting: { minEvents: 50, page: true, ticket: true },
});

const SPECS: SloSpec[] = [
  ...defaultSlos(MODEL),
  occurrences('ttft', { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 }),
  occurrences('accuracy_share', { kind: 'quality', score: 'accuracy', threshold: 0.85 }),
];
const SEVEN_DAYS: SloSpec[] = SPECS.map((s) => ({ ...s, window: { kind: 'rolling', days: 7 } }));
const MONTH: SloSpec[] = SPECS.map((s) => ({ ...s, window: { kind: 'calendar', unit: 'month' } }));

// Off the hour, inside and after incidents, and at the data's end.
const NOWS = [
  START + TTFT_SLOW[0] * MIN + 25 * MIN + 17_000,
  START + ERRORS[1] * MIN + 37 * MIN,
  START + ACCURACY_LOW[0] * MIN + 61 * MIN,
  START + COHERENCE_LOW[0] * MIN + 23 * MIN,
  END - 13 * MIN,
  END + 5 * 60 * MIN,
];

describe.each([
  ['rolling 30 days', SPECS],
  ['rolling 7 days', SEVEN_DAYS],
  ['calendar month', MONTH],
])('%s: hourly grid verdicts equal per-minute verdicts', (_window, specs) => {
  it.each(specs.map((s) => [s.name, s] as const))('%s', async (_name, spec) => {
    for (const nowMs of NOWS) {
      const fromGrid = await loadAndEvaluate(store, spec, MODEL, nowMs);
      expect(fromGrid).toEqual(await perMinuteVerdict(spec, nowMs));
      expect(fromGrid.total).toBeGreaterThan(0);
    }
  });
});

it('the incidents make some of the verdicts fire', async () => {
  const firing = [];
  for (const spec of SPECS)
    for (const nowMs of NOWS)
      firing.push((await loadAndEvaluate(store, spec, MODEL, nowMs)).firing);
  expect(firing.filter((f) => f !== null).length).toBeGreaterThan(3);
});
