// What SLO evaluation reads: per-minute good/total counts (occurrences) and per-slice aggregates
// or verdicts (timeslices) of one SLI, from the minute rollups only (requests_1m,
// evaluations_1m) — never raw rows. Latency, p95 and score thresholds are answered from the
// rollups' histogram buckets, exact for thresholds on a bucket bound (docs/schema.md). On a
// CountGrid the engine judges the slices and sums older minutes into coarser buckets, for several
// models in one query, so that a model's 30-day window comes back as ~800 rows instead of 43,200.
import { z } from 'zod';
import type { MinuteCounts, MinuteRange } from '../../slo/tally';
import { durationBucketKey, isExactDurationThreshold, scoreBucketKey } from '../rollup-buckets';
import type { Store } from '../store';

/** An occurrences SLI, as the loader needs it. */
export type CountedSli =
  | { kind: 'latency'; field: 'ttft_ms' | 'latency_ms' | 'queue_ms'; thresholdMs: number }
  | { kind: 'availability' }
  | { kind: 'quality'; score: string; threshold: number };

/** A timeslice metric, as the loader needs it. */
export type SliceMetric =
  | { metric: 'throughput_rps' | 'ttft_p95_ms' | 'latency_p95_ms'; sliceMinutes: number }
  | { metric: 'score_mean'; score: string; sliceMinutes: number };

/** One slice's aggregate: its value (null without data) and the events behind it. */
export interface SliceValue {
  minuteMs: number;
  value: number | null;
  events: number;
}

/**
 * How far back rows stay per minute: minutes from `fineFromMs` on come one row each; older
 * minutes are summed into buckets of `grainMs` ending at `fineFromMs` (the oldest clamped to the
 * range start), each row at its bucket's first minute. Window sums whose start is `fineFromMs` or
 * later, a bucket bound, or the range start are then exactly those of the per-minute rows.
 */
export interface CountGrid {
  fineFromMs: number;
  grainMs: number;
}

/** Slices starting in one minute (or grid bucket): with a value, meeting the threshold, events. */
export interface SliceCounts {
  minuteMs: number;
  good: number;
  total: number;
  events: number;
}

// Fixed SQL per latency field: identifiers chosen here, never from input.
const LATENCY_COLUMNS = {
  latency_ms: { total: 'sum(requests)', buckets: 'latency_buckets' },
  ttft_ms: { total: 'sum(ttft_count)', buckets: 'ttft_buckets' },
  queue_ms: { total: 'sum(queue_count)', buckets: 'queue_buckets' },
} as const;

const minuteRow = z
  .object({ minute_ms: z.coerce.number(), good: z.coerce.number(), total: z.coerce.number() })
  .transform((r): MinuteCounts => ({ minuteMs: r.minute_ms, good: r.good, total: r.total }));

const sliceRow = z
  .object({
    minute_ms: z.coerce.number(),
    value: z.number().nullable(),
    events: z.coerce.number(),
  })
  .transform((r): SliceValue => ({ minuteMs: r.minute_ms, value: r.value, events: r.events }));

const RANGE = `minute >= toDateTime(intDiv({from:Int64}, 1000), 'UTC')
  AND minute < toDateTime(intDiv({to:Int64}, 1000), 'UTC')`;

/** Returns good/total per rollup minute in `range` for an occurrences SLI of `model`. */
export async function sloMinuteCounts(
  store: Store,
  model: string,
  sli: CountedSli,
  range: MinuteRange,
): Promise<MinuteCounts[]> {
  const q = minuteCountsParts(sli);
  return store.query({
    tag: q.tag,
    sql: `SELECT toUnixTimestamp(minute) * 1000 AS minute_ms, ${q.total} AS total, ${q.good} AS good
          FROM {db:Identifier}.${q.table} WHERE model = {model:String}${q.where} AND ${RANGE}
          GROUP BY minute HAVING total > 0 ORDER BY minute`,
    params: { ...q.params, model, from: range.fromMs, to: range.toMs },
    schema: minuteRow,
  });
}

/**
 * Returns, per model of `models`, good/total of an occurrences SLI in `range` on `grid`: per
 * minute in its fine part, summed per bucket before. One query for every model.
 */
export async function sloGridCounts(
  store: Store,
  models: readonly string[],
  sli: CountedSli,
  range: MinuteRange,
  grid: CountGrid,
): Promise<Map<string, MinuteCounts[]>> {
  const q = minuteCountsParts(sli);
  // One level: the engine sums each bucket's rows at once (a bucket's sums are its minutes' sums).
  const rows = await store.query({
    tag: `${q.tag}_grid`,
    sql: `WITH toInt64(toUnixTimestamp(minute)) * 1000 AS m
          SELECT model, ${GRID_BUCKET} AS minute_ms, ${q.total} AS total, ${q.good} AS good
          FROM {db:Identifier}.${q.table}
          WHERE model IN {models:Array(String)}${q.where} AND ${RANGE}
          GROUP BY model, minute_ms HAVING total > 0 ORDER BY model, minute_ms`,
    params: { ...q.params, ...gridParams(grid), models, from: range.fromMs, to: range.toMs },
    schema: modelMinuteRow,
  });
  return byModel(models, rows);
}

const modelMinuteRow = z
  .object({
    model: z.string(),
    minute_ms: z.coerce.number(),
    good: z.coerce.number(),
    total: z.coerce.number(),
  })
  .transform((r) => ({
    model: r.model,
    counts: { minuteMs: r.minute_ms, good: r.good, total: r.total } as MinuteCounts,
  }));

// Rows grouped per model, every model of `models` present (empty without rows).
function byModel<T>(
  models: readonly string[],
  rows: readonly { model: string; counts: T }[],
): Map<string, T[]> {
  const out = new Map<string, T[]>(models.map((m) => [m, []]));
  for (const r of rows) out.get(r.model)?.push(r.counts);
  return out;
}

// The bucket of minute `m` (epoch ms) on a CountGrid: itself in the fine part, else the start of
// its grain-long bucket counted back from fine_from, no earlier than the range start.
const GRID_BUCKET = `if(m >= {fine_from:Int64}, m, greatest({from:Int64},
  {fine_from:Int64} - intDiv({fine_from:Int64} - m + {grain:Int64} - 1, {grain:Int64}) * {grain:Int64}))`;

function gridParams(grid: CountGrid): Record<string, number> {
  return { fine_from: grid.fineFromMs, grain: grid.grainMs };
}

// Requests counted per row from a histogram column: the buckets whose key passes `test` (k the
// key), summed per row rather than after sumMap — the same total, without building merged maps.
const bucketCount = (column: string, test: string) =>
  `sum(arraySum((k, v) -> if(${test}, v, 0), mapKeys(${column}), mapValues(${column})))`;

// The pieces of an occurrences SLI's SQL: fixed text per kind, values bound.
function minuteCountsParts(sli: CountedSli): {
  tag: string;
  table: 'requests_1m' | 'evaluations_1m';
  where: string;
  total: string;
  good: string;
  params: Record<string, unknown>;
} {
  if (sli.kind === 'quality') {
    return {
      tag: 'slo.quality_minutes',
      table: 'evaluations_1m',
      where: ' AND name = {score:String}',
      total: 'sum(scored)',
      good: bucketCount('value_buckets', 'k >= {key:Int64}'),
      params: { score: sli.score, key: scoreBucketKey(sli.threshold) },
    };
  }
  if (sli.kind === 'availability') {
    return {
      tag: 'slo.availability_minutes',
      table: 'requests_1m',
      where: '',
      total: 'sum(requests)',
      good: 'total - sum(errors)',
      params: {},
    };
  }
  const column = LATENCY_COLUMNS[sli.field];
  return {
    tag: `slo.${sli.field}_minutes`,
    table: 'requests_1m',
    where: '',
    total: column.total,
    good: bucketCount(column.buckets, 'k <= {key:UInt64}'),
    params: { key: durationBucketKey(sli.thresholdMs) },
  };
}

// Fixed SQL per request metric of a slice: value and the events behind it.
const SLICE_REQUEST_SQL = {
  throughput_rps: { value: 'sum(requests) / {slice_s:Float64}', events: 'sum(requests)' },
  ttft_p95_ms: {
    value: 'if(sum(ttft_count) = 0, NULL, quantileTDigestMerge(0.95)(ttft_quantiles))',
    events: 'sum(ttft_count)',
  },
  latency_p95_ms: {
    value: 'if(sum(requests) = 0, NULL, quantileTDigestMerge(0.95)(latency_quantiles))',
    events: 'sum(requests)',
  },
} as const;

/** Returns each slice's aggregate in `range` (slices aligned to the epoch) for `model`. */
export async function sloSliceValues(
  store: Store,
  model: string,
  metric: SliceMetric,
  range: MinuteRange,
): Promise<SliceValue[]> {
  const q = sliceParts(metric);
  return store.query({
    tag: q.tag,
    sql: `SELECT toUnixTimestamp(${SLICE}) * 1000 AS minute_ms, ${q.value} AS value, ${q.events} AS events
          FROM {db:Identifier}.${q.table}
          WHERE model = {model:String}${q.where} AND ${RANGE}
          GROUP BY minute_ms HAVING ${COMPLETE('minute_ms')}${q.having} ORDER BY minute_ms`,
    params: { ...q.params, model, from: range.fromMs, to: range.toMs },
    schema: sliceRow,
  });
}

/** A slice verdict: `metric op threshold`; percentiles are judged with `<=` only. */
export interface SliceVerdictRule {
  op: '>=' | '<=';
  threshold: number;
}

/**
 * Returns, per model of `models`, per slice start minute in `range` (per grid bucket before the
 * grid's fine part): the slices with a value, those whose verdict is good, and the events behind
 * them — judged and summed by the engine, one query for every model. A p95 slice is good when at
 * least 95 % of its requests took <= threshold (the nearest-rank p95 is <= threshold), counted
 * exactly from the histogram buckets; throughput and score means compare the slice's value.
 */
export async function sloSliceGridCounts(
  store: Store,
  models: readonly string[],
  metric: SliceMetric,
  rule: SliceVerdictRule,
  range: MinuteRange,
  grid: CountGrid,
): Promise<Map<string, SliceCounts[]>> {
  const q = sliceVerdictParts(metric, rule);
  const rows = await store.query({
    tag: `${q.tag}_grid`,
    sql: `SELECT model, ${GRID_BUCKET} AS minute_ms, countIf(ok) AS good, count() AS total,
            sum(e) AS events
          FROM (SELECT model, toInt64(toUnixTimestamp(${SLICE})) * 1000 AS m, ${q.good} AS ok,
                  ${q.events} AS e
                FROM {db:Identifier}.${q.table}
                WHERE model IN {models:Array(String)}${q.where} AND ${RANGE}
                GROUP BY model, m HAVING e > 0 AND m >= {from:Int64} AND ${COMPLETE('m')})
          GROUP BY model, minute_ms ORDER BY model, minute_ms`,
    params: {
      ...q.params,
      ...gridParams(grid),
      models,
      from: range.fromMs,
      to: range.toMs,
      threshold: rule.threshold,
    },
    schema: modelSliceCountsRow,
  });
  return byModel(models, rows);
}

const modelSliceCountsRow = z
  .object({
    model: z.string(),
    minute_ms: z.coerce.number(),
    good: z.coerce.number(),
    total: z.coerce.number(),
    events: z.coerce.number(),
  })
  .transform((r) => ({
    model: r.model,
    counts: {
      minuteMs: r.minute_ms,
      good: r.good,
      total: r.total,
      events: r.events,
    } as SliceCounts,
  }));

// The histogram column behind each percentile metric.
const PERCENTILE_BUCKETS = {
  ttft_p95_ms: { buckets: 'ttft_buckets', events: 'sum(ttft_count)' },
  latency_p95_ms: { buckets: 'latency_buckets', events: 'sum(requests)' },
} as const;

// The pieces of a slice verdict's SQL: fixed text per metric and operator, values bound.
function sliceVerdictParts(
  metric: SliceMetric,
  rule: SliceVerdictRule,
): { tag: string; table: string; where: string; good: string; events: string; params: object } {
  const holds = rule.op === '>=' ? '>= {threshold:Float64}' : '<= {threshold:Float64}';
  if (metric.metric === 'ttft_p95_ms' || metric.metric === 'latency_p95_ms') {
    if (rule.op !== '<=')
      throw new RangeError(`${metric.metric} is judged with <= only, got ${rule.op}`);
    if (!isExactDurationThreshold(rule.threshold))
      throw new RangeError(
        `${metric.metric} threshold ${rule.threshold} ms is not a histogram bound`,
      );
    const column = PERCENTILE_BUCKETS[metric.metric];
    return {
      tag: `slo.${metric.metric}_slices`,
      table: 'requests_1m',
      where: '',
      // Integers on both sides: 95 % of e without a float product.
      good: `${bucketCount(column.buckets, 'k <= {key:UInt64}')} * 100 >= ${column.events} * 95`,
      events: column.events,
      params: { slice_m: metric.sliceMinutes, key: durationBucketKey(rule.threshold) },
    };
  }
  const q = sliceParts(metric);
  return { ...q, good: `${q.value} ${holds}` };
}

const SLICE = 'toStartOfInterval(minute, toIntervalMinute({slice_m:UInt32}))';
// Only slices that have ended by the range's end are judged: the one still filling would be
// judged on part of its data (a throughput slice would look low), so it waits for its end.
const COMPLETE = (start: string) => `${start} + {slice_m:UInt32} * 60000 <= {to:Int64}`;

// The pieces of a timeslice metric's SQL: fixed text per metric, values bound.
function sliceParts(metric: SliceMetric): {
  tag: string;
  table: 'requests_1m' | 'evaluations_1m';
  where: string;
  value: string;
  events: string;
  having: string;
  params: Record<string, unknown>;
} {
  const params = { slice_m: metric.sliceMinutes, slice_s: metric.sliceMinutes * 60 };
  if (metric.metric === 'score_mean') {
    return {
      tag: 'slo.score_mean_slices',
      table: 'evaluations_1m',
      where: ' AND name = {score:String}',
      value: 'if(sum(scored) = 0, NULL, sum(value_sum) / sum(scored))',
      events: 'sum(scored)',
      having: ' AND events > 0',
      params: { ...params, score: metric.score },
    };
  }
  const sql = SLICE_REQUEST_SQL[metric.metric];
  return {
    tag: `slo.${metric.metric}_slices`,
    table: 'requests_1m',
    where: '',
    value: `toFloat64(${sql.value})`,
    events: sql.events,
    having: '',
    params,
  };
}
