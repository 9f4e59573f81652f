// Pearson's chi-square goodness-of-fit test (scipy.stats.chisquare) and Evidently's chi-square
// drift test on category counts. The p-value is the regularized upper incomplete gamma
// Q(df/2, statistic/2), from @stdlib/math-base-special-gammainc (double precision).
import gammainc from '@stdlib/math-base-special-gammainc';
import { sum } from 'simple-statistics';
import { requireCounts, requireSameLength } from './validate';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  df: number;
}

// scipy refuses observed and expected totals further apart than this (relative).
const SUM_RTOL = 1e-8;

/** Returns Pearson's chi-square statistic, its p-value and df = k - 1 (scipy.stats.chisquare). */
export function chiSquareTest(
  observed: readonly number[],
  expected: readonly number[],
): ChiSquareResult {
  requireCounts('observed', observed);
  requireCounts('expected', expected);
  requireSameLength('observed', observed, 'expected', expected);
  if (observed.length < 2) throw new RangeError('observed must have at least 2 categories');
  expected.forEach((e, i) => {
    if (e <= 0) throw new RangeError(`expected[${i}] must be positive, got ${e}`);
  });
  const [obsSum, expSum] = [sum([...observed]), sum([...expected])];
  if (Math.abs(obsSum - expSum) / Math.min(obsSum, expSum) > SUM_RTOL) {
    throw new RangeError(
      `observed and expected must have the same total, got ${obsSum} and ${expSum}`,
    );
  }
  let statistic = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    statistic += (o - e) ** 2 / e;
  });
  const df = observed.length - 1;
  return { statistic, pValue: gammainc(statistic / 2, df / 2, true, true), df };
}

/**
 * Proportion given to a category the current window has but the reference lacks, before the
 * reference proportions are renormalised to 1. Evidently leaves its expected count at 0, which
 * makes the statistic infinite and p = 0; a small proportion keeps the test finite while a new
 * category seen even a few times still weighs heavily. Same value as Evidently's PSI epsilon.
 */
export const NEW_CATEGORY_PROPORTION = 1e-4;

function total(name: string, counts: Record<string, number>): number {
  const values = Object.values(counts);
  requireCounts(name, values);
  const n = sum(values);
  if (n <= 0) throw new RangeError(`${name} must have a positive total`);
  return n;
}

/**
 * Returns Evidently's chi-square drift test of current against reference category counts:
 * categories = union; expected = reference proportion × current total.
 */
export function chiSquareDrift(
  refCounts: Record<string, number>,
  curCounts: Record<string, number>,
): ChiSquareResult {
  const refN = total('refCounts', refCounts);
  const curN = total('curCounts', curCounts);
  const keys = [...new Set([...Object.keys(refCounts), ...Object.keys(curCounts)])].sort();
  const props = keys.map((k) => (refCounts[k] ?? 0) / refN || NEW_CATEGORY_PROPORTION);
  const propSum = sum(props);
  return chiSquareTest(
    keys.map((k) => curCounts[k] ?? 0),
    props.map((p) => (p / propSum) * curN),
  );
}
