// First Wasserstein (earth mover's) distance between one-dimensional samples.
import { quantileSorted, standardDeviation } from 'simple-statistics';
import { requireSameLength, requireSample } from './validate';

/** Returns W1 between samples a and b, exactly (scipy.stats.wasserstein_distance). */
export function wasserstein1(a: readonly number[], b: readonly number[]): number {
  requireSample('a', a);
  requireSample('b', b);
  const xs = [...a].sort((p, q) => p - q);
  const ys = [...b].sort((p, q) => p - q);
  // ∫ |F_a - F_b| dx: walk the pooled sorted values, as scipy's _cdf_distance(p=1).
  let [i, j, total] = [0, 0, 0];
  let prev = Math.min(xs[0] as number, ys[0] as number);
  while (i < xs.length || j < ys.length) {
    const v = Math.min(xs[i] ?? Number.POSITIVE_INFINITY, ys[j] ?? Number.POSITIVE_INFINITY);
    total += Math.abs(i / xs.length - j / ys.length) * (v - prev);
    while (i < xs.length && xs[i] === v) i++;
    while (j < ys.length && ys[j] === v) j++;
    prev = v;
  }
  return total;
}

/**
 * Returns W1 approximated from two quantile sketches at the same equally spaced levels
 * k/(K-1), k = 0..K-1 (so the first and last are min and max): the exact W1 between the
 * piecewise-linear quantile functions through those points. The error against wasserstein1 on
 * the raw samples shrinks as K grows; it is exact when one sketch is the other shifted.
 */
export function wassersteinFromQuantiles(qa: readonly number[], qb: readonly number[]): number {
  requireSample('qa', qa);
  requireSample('qb', qb);
  requireSameLength('qa', qa, 'qb', qb);
  if (qa.length < 2) throw new RangeError('qa and qb need at least 2 quantiles (min and max)');
  const width = 1 / (qa.length - 1);
  let total = 0;
  for (let k = 0; k + 1 < qa.length; k++) {
    const d0 = (qa[k] as number) - (qb[k] as number);
    const d1 = (qa[k + 1] as number) - (qb[k + 1] as number);
    // ∫ |linear from d0 to d1| over one interval; when the sign changes, two triangles.
    total +=
      d0 * d1 >= 0
        ? ((Math.abs(d0) + Math.abs(d1)) / 2) * width
        : ((d0 * d0 + d1 * d1) / (2 * (Math.abs(d0) + Math.abs(d1)))) * width;
  }
  return total;
}

/** Returns quantiles of `sample` at K equally spaced levels 0..1 (a sketch for wassersteinFromQuantiles). */
export function quantileSketch(sample: readonly number[], levels: number): number[] {
  requireSample('sample', sample);
  if (!Number.isInteger(levels) || levels < 2)
    throw new RangeError(`levels must be an integer >= 2, got ${levels}`);
  const sorted = [...sample].sort((p, q) => p - q);
  return Array.from({ length: levels }, (_, k) => quantileSorted(sorted, k / (levels - 1)));
}

// Evidently's floor for the reference standard deviation, so a constant reference cannot divide by 0.
const STD_FLOOR = 0.001;

/** Returns W1 / max(std(ref), 0.001) with the population std, as Evidently's wasserstein_distance_norm. */
export function normedWasserstein(ref: readonly number[], cur: readonly number[]): number {
  const w = wasserstein1(ref, cur);
  return w / Math.max(standardDeviation([...ref]), STD_FLOOR);
}
