import { zTestDrift, zTestProportions } from '../../../../src/drift/stats/z-test';
import ref from '../../../fixtures/drift/scipy-reference.json';

describe('zTestProportions agrees with the pooled z and 2·scipy norm.sf(|z|)', () => {
  it.each(ref.zTest)(
    '$refSuccesses/$refN vs $curSuccesses/$curN',
    ({ refSuccesses, refN, curSuccesses, curN, statistic, pValue }) => {
      const got = zTestProportions(refSuccesses, refN, curSuccesses, curN);
      expect(Math.abs(got.statistic - statistic)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(got.pValue - pValue)).toBeLessThanOrEqual(1e-6);
    },
  );

  it('answers p = 1 when both windows hold one and the same value (Evidently)', () => {
    expect(zTestProportions(0, 10, 0, 20)).toEqual({ statistic: 0, pValue: 1 });
    expect(zTestProportions(10, 10, 20, 20)).toEqual({ statistic: 0, pValue: 1 });
  });

  it.each([
    [-1, 10, 1, 10, /refSuccesses must be a non-negative integer/],
    [1, 10, 1.5, 10, /curSuccesses must be a non-negative integer/],
    [1, 0, 1, 10, /refN and curN must be positive/],
    [11, 10, 1, 10, /refSuccesses must not exceed refN/],
    [1, 10, 11, 10, /curSuccesses must not exceed curN/],
  ])('rejects %d/%d vs %d/%d', (s1, n1, s2, n2, message) => {
    expect(() => zTestProportions(s1, n1, s2, n2)).toThrow(message);
  });
});

describe('zTestDrift on category counts', () => {
  it('is the proportion test on the first category, in either labelling', () => {
    const want = zTestProportions(30, 100, 45, 120);
    expect(zTestDrift({ no: 70, yes: 30 }, { no: 75, yes: 45 }).pValue).toBeCloseTo(
      want.pValue,
      15,
    );
    expect(zTestDrift({ a: 30, b: 70 }, { a: 45, b: 75 })).toEqual(want);
  });

  it('rejects a feature with more than two categories', () => {
    expect(() => zTestDrift({ a: 1, b: 2 }, { c: 3 })).toThrow(/at most 2 categories, got 3/);
  });
});
