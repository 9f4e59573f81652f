import { ksFromCdfs, ksTwoSample } from '../../../../src/drift/stats/ks';
import ref from '../../../fixtures/drift/scipy-reference.json';

// scipy.stats.ks_2samp(a, b, alternative='two-sided', method=mode); see generate_scipy.py.
// JSON has no NaN: a null p-value is scipy's NaN (asymp with round(n1·n2/(n1+n2)) = 0).
const STAT_TOL = 1e-9;
const P_TOL = 1e-6;
const modes = ['auto', 'exact', 'asymp'] as const;
const cases = ref.ks.flatMap((c) => modes.map((mode) => ({ ...c, mode, want: c.results[mode] })));

function expectedMode(mode: (typeof modes)[number], n1: number, n2: number): string {
  return mode === 'auto' ? (Math.max(n1, n2) <= 10_000 ? 'exact' : 'asymp') : mode;
}

/** ECDF of `xs` at each of the ascending `points`. */
function ecdf(xs: readonly number[], points: readonly number[]): number[] {
  const sorted = [...xs].sort((p, q) => p - q);
  let i = 0;
  return points.map((v) => {
    while (i < sorted.length && (sorted[i] as number) <= v) i++;
    return i / sorted.length;
  });
}

describe('ksTwoSample agrees with scipy ks_2samp', () => {
  it.each(cases)('$name, $mode', ({ a, b, mode, want }) => {
    const got = ksTwoSample(a, b, mode);
    expect(Math.abs(got.statistic - (want.statistic as number))).toBeLessThanOrEqual(STAT_TOL);
    if (want.pValue === null) expect(got.pValue).toBeNaN();
    else expect(Math.abs(got.pValue - want.pValue)).toBeLessThanOrEqual(P_TOL);
    expect(got.mode).toBe(expectedMode(mode, a.length, b.length));
  });
});

describe('ksFromCdfs on ECDFs of the same samples agrees with scipy ks_2samp', () => {
  it.each(cases)('$name, $mode', ({ a, b, mode, want }) => {
    const points = [...new Set([...a, ...b])].sort((p, q) => p - q);
    const got = ksFromCdfs(points, ecdf(a, points), ecdf(b, points), a.length, b.length, mode);
    expect(Math.abs(got.statistic - (want.statistic as number))).toBeLessThanOrEqual(STAT_TOL);
    if (want.pValue === null) expect(got.pValue).toBeNaN();
    else expect(Math.abs(got.pValue - want.pValue)).toBeLessThanOrEqual(P_TOL);
  });
});

describe('ksTwoSample details', () => {
  it('reports where the ECDFs are furthest apart', () => {
    expect(ksTwoSample([1, 2, 3], [4, 5])).toMatchObject({ statistic: 1, location: 3 });
  });

  it('finds no difference between identical samples (p = 1)', () => {
    expect(ksTwoSample([3, 1, 2, 2], [2, 3, 2, 1])).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it.each([
    [[], [1], /a must not be empty/],
    [[1], [], /b must not be empty/],
    [[1, Number.NaN], [1], /a\[1\] must be a finite number/],
    [[1], [Number.POSITIVE_INFINITY], /b\[0\] must be a finite number/],
  ])('rejects %p vs %p', (a, b, message) => {
    expect(() => ksTwoSample(a, b)).toThrow(RangeError);
    expect(() => ksTwoSample(a, b)).toThrow(message);
  });

  it('rejects an unknown mode', () => {
    expect(() => ksTwoSample([1], [2], 'fast' as never)).toThrow(/mode must be/);
  });
});

describe('ksFromCdfs input checks', () => {
  it.each([
    [[1, 2], [0.5], [0.5, 1], 2, 2, /points and cdfA must have the same length/],
    [[2, 1], [0.5, 1], [0.5, 1], 2, 2, /points must be strictly ascending/],
    [[1, 2], [0.5, 1.5], [0.5, 1], 2, 2, /must lie in \[0, 1\]/],
    [[1, 2], [-0.5, 1], [0.5, 1], 2, 2, /cdfA\[0\] must not be negative/],
    [[1, 2], [0.5, 1], [0.5, 1], 0, 2, /nA must be a positive integer/],
    [[1, 2], [0.5, 1], [0.5, 1], 2, 2.5, /nB must be a positive integer/],
  ])('rejects points %p, cdfA %p, cdfB %p, nA %p, nB %p', (points, fa, fb, nA, nB, message) => {
    expect(() => ksFromCdfs(points, fa, fb, nA, nB)).toThrow(message);
  });
});
