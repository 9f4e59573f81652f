import { fromRankLevels, rankLevels, rankPlan } from '../../../src/model-stats/quantiles';
import { numpyQuantile, seededRandom } from '../../helpers/telemetry-rows';

// ClickHouse's quantileTDigest over a digest of single values (AggregateFunctions/QuantileTDigest.h,
// getImpl): position x = level * n; singleton i sits at i + 0.5 and answers for x in (i, i + 1].
function singletonDigest(sorted: readonly number[], level: number): number {
  const x = level * sorted.length;
  const i = Math.min(Math.max(Math.ceil(x) - 1, 0), sorted.length - 1);
  return sorted[i] as number;
}

describe('rankPlan', () => {
  it.each([
    // n, q, lower level, upper level, weight
    [1, 0.5, 0.5, 1, 0],
    [2, 0.5, 0.25, 0.75, 0.5],
    [100, 0.5, 0.495, 0.505, 0.5],
    [100, 0.99, 0.985, 0.995, 0.01],
    [101, 0.5, 50.5 / 101, 51.5 / 101, 0],
    [10, 1, 0.95, 1, 0],
  ])('n=%d q=%d -> levels %d, %d, weight %d', (n, q, lower, upper, weight) => {
    const plan = rankPlan(n, q);
    expect(plan.lowerLevel).toBeCloseTo(lower, 12);
    expect(plan.upperLevel).toBeCloseTo(upper, 12);
    expect(plan.weight).toBeCloseTo(weight, 12);
  });
});

describe('fromRankLevels over a digest of single values', () => {
  const random = seededRandom(11);
  it.each([1, 2, 3, 7, 20, 99, 100, 150, 199])(
    "gives numpy's linear quantiles exactly for %d values",
    (n) => {
      const values = Array.from({ length: n }, () => Math.exp(5 * random())).sort((a, b) => a - b);
      const qs = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1];
      const answers = rankLevels(n, qs).map((level) => singletonDigest(values, level));
      const got = fromRankLevels(n, qs, answers);
      for (const [i, q] of qs.entries()) expect(got[i]).toBeCloseTo(numpyQuantile(values, q), 9);
    },
  );

  it('the digest at level q alone is another definition: off by a neighbour gap', () => {
    const values = [10, 20, 30, 40];
    expect(singletonDigest(values, 0.5)).toBe(20);
    expect(numpyQuantile(values, 0.5)).toBe(25);
    expect(
      fromRankLevels(
        4,
        [0.5],
        rankLevels(4, [0.5]).map((l) => singletonDigest(values, l)),
      ),
    ).toEqual([25]);
  });

  it('null for no values or no answer', () => {
    expect(fromRankLevels(0, [0.5], [])).toEqual([null]);
    expect(fromRankLevels(3, [0.5], [null, null])).toEqual([null]);
    expect(fromRankLevels(3, [0.5], [Number.NaN, 1])).toEqual([null]);
  });
});
