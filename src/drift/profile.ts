// What a drift run knows of a window of one feature: a profile. A reference profile is computed
// once (from a window of the model's requests, or from an uploaded file) and stored; a run then
// profiles only the current window, on the reference's bins. Pure: no I/O.

/** The quantile levels every numeric profile keeps: 0, 0.001, …, 1 (1001 levels). */
export const QUANTILE_LEVELS: readonly number[] = Array.from({ length: 1001 }, (_, i) => i / 1000);

/** Up to this many values, a numeric profile keeps every value (exact KS and Wasserstein). */
export const EXACT_SAMPLE_CAP = 1000;

/** PSI and Jensen-Shannon bins of a numeric feature: the reference's deciles. */
export const BIN_LEVELS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** The two kinds of feature: numbers (features_num, token counts) or categories. */
export type FeatureKind = 'numeric' | 'categorical';

/** A numeric feature's summary over a window. */
export interface NumericProfile {
  feature: string;
  kind: 'numeric';
  n: number;
  mean: number;
  /** Population standard deviation (ddof 0), as Evidently normalises Wasserstein. */
  std: number;
  min: number;
  max: number;
  /** Values at QUANTILE_LEVELS; empty when n = 0. */
  quantiles: number[];
  /** Every value, ascending, when n <= EXACT_SAMPLE_CAP; else empty. */
  sample: number[];
  /**
   * Interior bin edges (ascending, distinct) and the count per bin: counts.length = edges + 1.
   * Exact when every value is kept, else read off the quantile sketch (fractional).
   */
  edges: number[];
  counts: number[];
}

/** A categorical feature's counts over a window. */
export interface CategoricalProfile {
  feature: string;
  kind: 'categorical';
  n: number;
  categories: Record<string, number>;
}

/** One feature's profile. */
export type FeatureProfile = NumericProfile | CategoricalProfile;

/**
 * Returns the interior bin edges of a numeric reference: its quantiles at BIN_LEVELS, without
 * repeats (a feature with few distinct values gets fewer bins rather than empty ones).
 */
export function binEdges(quantiles: readonly number[]): number[] {
  if (quantiles.length !== QUANTILE_LEVELS.length) return [];
  const edges = BIN_LEVELS.map((level) => quantiles[Math.round(level * 1000)] as number);
  return edges.filter((e, i) => i === 0 || e > (edges[i - 1] as number));
}

/** Returns the bin index of `value` on `edges`: the number of edges <= value (as the SQL does). */
export function binOf(value: number, edges: readonly number[]): number {
  let i = 0;
  while (i < edges.length && (edges[i] as number) <= value) i++;
  return i;
}

/** Returns numpy's default (linear) quantiles of ascending `sorted` at QUANTILE_LEVELS. */
export function exactQuantiles(sorted: readonly number[]): number[] {
  if (sorted.length === 0) return [];
  return QUANTILE_LEVELS.map((level) => {
    const h = (sorted.length - 1) * level;
    const lo = Math.floor(h);
    const a = sorted[lo] as number;
    const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
    return a + (h - lo) * (b - a);
  });
}

/**
 * Returns the count per bin of `edges` (bin i: values with i edges <= value): exact from
 * `sample` when it holds all n values, else n times the sketch's share between the edges.
 */
export function countsOnBins(
  edges: readonly number[],
  n: number,
  sample: readonly number[],
  quantiles: readonly number[],
): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  if (n === 0) return counts;
  if (sample.length === n) {
    for (const v of sample) counts[binOf(v, edges)] = (counts[binOf(v, edges)] as number) + 1;
    return counts;
  }
  // Share strictly below each edge ~ the sketch's CDF there (a continuous sketch has no atoms).
  let below = 0;
  edges.forEach((e, i) => {
    const share = sketchCdf(quantiles, e);
    counts[i] = n * (share - below);
    below = share;
  });
  counts[edges.length] = n * (1 - below);
  return counts;
}

/**
 * Returns the share of a quantile sketch's distribution at or below x: the level at x on the
 * piecewise-linear quantile function through the sketch (equally spaced levels from 0 to 1).
 */
export function sketchCdf(q: readonly number[], x: number): number {
  const k = q.length - 1;
  if (k < 1 || x < (q[0] as number)) return 0;
  if (x >= (q[k] as number)) return 1;
  let lo = 0;
  let hi = k;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((q[mid] as number) <= x) lo = mid;
    else hi = mid;
  }
  // q[lo] <= x < q[hi]; across a run of equal quantiles the CDF jumps to the run's last level.
  const a = q[lo] as number;
  const b = q[hi] as number;
  return (lo + (b > a ? (x - a) / (b - a) : 0)) / k;
}
