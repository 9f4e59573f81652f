// The summaries drift reads per feature, the same for a window of requests (drift-windows.ts)
// and an uploaded reference file (upload-profiles.ts): one SQL aggregation over (k, v) rows for
// numeric features and one for categorical ones, so both sides of a comparison are summarised alike.
import { z } from 'zod';
import { EXACT_SAMPLE_CAP, QUANTILE_LEVELS } from '../../drift/profile';

// Fixed quantile levels as SQL literals (aggregate parameters cannot be bound): our constants.
const LEVELS_SQL = QUANTILE_LEVELS.map((l) => l.toFixed(3)).join(', ');

/** The row numericSummariesSql returns per feature. */
export const numericSummaryRow = z.object({
  feature: z.string(),
  n: z.coerce.number(),
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  quantiles: z.array(z.number()),
  sample: z.array(z.number()),
});

/** A numeric feature's summary, as the engine returns it. */
export type NumericSummary = z.infer<typeof numericSummaryRow>;

/**
 * How min and max are taken: `exact` by min()/max(); `ends` from the kept values, else the
 * sketch's ends (the t-digest keeps the extremes, to Float32 precision), which spares min()/max()
 * ~60 ms a window of 1 M rows x 20 features.
 */
export type MinMax = 'exact' | 'ends';

const MIN_MAX_SQL: Record<MinMax, string> = {
  exact: 'min(v) AS min, max(v) AS max',
  ends: `if(empty(sample), quantiles[1], sample[1]) AS min,
            if(empty(sample), quantiles[-1], sample[-1]) AS max`,
};

/**
 * Returns the SELECT that summarises the (k, v) rows of `values` (SQL of ours, with bound
 * parameters only) per k, ordered by k: n, mean, population std, the values at QUANTILE_LEVELS
 * from a t-digest, every value ascending when n <= EXACT_SAMPLE_CAP, and min and max as `minMax` says.
 */
export function numericSummariesSql(values: string, minMax: MinMax): string {
  return `SELECT k AS feature, count() AS n, avg(v) AS mean, stddevPop(v) AS std,
            arrayMap(q -> toFloat64(q), quantilesTDigest(${LEVELS_SQL})(v)) AS quantiles,
            if(n <= ${EXACT_SAMPLE_CAP}, arraySort(groupArray(${EXACT_SAMPLE_CAP + 1})(v)), []) AS sample,
            ${MIN_MAX_SQL[minMax]}
          FROM (${values}) GROUP BY k ORDER BY k`;
}

/** The row categoryCountsSql returns per feature and value. */
export const categoryCountRow = z.object({
  feature: z.string(),
  value: z.string(),
  count: z.coerce.number(),
});

/** Categories kept per feature and window (the most frequent); the rest are summed as one. */
export const CATEGORY_CAP = 1000;
/** The category that stands for every category beyond CATEGORY_CAP. */
export const OTHER_CATEGORY = '__other__';

/**
 * Returns the SELECT that counts the (k, v) rows of `values` (SQL of ours, with bound parameters
 * only) per k and v: the CATEGORY_CAP most frequent values of each k, the rest summed as
 * OTHER_CATEGORY, ordered by k, count descending, then value.
 */
export function categoryCountsSql(values: string): string {
  return `SELECT feature, if(rank <= ${CATEGORY_CAP}, value, '${OTHER_CATEGORY}') AS value, sum(c) AS count
          FROM (SELECT k AS feature, v AS value, count() AS c,
                  row_number() OVER (PARTITION BY k ORDER BY c DESC, v) AS rank
                FROM (${values}) GROUP BY k, v)
          GROUP BY feature, value ORDER BY feature, count DESC, value`;
}

/** Returns the count per value of each feature, from categoryCountsSql's rows. */
export function countsByFeature(
  rows: readonly z.infer<typeof categoryCountRow>[],
): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const counts = out.get(r.feature) ?? {};
    counts[r.value] = r.count;
    out.set(r.feature, counts);
  }
  return out;
}
