// What drift reads of a window of one model's requests, computed in the engine so that only
// O(bins) data leaves it: the features seen, numeric summaries (n, mean, std, min, max, 1001
// quantiles, every value when few), counts on given bins, category counts, and the two-sample
// KS statistic against reference values bound as a parameter. Map features come out of
// features_num / features_cat by ARRAY JOIN, built-in ones from their columns.
import { z } from 'zod';
import {
  BUILTIN_FEATURES,
  EXACT_SAMPLE_CAP,
  type FeatureRef,
  QUANTILE_LEVELS,
} from '../../drift/profile';
import type { Store } from '../store';

/** A span of time [fromMs, toMs). */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

const WHERE = `model = {model:String}
  AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
  AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;

// (k, v) rows of the numeric features named in {names}: map keys, then the built-in columns.
const NUMERIC_VALUES = `
  SELECT k, v FROM {db:Identifier}.inference_requests
  ARRAY JOIN mapKeys(features_num) AS k, mapValues(features_num) AS v
  WHERE ${WHERE} AND has({names:Array(String)}, k) AND k NOT IN ('input_tokens', 'output_tokens')
  UNION ALL
  SELECT 'input_tokens' AS k, toFloat64(assumeNotNull(input_tokens)) AS v
  FROM {db:Identifier}.inference_requests
  WHERE ${WHERE} AND has({names:Array(String)}, 'input_tokens') AND input_tokens IS NOT NULL
  UNION ALL
  SELECT 'output_tokens' AS k, toFloat64(assumeNotNull(output_tokens)) AS v
  FROM {db:Identifier}.inference_requests
  WHERE ${WHERE} AND has({names:Array(String)}, 'output_tokens') AND output_tokens IS NOT NULL`;

// (k, v) rows of the categorical features named in {names}.
const CATEGORICAL_VALUES = `
  SELECT k, v FROM {db:Identifier}.inference_requests
  ARRAY JOIN mapKeys(features_cat) AS k, mapValues(features_cat) AS v
  WHERE ${WHERE} AND has({names:Array(String)}, k) AND k != 'request_type'
  UNION ALL
  SELECT 'request_type' AS k, toString(request_type) AS v
  FROM {db:Identifier}.inference_requests
  WHERE ${WHERE} AND has({names:Array(String)}, 'request_type') AND request_type != ''`;

const windowParams = (model: string, range: TimeRange) => ({
  model,
  from: range.fromMs,
  to: range.toMs,
});

const featureRow = z.object({ feature: z.string(), kind: z.enum(['numeric', 'categorical']) });

/** Returns the features seen in `range`: every map key, plus the built-ins that have values. */
export async function featuresSeen(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<FeatureRef[]> {
  const rows = await store.query({
    tag: 'drift.features_seen',
    sql: `SELECT DISTINCT arrayJoin(mapKeys(features_num)) AS feature, 'numeric' AS kind
          FROM {db:Identifier}.inference_requests WHERE ${WHERE}
          UNION ALL
          SELECT DISTINCT arrayJoin(mapKeys(features_cat)) AS feature, 'categorical' AS kind
          FROM {db:Identifier}.inference_requests WHERE ${WHERE}
          UNION ALL
          SELECT 'input_tokens', 'numeric' FROM {db:Identifier}.inference_requests
          WHERE ${WHERE} AND input_tokens IS NOT NULL LIMIT 1
          UNION ALL
          SELECT 'output_tokens', 'numeric' FROM {db:Identifier}.inference_requests
          WHERE ${WHERE} AND output_tokens IS NOT NULL LIMIT 1
          UNION ALL
          SELECT 'request_type', 'categorical' FROM {db:Identifier}.inference_requests
          WHERE ${WHERE} AND request_type != '' LIMIT 1`,
    params: windowParams(model, range),
    schema: featureRow,
  });
  const byName = new Map<string, FeatureRef>();
  for (const r of rows) {
    const builtin = BUILTIN_FEATURES.find((f) => f.name === r.feature);
    byName.set(r.feature, builtin ?? { name: r.feature, kind: r.kind });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

// Fixed quantile levels as SQL literals (aggregate parameters cannot be bound): our constants.
const LEVELS_SQL = QUANTILE_LEVELS.map((l) => l.toFixed(3)).join(', ');

const numericRow = z.object({
  feature: z.string(),
  n: z.coerce.number(),
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  quantiles: z.array(z.number()),
  sample: z.array(z.number()),
});

/** A numeric feature's summary in a window, as the engine returns it. */
export type NumericSummary = z.infer<typeof numericRow>;

/**
 * Returns n, mean, population std, min, max, the values at QUANTILE_LEVELS (exact, ClickHouse's
 * quantilesExactInclusive: numpy's default linear interpolation) and, when n <= EXACT_SAMPLE_CAP,
 * every value ascending, per numeric feature of `names` that has values in `range`.
 */
export async function numericSummaries(
  store: Store,
  model: string,
  range: TimeRange,
  names: readonly string[],
): Promise<NumericSummary[]> {
  if (names.length === 0) return [];
  return store.query({
    tag: 'drift.numeric_summaries',
    sql: `SELECT k AS feature, count() AS n, avg(v) AS mean, stddevPop(v) AS std,
            min(v) AS min, max(v) AS max,
            quantilesExactInclusive(${LEVELS_SQL})(v) AS quantiles,
            if(n <= ${EXACT_SAMPLE_CAP}, arraySort(groupArray(${EXACT_SAMPLE_CAP + 1})(v)), []) AS sample
          FROM (${NUMERIC_VALUES}) GROUP BY k ORDER BY k`,
    params: { ...windowParams(model, range), names },
    schema: numericRow,
  });
}

const binRow = z.object({
  feature: z.string(),
  bin: z.coerce.number(),
  count: z.coerce.number(),
});

/**
 * Returns, per numeric feature of `edges`, the count of values in `range` per bin: bin i holds
 * the values with exactly i edges <= value (so counts.length = edges.length + 1).
 */
export async function numericBinCounts(
  store: Store,
  model: string,
  range: TimeRange,
  edges: ReadonlyMap<string, readonly number[]>,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, e] of edges) out.set(name, new Array<number>(e.length + 1).fill(0));
  if (edges.size === 0) return out;
  const rows = await store.query({
    tag: 'drift.numeric_bins',
    sql: `SELECT k AS feature, arrayCount(e -> e <= v, {edges:Map(String, Array(Float64))}[k]) AS bin,
            count() AS count
          FROM (${NUMERIC_VALUES}) GROUP BY feature, bin`,
    params: {
      ...windowParams(model, range),
      names: [...edges.keys()],
      edges: Object.fromEntries(edges),
    },
    schema: binRow,
  });
  for (const r of rows) {
    const counts = out.get(r.feature);
    if (counts !== undefined && r.bin < counts.length) counts[r.bin] = r.count;
  }
  return out;
}

const categoryRow = z.object({ feature: z.string(), value: z.string(), count: z.coerce.number() });

/** Categories kept per feature and window (the most frequent); the rest are summed as one. */
export const CATEGORY_CAP = 1000;
/** The category that stands for every category beyond CATEGORY_CAP. */
export const OTHER_CATEGORY = '__other__';

/** Returns, per categorical feature of `names` with values in `range`, the count per value. */
export async function categoryCounts(
  store: Store,
  model: string,
  range: TimeRange,
  names: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (names.length === 0) return out;
  const rows = await store.query({
    tag: 'drift.category_counts',
    sql: `SELECT feature, if(rank <= ${CATEGORY_CAP}, value, '${OTHER_CATEGORY}') AS value, sum(c) AS count
          FROM (SELECT k AS feature, v AS value, count() AS c,
                  row_number() OVER (PARTITION BY k ORDER BY c DESC, v) AS rank
                FROM (${CATEGORICAL_VALUES}) GROUP BY k, v)
          GROUP BY feature, value ORDER BY feature, count DESC, value`,
    params: { ...windowParams(model, range), names },
    schema: categoryRow,
  });
  for (const r of rows) {
    const counts = out.get(r.feature) ?? {};
    counts[r.value] = r.count;
    out.set(r.feature, counts);
  }
  return out;
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
      ...windowParams(model, range),
      names: [...reference.keys()],
      reference: Object.fromEntries(reference),
    },
    schema: ksRow,
  });
  return new Map(rows.map((r) => [r.feature, r.statistic]));
}
