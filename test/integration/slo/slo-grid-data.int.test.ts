// What the SLO job loads — several models in one query, slice verdicts judged by the engine — on
// the real embedded store: each model's rows are exactly its own, and a p95 slice is good when
// its nearest-rank p95 is <= the threshold, checked at the boundary by a hand-worked table.
import { sliceVerdicts } from '../../../src/slo/math-spec';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { encodeJsonEachRow, insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import {
  sloGridCounts,
  sloMinuteCounts,
  sloSliceGridCounts,
  sloSliceValues,
} from '../../../src/store/repositories/slo-data';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { requestRow, tsText } from '../../helpers/telemetry-rows';

const MIN = 60_000;
const T = Date.parse('2026-11-28T10:00:00Z');
let store: Store;

// Per minute of model "edge": TTFTs (ms). Requests alternate between two request types, so a
// minute's histogram is two rollup rows that the verdict must add up.
const EDGE: { ttfts: number[]; p95AtMost800: boolean }[] = [
  // 20 requests: the 19th (ceil(0.95 * 20)) is 800 -> p95 = 800 <= 800.
  { ttfts: [...Array(19).fill(800), 900], p95AtMost800: true },
  // 20 requests: 18 at 800, the 19th is 801 -> p95 = 801.
  { ttfts: [...Array(18).fill(800), 801, 801], p95AtMost800: false },
  // 100 requests: 95 at or under 800 -> the 95th is 800.
  { ttfts: [...Array(95).fill(120), ...Array(5).fill(2000)], p95AtMost800: true },
  // 100 requests: 94 under 800 -> the 95th is 2000.
  { ttfts: [...Array(94).fill(120), ...Array(6).fill(2000)], p95AtMost800: false },
  // 1 request at 799.999 ms -> p95 = 799.999.
  { ttfts: [799.999], p95AtMost800: true },
  // 3 requests: ceil(2.85) = 3rd -> 800.001.
  { ttfts: [10, 20, 800.001], p95AtMost800: false },
];

// Model "steady": a few requests every minute with varied TTFTs (some without) and latencies.
const STEADY_MINUTES = 12;
function steadyRequests() {
  return Array.from({ length: STEADY_MINUTES }, (_, minute) =>
    Array.from({ length: 8 + (minute % 3) }, (_, i) => ({
      minute,
      i,
      ttft: i % 4 === 3 ? null : 100 + ((minute * 37 + i * 211) % 1000),
      latency: 200 + ((minute * 53 + i * 97) % 1000),
    })),
  ).flat();
}
const verdictsSeen: number[] = [];

beforeAll(async () => {
  store = await openTestStore('slo_grid_data');
  await migrate(store, loadMigrationFiles());
  const rows = [
    ...EDGE.flatMap((m, minute) =>
      m.ttfts.map((ttft, i) =>
        requestRow({
          ts: tsText(T + minute * MIN + i * 100),
          model: 'edge',
          request_type: i % 2 === 0 ? 'chat' : 'completion',
          ttft_ms: ttft,
        }),
      ),
    ),
    ...steadyRequests().map((r) =>
      requestRow({
        ts: tsText(T + r.minute * MIN + r.i * 1000),
        model: 'steady',
        ttft_ms: r.ttft,
        latency_ms: r.latency,
        status: (r.minute + r.i) % 5 === 0 ? 'error' : 'ok',
      }),
    ),
  ];
  await insertIngestRows(store, 'inference_requests', encodeJsonEachRow(rows), 'f1');
});

afterAll(async () => {
  await closeTestStore(store);
});

const RANGE = { fromMs: T, toMs: T + 20 * MIN };
// A grid whose fine part is the whole range: one row per minute.
const PER_MINUTE = { fineFromMs: RANGE.fromMs, grainMs: 60 * MIN };
const MODELS = ['edge', 'steady', 'absent'];

it('p95 <= 800 ms per 1-minute slice: the hand-worked verdicts, nearest rank', async () => {
  const counts = await sloSliceGridCounts(
    store,
    ['edge'],
    { metric: 'ttft_p95_ms', sliceMinutes: 1 },
    { op: '<=', threshold: 800 },
    RANGE,
    PER_MINUTE,
  );
  expect(counts.get('edge')).toEqual(
    EDGE.map((m, minute) => ({
      minuteMs: T + minute * MIN,
      good: m.p95AtMost800 ? 1 : 0,
      total: 1,
      events: m.ttfts.length,
    })),
  );
});

it.each([1000, 1100, 1200])(
  'latency p95 <= %d ms per 5-minute slice: nearest rank over the slice',
  async (threshold) => {
    const counts = await sloSliceGridCounts(
      store,
      ['steady'],
      { metric: 'latency_p95_ms', sliceMinutes: 5 },
      { op: '<=', threshold },
      RANGE,
      PER_MINUTE,
    );
    const expected = [0, 5, 10].map((first) => {
      const values = steadyRequests()
        .filter((r) => r.minute >= first && r.minute < first + 5)
        .map((r) => r.latency)
        .sort((x, y) => x - y);
      const p95 = values[Math.ceil(0.95 * values.length) - 1] as number;
      return {
        minuteMs: T + first * MIN,
        good: p95 <= threshold ? 1 : 0,
        total: 1,
        events: values.length,
      };
    });
    expect(counts.get('steady')).toEqual(expected);
    verdictsSeen.push(...expected.map((e) => e.good));
  },
);

it('the thresholds above give both good and bad p95 slices', () => {
  expect(new Set(verdictsSeen)).toEqual(new Set([0, 1]));
});

it('p95 slices are judged with <= only, on a histogram bound', async () => {
  await expect(
    sloSliceGridCounts(
      store,
      ['edge'],
      { metric: 'ttft_p95_ms', sliceMinutes: 1 },
      { op: '<=', threshold: 801 },
      RANGE,
      PER_MINUTE,
    ),
  ).rejects.toThrow('ttft_p95_ms threshold 801 ms is not a histogram bound');

  await expect(
    sloSliceGridCounts(
      store,
      ['edge'],
      { metric: 'latency_p95_ms', sliceMinutes: 1 },
      { op: '>=', threshold: 800 },
      RANGE,
      PER_MINUTE,
    ),
  ).rejects.toThrow('latency_p95_ms is judged with <= only, got >=');
});

it.each([
  ['ttft_ms <= 800', { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 }],
  ['availability', { kind: 'availability' }],
] as const)(
  '%s for several models in one query: each model gets exactly its own rows',
  async (_name, sli) => {
    const counts = await sloGridCounts(store, MODELS, sli, RANGE, PER_MINUTE);
    expect([...counts.keys()]).toEqual(MODELS);
    for (const model of MODELS)
      expect(counts.get(model)).toEqual(await sloMinuteCounts(store, model, sli, RANGE));
    expect(counts.get('steady')).toHaveLength(STEADY_MINUTES);
    expect(counts.get('absent')).toEqual([]);
  },
);

it('throughput slices for several models: the verdicts of the per-slice values', async () => {
  const metric = { metric: 'throughput_rps', sliceMinutes: 1 } as const;
  const rule = { op: '>=', threshold: 9 / 60 } as const;
  const counts = await sloSliceGridCounts(store, MODELS, metric, rule, RANGE, PER_MINUTE);
  for (const model of MODELS) {
    const values = await sloSliceValues(store, model, metric, RANGE);
    const expected = sliceVerdicts(values, rule.op, rule.threshold).map((v) => ({
      minuteMs: v.minuteMs,
      good: v.good ? 1 : 0,
      total: 1,
      events: v.events,
    }));
    expect(counts.get(model)).toEqual(expected);
  }
  // 8, 9 or 10 requests a minute against 9 per minute: some good, some not.
  const steady = counts.get('steady') ?? [];
  expect(steady.filter((c) => c.good === 1)).toHaveLength(8);
});
