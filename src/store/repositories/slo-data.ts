// What SLO evaluation reads: per-minute good/total counts (occurrences) and per-slice aggregates
// (timeslices) of one SLI for one model, from the minute rollups only (requests_1m,
// evaluations_1m) — never raw rows. Latency and score thresholds are answered from the rollups'
// histogram buckets, exact for thresholds on a bucket bound (docs/schema.md).
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
  const params = { model, from: range.fromMs, to: range.toMs };
  if (sli.kind === 'quality') {
    return store.query({
      tag: 'slo.quality_minutes',
      sql: `SELECT toUnixTimestamp(minute) * 1000 AS minute_ms, sum(scored) AS total,
              arraySum(mapValues(mapFilter((k, v) -> k >= {key:Int64}, sumMap(value_buckets)))) AS good
            FROM {db:Identifier}.evaluations_1m
            WHERE model = {model:String} AND name = {score:String} AND ${RANGE}
            GROUP BY minute HAVING total > 0 ORDER BY minute`,
      params: { ...params, score: sli.score, key: scoreBucketKey(sli.threshold) },
      schema: minuteRow,
    });
  }
  if (sli.kind === 'availability') {
    return store.query({
      tag: 'slo.availability_minutes',
      sql: `SELECT toUnixTimestamp(minute) * 1000 AS minute_ms, sum(requests) AS total,
              total - sum(errors) AS good
            FROM {db:Identifier}.requests_1m
            WHERE model = {model:String} AND ${RANGE}
            GROUP BY minute HAVING total > 0 ORDER BY minute`,
      params,
      schema: minuteRow,
    });
  }
  const column = LATENCY_COLUMNS[sli.field];
  return store.query({
    tag: `slo.${sli.field}_minutes`,
    sql: `SELECT toUnixTimestamp(minute) * 1000 AS minute_ms, ${column.total} AS total,
            arraySum(mapValues(mapFilter((k, v) -> k <= {key:UInt64}, sumMap(${column.buckets})))) AS good
          FROM {db:Identifier}.requests_1m
          WHERE model = {model:String} AND ${RANGE}
          GROUP BY minute HAVING total > 0 ORDER BY minute`,
    params: { ...params, key: durationBucketKey(sli.thresholdMs) },
    schema: minuteRow,
  });
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
  const params = {
    model,
    from: range.fromMs,
    to: range.toMs,
    slice_m: metric.sliceMinutes,
    slice_s: metric.sliceMinutes * 60,
  };
  const slice = 'toStartOfInterval(minute, toIntervalMinute({slice_m:UInt32}))';
  if (metric.metric === 'score_mean') {
    return store.query({
      tag: 'slo.score_mean_slices',
      sql: `SELECT toUnixTimestamp(${slice}) * 1000 AS minute_ms,
              if(sum(scored) = 0, NULL, sum(value_sum) / sum(scored)) AS value,
              sum(scored) AS events
            FROM {db:Identifier}.evaluations_1m
            WHERE model = {model:String} AND name = {score:String} AND ${RANGE}
            GROUP BY minute_ms HAVING events > 0 ORDER BY minute_ms`,
      params: { ...params, score: metric.score },
      schema: sliceRow,
    });
  }
  const sql = SLICE_REQUEST_SQL[metric.metric];
  return store.query({
    tag: `slo.${metric.metric}_slices`,
    sql: `SELECT toUnixTimestamp(${slice}) * 1000 AS minute_ms,
            toFloat64(${sql.value}) AS value, ${sql.events} AS events
          FROM {db:Identifier}.requests_1m
          WHERE model = {model:String} AND ${RANGE}
          GROUP BY minute_ms ORDER BY minute_ms`,
    params,
    schema: sliceRow,
  });
}
