// The minute rollups on the real engine (embedded chDB): rows inserted into inference_requests and
// evaluations come out of requests_1m / evaluations_1m, read with the merge functions, with the
// right counts and with histogram keys equal to those src/store/rollup-buckets.ts computes.
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import {
  durationBucketKey,
  isExactDurationThreshold,
  scoreBucketKey,
} from '../../../src/store/rollup-buckets';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MODEL = 'chimera';
// Two whole minutes a little in the past: well inside every TTL.
const MINUTE_0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const MINUTES = [MINUTE_0, MINUTE_0 + 60_000];

// Bucket bounds, values just either side of them, and values whose float product with 1000 lands
// on a rounding tie (0.0625 ms -> 62.5 µs).
const LATENCIES = [
  0, 0.0625, 0.8, 4.35, 12.34, 250, 799.9999, 800, 800.0001, 801, 999, 1000, 1001, 1200.5, 2500,
  2501,
];

// A type alias, not an interface, so that it is a Record<string, unknown> for Store.insert.
type RequestRow = {
  ts: string;
  model: string;
  model_version: string;
  service: string;
  request_type: string;
  status: 'ok' | 'error';
  latency_ms: number;
  ttft_ms: number | null;
  queue_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_hit: boolean | null;
};

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function minuteOf(index: number): number {
  return MINUTES[index < LATENCIES.length / 2 ? 0 : 1] as number;
}

// One service per row, so the rollup keeps each value's bucket key apart.
const REQUESTS: RequestRow[] = LATENCIES.map((latency, i) => ({
  ts: timestamp(minuteOf(i) + i * 1000 + 123),
  model: MODEL,
  model_version: 'v1',
  service: `svc-${i}`,
  request_type: 'chat',
  status: i % 4 === 0 ? 'error' : 'ok',
  latency_ms: latency,
  ttft_ms: i % 2 === 0 ? latency / 4 : null,
  queue_ms: i % 3 === 0 ? latency / 10 : null,
  input_tokens: i % 5 === 4 ? null : 100 + i,
  output_tokens: 10 * i,
  cache_hit: i % 3 === 2 ? null : i % 3 === 0,
}));

// Scores around the thresholds (three decimals and more), plus label-only rows (value NULL).
const ACCURACY: Array<[number | null, string]> = [
  [0.85, ''],
  [0.849, ''],
  [0.851, ''],
  [0.8499, ''],
  [0.84999999, ''],
  [0.8500001, ''],
  [0.4999, ''],
  [0.89999, ''],
  [1, 'good'],
  [0, 'bad'],
  [0.5, ''],
  [0.9, 'good'],
  [null, 'good'],
  [null, 'bad'],
  [null, 'good'],
];
// Scores with more decimals, negative, and with float error (1.005 * 1000 = 1004.999...).
const FUZZY = [
  0.8499,
  0.0625,
  0.8125,
  0.4725,
  0.9995,
  -0.25,
  -0.0625,
  0.1 + 0.2,
  0.33333333,
  1.005,
];

function evaluation(name: string, value: number | null, label: string, i: number, version: string) {
  return {
    ts: timestamp(MINUTE_0 + i * 1000 + 7),
    model: MODEL,
    model_version: version,
    trace_id: `trace-${name}-${i}`,
    name,
    value,
    label,
    evaluator: 'test',
  };
}

const EVALUATIONS = [
  ...ACCURACY.map(([value, label], i) => evaluation('accuracy', value, label, i, 'v1')),
  // One model_version per value, so the rollup keeps each value's bucket key apart.
  ...FUZZY.map((value, i) => evaluation('fuzzy', value, '', i, `v-${i}`)),
];

function countBy<T>(
  items: readonly T[],
  key: (item: T) => string | number,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[String(key(item))] = (counts[String(key(item))] ?? 0) + 1;
  return counts;
}

describe('minute rollups on the real engine', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore('rollups');
    await migrate(store, loadMigrationFiles());
    // Two inserts, so each rollup holds more than one part per key until a merge.
    const half = REQUESTS.length / 2;
    for (const rows of [REQUESTS.slice(0, half), REQUESTS.slice(half)])
      await store.insert({ tag: 'test.requests', table: 'inference_requests', rows });
    for (const rows of [EVALUATIONS.slice(0, 5), EVALUATIONS.slice(5)])
      await store.insert({ tag: 'test.evaluations', table: 'evaluations', rows });
  });

  afterAll(async () => {
    await closeTestStore(store);
  });

  it('requests_1m gives per-minute requests, errors, latency, TTFT, queue, token and cache totals', async () => {
    const rows = await store.query({
      tag: 'test.requests_1m',
      sql: `SELECT toUnixTimestamp(minute) * 1000 AS minute,
                   sum(requests) AS requests, sum(errors) AS errors,
                   round(sum(latency_sum_ms), 6) AS latency_sum_ms, max(latency_max_ms) AS latency_max_ms,
                   sum(ttft_count) AS ttft_count, sum(queue_count) AS queue_count,
                   sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                   sum(cache_lookups) AS cache_lookups, sum(cache_hits) AS cache_hits
            FROM {db:Identifier}.requests_1m WHERE model = {model:String}
            GROUP BY minute ORDER BY minute`,
      params: { model: MODEL },
    });
    const expected = MINUTES.map((minute) => {
      const mine = REQUESTS.filter((_, i) => minuteOf(i) === minute);
      const sum = (f: (r: RequestRow) => number) => mine.reduce((acc, r) => acc + f(r), 0);
      return {
        minute,
        requests: mine.length,
        errors: mine.filter((r) => r.status === 'error').length,
        latency_sum_ms: Number(sum((r) => r.latency_ms).toFixed(6)),
        latency_max_ms: Math.max(...mine.map((r) => r.latency_ms)),
        ttft_count: mine.filter((r) => r.ttft_ms !== null).length,
        queue_count: mine.filter((r) => r.queue_ms !== null).length,
        input_tokens: sum((r) => r.input_tokens ?? 0),
        output_tokens: sum((r) => r.output_tokens ?? 0),
        cache_lookups: mine.filter((r) => r.cache_hit !== null).length,
        cache_hits: mine.filter((r) => r.cache_hit === true).length,
      };
    });
    expect(expected.map((m) => m.requests)).toEqual([8, 8]);
    expect(rows).toEqual(expected);
  });

  it('requests_1m t-digest states merge to quantiles of the raw latencies', async () => {
    const [row] = await store.query<{ p50: number; n: number }>({
      tag: 'test.requests_1m.quantiles',
      sql: `SELECT quantileTDigestMerge(0.5)(latency_quantiles) AS p50, sum(requests) AS n
            FROM {db:Identifier}.requests_1m WHERE model = {model:String}`,
      params: { model: MODEL },
    });
    const sorted = [...LATENCIES].sort((a, b) => a - b);
    expect(row?.n).toBe(LATENCIES.length);
    // Sixteen values: the median lies between the 8th and 9th.
    expect(row?.p50).toBeGreaterThanOrEqual(sorted[6] as number);
    expect(row?.p50).toBeLessThanOrEqual(sorted[9] as number);
  });

  it('latency, TTFT and queue bucket keys computed in SQL equal durationBucketKey', async () => {
    const rows = await store.query<{
      service: string;
      latency: Record<string, number>;
      ttft: Record<string, number>;
      queue: Record<string, number>;
    }>({
      tag: 'test.requests_1m.buckets',
      sql: `SELECT service, sumMap(latency_buckets) AS latency, sumMap(ttft_buckets) AS ttft,
                   sumMap(queue_buckets) AS queue
            FROM {db:Identifier}.requests_1m WHERE model = {model:String}
            GROUP BY service ORDER BY service`,
      params: { model: MODEL },
    });
    const bucket = (ms: number | null) => (ms === null ? {} : { [durationBucketKey(ms)]: 1 });
    expect(rows).toEqual(
      REQUESTS.map((r) => ({
        service: r.service,
        latency: bucket(r.latency_ms),
        ttft: bucket(r.ttft_ms),
        queue: bucket(r.queue_ms),
      })).sort((a, b) => a.service.localeCompare(b.service)),
    );
  });

  it.each([0.8, 250, 800, 1000, 1200, 2500])(
    'requests within %d ms from the buckets equal the raw count (exact threshold)',
    async (thresholdMs) => {
      expect(isExactDurationThreshold(thresholdMs)).toBe(true);
      const [fromBuckets] = await store.query<{ n: number }>({
        tag: 'test.requests_1m.threshold',
        sql: `SELECT arraySum(mapValues(mapFilter((k, v) -> k <= {key:UInt64}, sumMap(latency_buckets)))) AS n
              FROM {db:Identifier}.requests_1m WHERE model = {model:String}`,
        params: { key: durationBucketKey(thresholdMs), model: MODEL },
      });
      const [raw] = await store.query<{ n: number }>({
        tag: 'test.inference_requests.threshold',
        sql: `SELECT countIf(latency_ms <= {ms:Float64}) AS n
              FROM {db:Identifier}.inference_requests WHERE model = {model:String}`,
        params: { ms: thresholdMs, model: MODEL },
      });
      expect(raw?.n).toBe(LATENCIES.filter((ms) => ms <= thresholdMs).length);
      expect(fromBuckets?.n).toBe(raw?.n);
    },
  );

  it('evaluations_1m gives counts, scored counts, extremes and labels per score name', async () => {
    const rows = await store.query({
      tag: 'test.evaluations_1m',
      sql: `SELECT name, sum(evaluations) AS evaluations, sum(scored) AS scored,
                   round(sum(value_sum), 9) AS value_sum, min(value_min) AS value_min,
                   max(value_max) AS value_max, sumMap(labels) AS labels
            FROM {db:Identifier}.evaluations_1m WHERE model = {model:String}
            GROUP BY name ORDER BY name`,
      params: { model: MODEL },
    });
    const scores = ACCURACY.flatMap(([v]) => (v === null ? [] : [v]));
    expect(rows).toEqual([
      {
        name: 'accuracy',
        evaluations: ACCURACY.length,
        scored: scores.length,
        value_sum: Number(scores.reduce((a, b) => a + b, 0).toFixed(9)),
        value_min: Math.min(...scores),
        value_max: Math.max(...scores),
        labels: countBy(
          ACCURACY.filter(([, label]) => label !== ''),
          ([, label]) => label,
        ),
      },
      {
        name: 'fuzzy',
        evaluations: FUZZY.length,
        scored: FUZZY.length,
        value_sum: Number(FUZZY.reduce((a, b) => a + b, 0).toFixed(9)),
        value_min: Math.min(...FUZZY),
        value_max: Math.max(...FUZZY),
        labels: {},
      },
    ]);
  });

  it('score bucket keys computed in SQL equal scoreBucketKey, negatives and float error included', async () => {
    const rows = await store.query<{ model_version: string; buckets: Record<string, number> }>({
      tag: 'test.evaluations_1m.buckets',
      sql: `SELECT model_version, sumMap(value_buckets) AS buckets
            FROM {db:Identifier}.evaluations_1m WHERE model = {model:String} AND name = 'fuzzy'
            GROUP BY model_version ORDER BY model_version`,
      params: { model: MODEL },
    });
    expect(rows).toEqual(
      FUZZY.map((value, i) => ({
        model_version: `v-${i}`,
        buckets: { [scoreBucketKey(value)]: 1 },
      })),
    );
  });

  it.each([0.85, 0.5, 0.9, 1, 0])(
    'scores >= %d from the buckets equal the raw count',
    async (threshold) => {
      const [fromBuckets] = await store.query<{ n: number }>({
        tag: 'test.evaluations_1m.threshold',
        sql: `SELECT arraySum(mapValues(mapFilter((k, v) -> k >= {key:Int64}, sumMap(value_buckets)))) AS n
              FROM {db:Identifier}.evaluations_1m WHERE model = {model:String} AND name = 'accuracy'`,
        params: { key: scoreBucketKey(threshold), model: MODEL },
      });
      const [raw] = await store.query<{ n: number }>({
        tag: 'test.evaluations.threshold',
        sql: `SELECT countIf(value >= {t:Float64}) AS n
              FROM {db:Identifier}.evaluations WHERE model = {model:String} AND name = 'accuracy'`,
        params: { t: threshold, model: MODEL },
      });
      expect(raw?.n).toBe(ACCURACY.filter(([v]) => v !== null && v >= threshold).length);
      expect(fromBuckets?.n).toBe(raw?.n);
    },
  );

  it('returns 64-bit integers as JS numbers, not quoted strings', async () => {
    const [row] = await store.query<Record<string, unknown>>({
      tag: 'test.requests_1m.types',
      sql: `SELECT sum(requests) AS total, sum(input_tokens) AS tokens,
                   toTypeName(total) AS total_type,
                   mapValues(sumMap(latency_buckets)) AS bucket_counts,
                   toTypeName(mapValues(sumMap(latency_buckets))) AS bucket_counts_type
            FROM {db:Identifier}.requests_1m WHERE model = {model:String}`,
      params: { model: MODEL },
    });
    expect(row?.total_type).toBe('UInt64');
    expect(row?.bucket_counts_type).toBe('Array(UInt64)');
    expect(row?.total).toBe(LATENCIES.length);
    expect(typeof row?.tokens).toBe('number');
    const counts = row?.bucket_counts as unknown[];
    expect(counts.length).toBeGreaterThan(0);
    for (const count of counts) expect(typeof count).toBe('number');
  });
});
