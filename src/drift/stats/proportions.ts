// Count vectors to proportion vectors, shared by PSI and Jensen–Shannon.
import { sum } from 'simple-statistics';
import { requireCounts, requireSameLength } from './validate';

/** Returns counts / total, after checking counts are non-negative with a positive total. */
export function toProportions(name: string, counts: readonly number[]): number[] {
  requireCounts(name, counts);
  const total = sum([...counts]);
  if (total <= 0) throw new RangeError(`${name} must have a positive total`);
  return counts.map((c) => c / total);
}

/** Returns both count vectors as proportions, after checking they cover the same bins. */
export function pairedProportions(
  nameA: string,
  a: readonly number[],
  nameB: string,
  b: readonly number[],
): [number[], number[]] {
  const pa = toProportions(nameA, a);
  const pb = toProportions(nameB, b);
  requireSameLength(nameA, a, nameB, b);
  return [pa, pb];
}
