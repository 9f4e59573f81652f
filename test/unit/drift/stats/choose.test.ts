import { defaultMethod, isDrifted } from '../../../../src/drift/stats/choose';

describe("defaultMethod follows Evidently's default test per column", () => {
  it.each([
    // kind, reference rows, distinct values, method, threshold, direction
    ['numeric', 1000, undefined, 'ks', 0.05, 'p_below'],
    ['numeric', 500, 40, 'ks', 0.05, 'p_below'],
    ['numeric', 500, 4, 'chisquare', 0.05, 'p_below'], // <= 5 values: categorical
    ['numeric', 500, 2, 'z', 0.05, 'p_below'],
    ['categorical', 1000, undefined, 'chisquare', 0.05, 'p_below'],
    ['categorical', 10, 3, 'chisquare', 0.05, 'p_below'],
    ['categorical', 10, 2, 'z', 0.05, 'p_below'],
    ['numeric', 1001, undefined, 'wasserstein', 0.1, 'statistic_at_least'],
    ['numeric', 50_000, 3, 'jensenshannon', 0.1, 'statistic_at_least'],
    ['categorical', 1001, 2, 'jensenshannon', 0.1, 'statistic_at_least'],
  ] as const)(
    '%s, %d rows, %p values -> %s',
    (kind, n, categories, method, threshold, direction) => {
      expect(defaultMethod(kind, n, categories)).toEqual({ method, threshold, direction });
    },
  );

  it('rejects a negative or fractional row count', () => {
    expect(() => defaultMethod('numeric', -1)).toThrow(/referenceN must be a non-negative integer/);
    expect(() => defaultMethod('numeric', 10, 2.5)).toThrow(/categories must be/);
  });
});

describe('isDrifted', () => {
  const ks = defaultMethod('numeric', 100);
  const wd = defaultMethod('numeric', 5000);
  it.each([
    [ks, { statistic: 0.3, pValue: 0.049 }, true],
    [ks, { statistic: 0.3, pValue: 0.05 }, false], // strictly below
    [wd, { statistic: 0.1 }, true], // at least
    [wd, { statistic: 0.099 }, false],
  ])('%o with %o -> %p', (rule, result, want) => {
    expect(isDrifted(result, rule)).toBe(want);
  });

  it('needs a p-value for a p_below rule', () => {
    expect(() => isDrifted({ statistic: 1 }, ks)).toThrow(/ks result needs a pValue/);
  });
});
