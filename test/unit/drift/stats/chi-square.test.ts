import { chiSquareDrift, chiSquareTest } from '../../../../src/drift/stats/chi-square';
import ref from '../../../fixtures/drift/scipy-reference.json';

describe('chiSquareTest agrees with scipy.stats.chisquare', () => {
  it.each(ref.chiSquare)('$name', ({ observed, expected, statistic, pValue, df }) => {
    const got = chiSquareTest(observed, expected);
    expect(Math.abs(got.statistic - statistic)).toBeLessThanOrEqual(1e-9 * Math.max(1, statistic));
    expect(Math.abs(got.pValue - pValue)).toBeLessThanOrEqual(1e-6);
    expect(got.df).toBe(df);
  });

  it.each([
    [[1, 2], [1], /observed and expected must have the same length/],
    [[], [], /observed must not be empty/],
    [[3], [3], /at least 2 categories/],
    [[1, -1], [0, 0], /observed\[1\] must not be negative/],
    [[1, Number.NaN], [1, 1], /observed\[1\] must be a finite number/],
    [[1, 1], [2, 0], /expected\[1\] must be positive/],
    [[1, 1], [1, 2], /same total/],
  ])('rejects observed %p, expected %p', (observed, expected, message) => {
    expect(() => chiSquareTest(observed, expected)).toThrow(RangeError);
    expect(() => chiSquareTest(observed, expected)).toThrow(message);
  });
});

// JSON typing makes each case's keys optional; they are plain count records.
type Counts = Record<string, number>;
const driftCases = ref.chiSquareDrift as unknown as {
  name: string;
  reference: Counts;
  current: Counts;
  statistic: number;
  pValue: number;
}[];

describe('chiSquareDrift as Evidently (new categories get proportion 1e-4)', () => {
  it.each(driftCases)('$name', ({ reference, current, statistic, pValue }) => {
    const got = chiSquareDrift(reference, current);
    expect(Math.abs(got.statistic - statistic)).toBeLessThanOrEqual(1e-9 * Math.max(1, statistic));
    expect(Math.abs(got.pValue - pValue)).toBeLessThanOrEqual(1e-6);
  });

  it('uses reference proportions times the current total as expected counts', () => {
    // ref 80/20, current 50/50 of 100: expected 80, 20 -> (50-80)²/80 + (50-20)²/20 = 11.25 + 45
    expect(chiSquareDrift({ a: 80, b: 20 }, { a: 50, b: 50 }).statistic).toBeCloseTo(56.25, 12);
  });

  it.each([
    [{}, { a: 1 }, /refCounts must not be empty/],
    [{ a: 0 }, { a: 1 }, /refCounts must have a positive total/],
    [{ a: 1 }, { a: -2, b: 3 }, /curCounts\[0\] must not be negative/],
  ])('rejects %p vs %p', (refCounts, curCounts, message) => {
    expect(() => chiSquareDrift(refCounts, curCounts)).toThrow(message);
  });
});
