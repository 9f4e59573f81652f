// Two-proportion Z-test for a binary categorical feature, as Evidently's z_stat_test: pooled
// proportion, two-sided p-value. The p-value is 2·Φ(-|z|) = erfc(|z|/√2) from
// @stdlib/math-base-special-erfc: simple-statistics' errorFunction is good to ~1.2e-7 absolute
// and loses all relative precision in the tail, and cumulativeStdNormalProbability is a table.
import erfc from '@stdlib/math-base-special-erfc';
import { sum } from 'simple-statistics';
import { requireCounts } from './validate';

export interface ZTestResult {
  statistic: number;
  pValue: number;
}

function requireCount(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${x}`);
}

/** Returns the pooled two-proportion z statistic and its two-sided p-value (p = 1 when nothing varies). */
export function zTestProportions(
  refSuccesses: number,
  refN: number,
  curSuccesses: number,
  curN: number,
): ZTestResult {
  for (const [name, x] of Object.entries({ refSuccesses, refN, curSuccesses, curN }))
    requireCount(name, x);
  if (refN === 0 || curN === 0) throw new RangeError('refN and curN must be positive');
  if (refSuccesses > refN) throw new RangeError('refSuccesses must not exceed refN');
  if (curSuccesses > curN) throw new RangeError('curSuccesses must not exceed curN');
  const pooled = (refSuccesses + curSuccesses) / (refN + curN);
  // Both windows hold one and the same value: Evidently answers p = 1 (z would be 0/0).
  if (pooled === 0 || pooled === 1) return { statistic: 0, pValue: 1 };
  const diff = refSuccesses / refN - curSuccesses / curN;
  const statistic = diff / Math.sqrt(pooled * (1 - pooled) * (1 / refN + 1 / curN));
  return { statistic, pValue: erfc(Math.abs(statistic) / Math.SQRT2) };
}

/**
 * Returns the Z-test of a binary categorical feature from category counts; the first category
 * in sorted order counts as "success" (the two-sided p-value does not depend on the choice).
 */
export function zTestDrift(
  refCounts: Record<string, number>,
  curCounts: Record<string, number>,
): ZTestResult {
  requireCounts('refCounts', Object.values(refCounts));
  requireCounts('curCounts', Object.values(curCounts));
  const keys = [...new Set([...Object.keys(refCounts), ...Object.keys(curCounts)])].sort();
  if (keys.length > 2)
    throw new RangeError(`a binary feature has at most 2 categories, got ${keys.length}`);
  const target = keys[0] as string;
  const n = (counts: Record<string, number>) => sum(Object.values(counts));
  return zTestProportions(
    refCounts[target] ?? 0,
    n(refCounts),
    curCounts[target] ?? 0,
    n(curCounts),
  );
}
