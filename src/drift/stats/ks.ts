// Two-sample Kolmogorov–Smirnov test, two-sided, matching
// scipy.stats.ks_2samp(a, b, alternative='two-sided', method=mode) (scipy 1.17):
// - statistic: D = max |F_a - F_b| over the pooled values (ties handled: ECDFs are
//   right-continuous, evaluated at every distinct value).
// - 'exact': the lattice-path p-value (./ks-exact). D is snapped to h/lcm(n1, n2) with
//   h = round(D·lcm), as scipy does. Falls back to 'asymp' when lcm(n1, n2) >= 2^31 - 1 or the
//   computation leaves [0, 1] / is not finite, as scipy does (it also warns; we report `mode`).
// - 'asymp': kstwo.sf(D, round(n1·n2/(n1+n2))) (./kolmogorov-n), round half to even like numpy.
//   With n1 = n2 = 1 that n is 0 and the p-value is NaN, as in scipy.
// - 'auto' (default): 'exact' when max(n1, n2) <= 10000, else 'asymp', as scipy.
// `mode` in the result is the method actually used.
import { kolmogorovSf } from './kolmogorov-n';
import { probOutsideBand, probOutsideSquare } from './ks-exact';
import {
  requireCounts,
  requirePositiveInteger,
  requireSameLength,
  requireSample,
} from './validate';

export type KsMode = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  statistic: number;
  pValue: number;
  /** 'exact' or 'asymp': the method that produced pValue. */
  mode: 'exact' | 'asymp';
  /** The value (or point) where the ECDFs are furthest apart. */
  location: number;
}

const MAX_AUTO_N = 10_000;
const INT32_MAX = 2 ** 31 - 1;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function exactPValue(n1: number, n2: number, d: number) {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { statistic: snapped, pValue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  return Number.isFinite(p) && p >= 0 && p <= 1 ? { statistic: snapped, pValue: p } : undefined;
}

function asympPValue(n1: number, n2: number, d: number): number {
  const en = (n1 * n2) / (n1 + n2);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return Number.isNaN(p) ? p : Math.min(1, Math.max(0, p));
}

/** Returns the two-sided KS p-value for statistic d and sample sizes n1, n2, with the mode used. */
export function ksPValue(d: number, n1: number, n2: number, mode: KsMode = 'auto') {
  let use: 'exact' | 'asymp' =
    mode === 'auto' ? (Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp') : mode;
  const g = gcd(n1, n2);
  if (use === 'exact' && n1 / g >= INT32_MAX / (n2 / g)) use = 'asymp';
  if (use === 'exact') {
    const exact = exactPValue(n1, n2, d);
    if (exact) return { ...exact, mode: use };
    use = 'asymp';
  }
  return { statistic: d, pValue: asympPValue(n1, n2, d), mode: use };
}

function checkMode(mode: KsMode): KsMode {
  if (mode !== 'auto' && mode !== 'exact' && mode !== 'asymp') {
    throw new RangeError(`mode must be 'auto', 'exact' or 'asymp', got ${String(mode)}`);
  }
  return mode;
}

/** Returns the two-sided two-sample KS statistic and p-value of samples a and b (scipy ks_2samp). */
export function ksTwoSample(
  a: readonly number[],
  b: readonly number[],
  mode: KsMode = 'auto',
): KsResult {
  requireSample('a', a);
  requireSample('b', b);
  checkMode(mode);
  const xs = [...a].sort((p, q) => p - q);
  const ys = [...b].sort((p, q) => p - q);
  const [n1, n2] = [xs.length, ys.length];
  let [i, j] = [0, 0];
  let [maxS, locMax, minS, locMin] = [Number.NEGATIVE_INFINITY, 0, 0, xs[0] as number];
  while (i < n1 || j < n2) {
    const v = Math.min(xs[i] ?? Number.POSITIVE_INFINITY, ys[j] ?? Number.POSITIVE_INFINITY);
    while (i < n1 && xs[i] === v) i++;
    while (j < n2 && ys[j] === v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) [maxS, locMax] = [diff, v];
    if (-diff > minS) [minS, locMin] = [-diff, v];
  }
  const [d, location] = minS > maxS ? [minS, locMin] : [maxS, locMax];
  return { ...ksPValue(d, n1, n2, mode), location };
}

/**
 * Returns the two-sided KS statistic and p-value of two ECDFs evaluated on the same ascending
 * points (cdfA[i] = share of sample A <= points[i]), with sample sizes nA, nB; as ksTwoSample.
 */
export function ksFromCdfs(
  points: readonly number[],
  cdfA: readonly number[],
  cdfB: readonly number[],
  nA: number,
  nB: number,
  mode: KsMode = 'auto',
): KsResult {
  requireSample('points', points);
  requireCounts('cdfA', cdfA);
  requireCounts('cdfB', cdfB);
  requireSameLength('points', points, 'cdfA', cdfA);
  requireSameLength('points', points, 'cdfB', cdfB);
  requirePositiveInteger('nA', nA);
  requirePositiveInteger('nB', nB);
  checkMode(mode);
  let [d, location] = [0, points[0] as number];
  for (let k = 0; k < points.length; k++) {
    if (k > 0 && (points[k] as number) <= (points[k - 1] as number)) {
      throw new RangeError(`points must be strictly ascending (points[${k}])`);
    }
    const [fa, fb] = [cdfA[k] as number, cdfB[k] as number];
    if (fa > 1 || fb > 1) throw new RangeError(`cdfA[${k}] and cdfB[${k}] must lie in [0, 1]`);
    if (Math.abs(fa - fb) > d) [d, location] = [Math.abs(fa - fb), points[k] as number];
  }
  return { ...ksPValue(d, nA, nB, mode), location };
}
