// What drift reads of a window of one model's requests, computed in the engine so that only
// O(bins) data leaves it: numeric summaries (n, mean, std, min, max, a 1001
// quantile sketch, every value when few), category counts, and the two-sample KS statistic
// against reference values bound as a parameter. Map features come out of
// features_num / features_cat by ARRAY JOIN, built-in ones from their columns.
import { z } from 'zod';
import type { Store } from '../store';
import {
  categoryCountRow,
  categoryCountsSql,
  countsByFeature,
  type NumericSummary,
  numericSummariesSql,
  numericSummaryRow,
} from './feature-summaries';

export type { NumericSummary } from './feature-summaries';

/** A span of time [fromMs, toMs). */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

const WHERE = `model = {model:String}
  AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
  AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;

// Whether feature `k` is asked for: every feature ({all}) or those in {names}.
const PICKED = (k: string) => `({all:Bool} OR has({names:Array(String)}, ${k}))`;

// (k, v) rows of the numeric features picked: map keys, then the built-in columns.
const NUMERIC_VALUES = `
  SELECT k, v FROM {db:Identifier}.inference_requests
  ARRAY JOIN mapKeys(features_num) AS k, mapValues(features_num) AS v
  WHERE ${WHERE} AND ${PICKED('k')} AND k NOT IN ('input_tokens', 'output_tokens')
  UNION ALL
  SELECT 'input_tokens' AS k, toFloat64(assumeNotNull(input_tokens)) AS v
  FROM {db:Identifier}.inference_requests
  WHERE ${WHERE} AND ${PICKED("'input_tokens'")} AND input_tokens IS NOT NULL
  UNION ALL
  SELECT 'output_tokens' AS k, toFloat64(assumeNotNull(output_tokens)) AS v
  FROM {db:Identifier}.inference_requests
  WHERE ${WHERE} AND ${PICKED("'output_tokens'")} AND output_tokens IS NOT NULL`;

// (k, v) rows of the categorical features picked.
const CATEGORICAL_VALUES = `
  SELECT k, v FROM {db:Identifier}.inference_requests
  ARRAY JOIN mapKeys(features_cat) AS k, mapValues(features_cat) AS v
  WHERE ${WHERE} AND ${PICKED('k')} AND k != 'request_type'
  UNION ALL
  SELECT 'request_type' AS k, toString(request_type) AS v
  FROM {db:Identifier}.inference_requests
  WHERE ${WHERE} AND ${PICKED("'request_type'")} AND request_type != ''`;

/** Which features to read: every one seen in the window, or those named. */
export type FeatureSelection = 'all' | readonly string[];

const windowParams = (model: string, range: TimeRange, features: FeatureSelection = []) => ({
  model,
  from: range.fromMs,
  to: range.toMs,
  all: features === 'all',
  names: features === 'all' ? [] : features,
});

/**
 * Returns n, mean, population std, min, max (exact when every value is kept, else to Float32
 * precision), the values at QUANTILE_LEVELS from a t-digest and,
 * when n <= EXACT_SAMPLE_CAP, every value ascending, per numeric feature picked that has
 * values in `range`. A t-digest, not exact quantiles: on 1 M values x 20 features
 * quantilesExactInclusive at 1001 levels took 12 s against 0.45 s (docs/benchmarks.md).
 */
export async function numericSummaries(
  store: Store,
  model: string,
  range: TimeRange,
  features: FeatureSelection,
): Promise<NumericSummary[]> {
  if (features.length === 0) return [];
  return store.query({
    tag: 'drift.numeric_summaries',
    sql: numericSummariesSql(NUMERIC_VALUES, 'ends'),
    params: windowParams(model, range, features),
    schema: numericSummaryRow,
  });
}

/** Returns, per categorical feature picked with values in `range`, the count per value. */
export async function categoryCounts(
  store: Store,
  model: string,
  range: TimeRange,
  features: FeatureSelection,
): Promise<Map<string, Record<string, number>>> {
  if (features.length === 0) return new Map();
  const rows = await store.query({
    tag: 'drift.category_counts',
    sql: categoryCountsSql(CATEGORICAL_VALUES),
    params: windowParams(model, range, features),
    schema: categoryCountRow,
  });
  return countsByFeature(rows);
}

const ksRow = z.object({ feature: z.string(), statistic: z.number() });

/**
 * Returns, per numeric feature of `reference`, the two-sample Kolmogorov-Smirnov statistic of
 * its values in `range` against the reference values given (every value of a small reference),
 * from ClickHouse's kolmogorovSmirnovTest; features without current values are absent.
 */
export async function ksStatistics(
  store: Store,
  model: string,
  range: TimeRange,
  reference: ReadonlyMap<string, readonly number[]>,
): Promise<Map<string, number>> {
  if (reference.size === 0) return new Map();
  const rows = await store.query({
    tag: 'drift.ks',
    sql: `SELECT k AS feature, tupleElement(kolmogorovSmirnovTest('two-sided', 'asymp')(v, g), 1) AS statistic
          FROM (SELECT k, v, 1 AS g FROM (${NUMERIC_VALUES})
                UNION ALL
                SELECT k, arrayJoin(vs) AS v, 0 AS g
                FROM (SELECT {reference:Map(String, Array(Float64))} AS m)
                ARRAY JOIN mapKeys(m) AS k, mapValues(m) AS vs)
          GROUP BY k HAVING countIf(g = 1) > 0 AND countIf(g = 0) > 0 ORDER BY k`,
    params: {
      ...windowParams(model, range, [...reference.keys()]),
      reference: Object.fromEntries(reference),
    },
    schema: ksRow,
  });
  return new Map(rows.map((r) => [r.feature, r.statistic]));
}

/** Returns the model version most requests in `range` were served by; null without requests. */
export async function mainModelVersion(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<string | null> {
  const [row] = await store.query({
    tag: 'drift.model_version',
    sql: `SELECT model_version AS version FROM {db:Identifier}.inference_requests WHERE ${WHERE}
          GROUP BY model_version ORDER BY count() DESC, model_version LIMIT 1`,
    params: windowParams(model, range),
    schema: z.object({ version: z.string() }),
  });
  return row === undefined ? null : row.version;
}
