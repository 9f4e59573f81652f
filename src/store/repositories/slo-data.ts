// What SLO evaluation reads: per-minute good/total counts (occurrences) and per-slice aggregates
// (timeslices) of one SLI for one model, from the minute rollups only (requests_1m,
// evaluations_1m) — never raw rows. Latency and score thresholds are answered from the rollups'
// histogram buckets, exact for thresholds on a bucket bound (docs/schema.md). Given a CountGrid,
// the engine sums older minutes into coarser buckets (and judges slices) so that a 30-day window
// comes back as ~800 rows instead of 43,200.
import { z } from 'zod';
import type { MinuteCounts, MinuteRange } from '../../slo/tally';
import { durationBucketKey, scoreBucketKey } from '../rollup-buckets';
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

/**
 * Returns good/total per rollup minute in `range` for an occurrences SLI of `model`; with a
 * `grid`, minutes before its fine part summed per bucket.
 */
export async function sloMinuteCounts(
  store: Store,
  model: string,
  sli: CountedSli,
  range: MinuteRange,
  grid?: CountGrid,
): Promise<MinuteCounts[]> {
  const q = minuteCountsParts(sli);
  const params = { ...q.params, model, from: range.fromMs, to: range.toMs };
  const where = `model = {model:String}${q.where} AND ${RANGE}`;
  if (grid === undefined) {
    return store.query({
      tag: q.tag,
      sql: `SELECT toUnixTimestamp(minute) * 1000 AS minute_ms, ${q.total} AS total, ${q.good} AS good
            FROM {db:Identifier}.${q.table} WHERE ${where}
            GROUP BY minute HAVING total > 0 ORDER BY minute`,
      params,
      schema: minuteRow,
    });
  }
  // One level: the engine sums each bucket's rows at once (a bucket's sums are its minutes' sums).
  return store.query({
    tag: `${q.tag}_grid`,
    sql: `WITH toInt64(toUnixTimestamp(minute)) * 1000 AS m
          SELECT ${GRID_BUCKET} AS minute_ms, ${q.total} AS total, ${q.good} AS good
          FROM {db:Identifier}.${q.table} WHERE ${where}
          GROUP BY minute_ms HAVING total > 0 ORDER BY minute_ms`,
    params: { ...params, ...gridParams(grid) },
    schema: minuteRow,
  });
}

// The bucket of minute `m` (epoch ms) on a CountGrid: itself in the fine part, else the start of
// its grain-long bucket counted back from fine_from, no earlier than the range start.
const GRID_BUCKET = `if(m >= {fine_from:Int64}, m, greatest({from:Int64},
  {fine_from:Int64} - intDiv({fine_from:Int64} - m + {grain:Int64} - 1, {grain:Int64}) * {grain:Int64}))`;

function gridParams(grid: CountGrid): Record<string, number> {
  return { fine_from: grid.fineFromMs, grain: grid.grainMs };
}

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
      good: 'arraySum(mapValues(mapFilter((k, v) -> k >= {key:Int64}, sumMap(value_buckets))))',
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
    good: `arraySum(mapValues(mapFilter((k, v) -> k <= {key:UInt64}, sumMap(${column.buckets}))))`,
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

/**
 * Returns, per slice start minute in `range` (per grid bucket before the grid's fine part), the
 * slices with a value, those whose `value op threshold` holds, and the events behind them: the
 * verdicts of sloSliceValues + sliceVerdicts, judged and summed by the engine.
 */
export async function sloSliceCounts(
  store: Store,
  model: string,
  metric: SliceMetric,
  verdict: { op: '>=' | '<='; threshold: number },
  range: MinuteRange,
  grid: CountGrid,
): Promise<SliceCounts[]> {
  const q = sliceParts(metric);
  // Fixed SQL per operator: chosen here, never from input.
  const good = verdict.op === '>=' ? 'v >= {threshold:Float64}' : 'v <= {threshold:Float64}';
  return store.query({
    tag: `${q.tag}_grid`,
    sql: `SELECT ${GRID_BUCKET} AS minute_ms, countIf(${good}) AS good, count() AS total,
            sum(e) AS events
          FROM (SELECT toInt64(toUnixTimestamp(${SLICE})) * 1000 AS m, ${q.value} AS v, ${q.events} AS e
                FROM {db:Identifier}.${q.table}
                WHERE model = {model:String}${q.where} AND ${RANGE}
                GROUP BY m HAVING v IS NOT NULL AND m >= {from:Int64} AND ${COMPLETE('m')})
          GROUP BY minute_ms ORDER BY minute_ms`,
    params: {
      ...q.params,
      ...gridParams(grid),
      model,
      from: range.fromMs,
      to: range.toMs,
      threshold: verdict.threshold,
    },
    schema: sliceCountsRow,
  });
}

const sliceCountsRow = z
  .object({
    minute_ms: z.coerce.number(),
    good: z.coerce.number(),
    total: z.coerce.number(),
    events: z.coerce.number(),
  })
  .transform(
    (r): SliceCounts => ({ minuteMs: r.minute_ms, good: r.good, total: r.total, events: r.events }),
  );

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
