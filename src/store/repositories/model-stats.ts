// Per-model statistics from the minute rollups (requests_1m, evaluations_1m): totals, t-digest
// quantiles and per-step series over a minute-aligned window. Never raw rows. The window covers
// the rollup minutes m with from <= m < to; src/model-stats/window.ts aligns it to minutes.
import { z } from 'zod';
import type {
  DigestColumn,
  ModelSeen,
  RequestStepSums,
  RequestSums,
  ScoreStep,
  ScoreSums,
} from '../../model-stats/types';
import type { TimeRange } from '../../model-stats/window';
import type { Store } from '../store';

// Fixed SQL names per column: identifiers chosen from this table, never from input.
const DIGEST_STATE: Record<DigestColumn, string> = {
  latency: 'latency_quantiles',
  ttft: 'ttft_quantiles',
  queue: 'queue_quantiles',
};

const count = z.number().int().nonnegative();
const float = z.number();

const modelSeen = z
  .object({
    model: z.string(),
    first_seen_ms: count,
    last_seen_ms: count,
    versions: z.array(z.string()),
    requests: count,
  })
  .transform(
    (r): ModelSeen => ({
      model: r.model,
      firstSeenMs: r.first_seen_ms,
      lastSeenMs: r.last_seen_ms,
      versions: r.versions,
      requests: r.requests,
    }),
  );

const requestSums = z.object({
  requests: count,
  errors: count,
  latency_sum_ms: float,
  latency_max_ms: float,
  ttft_count: count,
  ttft_sum_ms: float,
  queue_count: count,
  queue_sum_ms: float,
  batched: count,
  batch_size_sum: count,
  input_tokens: count,
  output_tokens: count,
  cache_lookups: count,
  cache_hits: count,
}) satisfies z.ZodType<RequestSums>;

const SUMS = `sum(requests) AS requests, sum(errors) AS errors,
  sum(latency_sum_ms) AS latency_sum_ms, max(latency_max_ms) AS latency_max_ms,
  sum(ttft_count) AS ttft_count, sum(ttft_sum_ms) AS ttft_sum_ms,
  sum(queue_count) AS queue_count, sum(queue_sum_ms) AS queue_sum_ms,
  sum(batched) AS batched, sum(batch_size_sum) AS batch_size_sum,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(cache_lookups) AS cache_lookups, sum(cache_hits) AS cache_hits`;

const IN_WINDOW = `model = {model:String}
  AND minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC')`;

function windowParams(model: string, range: TimeRange): Record<string, unknown> {
  return { model, from: range.fromMs / 1000, to: range.toMs / 1000 };
}

/** Returns every model in requests_1m with its first and last minute, versions and request total. */
export async function listModels(store: Store): Promise<ModelSeen[]> {
  return store.query({
    tag: 'model_stats.models',
    sql: `SELECT model, toUnixTimestamp(min(minute)) * 1000 AS first_seen_ms,
                 toUnixTimestamp(max(minute)) * 1000 AS last_seen_ms,
                 arraySort(groupUniqArray(model_version)) AS versions, sum(requests) AS requests
          FROM {db:Identifier}.requests_1m GROUP BY model ORDER BY model`,
    schema: modelSeen,
  });
}

/** Decides whether requests_1m has ever seen the model (within rollup retention). */
export async function modelKnown(store: Store, model: string): Promise<boolean> {
  const [row] = await store.query({
    tag: 'model_stats.known',
    sql: `SELECT count() AS n FROM
            (SELECT 1 FROM {db:Identifier}.requests_1m WHERE model = {model:String} LIMIT 1)`,
    params: { model },
    schema: z.object({ n: count }),
  });
  return (row?.n ?? 0) > 0;
}

/** Returns the request sums of a model over a window (zeros when it has no rows there). */
export async function requestTotals(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<RequestSums> {
  const [row] = await store.query({
    tag: 'model_stats.totals',
    sql: `SELECT ${SUMS} FROM {db:Identifier}.requests_1m WHERE ${IN_WINDOW}`,
    params: windowParams(model, range),
    schema: requestSums,
  });
  if (row === undefined) throw new Error('aggregate without GROUP BY returned no row');
  return row;
}

/** Digest levels to evaluate per duration column; a column without levels is not read. */
export type DigestLevels = Partial<Record<DigestColumn, readonly number[]>>;

/**
 * Returns the merged t-digest's answers at the given levels per column (null where the digest
 * is empty), over a window.
 */
export async function requestQuantiles(
  store: Store,
  model: string,
  range: TimeRange,
  levels: DigestLevels,
): Promise<Partial<Record<DigestColumn, Array<number | null>>>> {
  const params = windowParams(model, range);
  const selects: string[] = [];
  for (const [column, wanted] of Object.entries(levels) as Array<[DigestColumn, number[]]>) {
    if (wanted.length === 0) continue;
    // Levels are aggregate-function parameters: bound, one placeholder each.
    const placeholders = wanted.map((level, i) => {
      params[`${column}_${i}`] = level;
      return `{${column}_${i}:Float64}`;
    });
    selects.push(
      `quantilesTDigestMerge(${placeholders.join(', ')})(${DIGEST_STATE[column]}) AS ${column}`,
    );
  }
  if (selects.length === 0) return {};
  const [row] = await store.query({
    tag: 'model_stats.quantiles',
    sql: `SELECT ${selects.join(', ')} FROM {db:Identifier}.requests_1m WHERE ${IN_WINDOW}`,
    params,
    schema: z.record(z.string(), z.array(z.number().nullable())),
  });
  return (row ?? {}) as Partial<Record<DigestColumn, Array<number | null>>>;
}

/** Returns per score name the count and sum of numeric scores over a window (names with none omitted). */
export async function scoreTotals(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<ScoreSums[]> {
  return store.query({
    tag: 'model_stats.scores',
    sql: `SELECT name, sum(scored) AS scored, sum(value_sum) AS value_sum
          FROM {db:Identifier}.evaluations_1m WHERE ${IN_WINDOW}
          GROUP BY name HAVING scored > 0 ORDER BY name`,
    params: windowParams(model, range),
    schema: z
      .object({ name: z.string(), scored: count, value_sum: float })
      .transform((r) => ({ name: r.name, scored: r.scored, valueSum: r.value_sum })),
  });
}

const BUCKET = 'intDiv(toUnixTimestamp(minute), {step:UInt32}) * {step:UInt32}';

/**
 * Returns the request sums per step (steps aligned to multiples of `stepSeconds` since the
 * epoch; steps without rows are absent).
 */
export async function requestSeries(
  store: Store,
  model: string,
  range: TimeRange,
  stepSeconds: number,
): Promise<RequestStepSums[]> {
  return store.query({
    tag: 'model_stats.request_series',
    sql: `SELECT ${BUCKET} * 1000 AS start_ms, ${SUMS}
          FROM {db:Identifier}.requests_1m WHERE ${IN_WINDOW}
          GROUP BY start_ms ORDER BY start_ms`,
    params: { ...windowParams(model, range), step: stepSeconds },
    schema: requestSums
      .extend({ start_ms: count })
      .transform(({ start_ms, ...rest }) => ({ ...rest, startMs: start_ms })),
  });
}

// Steps per quantile query: keeps the statement far below max_query_size (256 KiB).
const STEPS_PER_QUERY = 200;

/**
 * Returns, per step asked for, the merged t-digest's answers at that step's own levels (null
 * where the digest is empty). One aggregate per step (-If on the step), since levels are
 * aggregate parameters and differ from step to step; STEPS_PER_QUERY steps per statement.
 */
export async function stepQuantiles(
  store: Store,
  model: string,
  range: TimeRange,
  stepSeconds: number,
  column: DigestColumn,
  steps: ReadonlyArray<{ startMs: number; levels: readonly number[] }>,
): Promise<Map<number, Array<number | null>>> {
  const answers = new Map<number, Array<number | null>>();
  const wanted = steps.filter((s) => s.levels.length > 0);
  for (let offset = 0; offset < wanted.length; offset += STEPS_PER_QUERY) {
    const chunk = wanted.slice(offset, offset + STEPS_PER_QUERY);
    const params: Record<string, unknown> = { ...windowParams(model, range), step: stepSeconds };
    const selects = chunk.map((s, i) => {
      params[`s${i}`] = s.startMs / 1000;
      const levels = s.levels.map((level, j) => {
        params[`l${i}_${j}`] = level;
        return `{l${i}_${j}:Float64}`;
      });
      return `quantilesTDigestMergeIf(${levels.join(',')})(digest, bucket = {s${i}:UInt32}) AS q${i}`;
    });
    const [row] = await store.query({
      tag: 'model_stats.step_quantiles',
      sql: `SELECT ${selects.join(',\n')} FROM (
              SELECT ${BUCKET} AS bucket, ${DIGEST_STATE[column]} AS digest
              FROM {db:Identifier}.requests_1m WHERE ${IN_WINDOW})`,
      params,
      schema: z.record(z.string(), z.array(z.number().nullable())),
    });
    chunk.forEach((s, i) => {
      answers.set(s.startMs, row?.[`q${i}`] ?? []);
    });
  }
  return answers;
}

/** Returns one score name's count and sum of numeric scores per step (steps without scores absent). */
export async function scoreSeries(
  store: Store,
  model: string,
  name: string,
  range: TimeRange,
  stepSeconds: number,
): Promise<ScoreStep[]> {
  return store.query({
    tag: 'model_stats.score_series',
    sql: `SELECT ${BUCKET} * 1000 AS start_ms, sum(scored) AS scored, sum(value_sum) AS value_sum
          FROM {db:Identifier}.evaluations_1m WHERE ${IN_WINDOW} AND name = {name:String}
          GROUP BY start_ms HAVING scored > 0 ORDER BY start_ms`,
    params: { ...windowParams(model, range), name, step: stepSeconds },
    schema: z
      .object({ start_ms: count, scored: count, value_sum: float })
      .transform((r) => ({ startMs: r.start_ms, scored: r.scored, valueSum: r.value_sum })),
  });
}
