import { binCounts, psi, referenceQuantileEdges } from '../../../../src/drift/stats/psi';

describe('psi worked by hand: Σ (r - c)·ln(r / c) over bin proportions', () => {
  it.each([
    // identical histograms, at any scale
    [[10, 30, 60], [1, 3, 6], 0],
    // r = (½, ½), c = (¼, ¾): ¼ ln 2 + (-¼) ln(⅔) = ¼ ln 3
    [[50, 50], [25, 75], 0.25 * Math.log(3)],
    // empty bins become 1e-4: r = (½, ½, 1e-4), c = (½, 1e-4, ½) -> 2 · 0.4999 · ln 5000
    [[1, 1, 0], [1, 0, 1], 2 * 0.4999 * Math.log(5000)],
    // r = (0.1, 0.9), c = (0.2, 0.8): -0.1 ln 0.5 + 0.1 ln(9/8)
    [[1, 9], [2, 8], -0.1 * Math.log(0.5) + 0.1 * Math.log(9 / 8)],
  ])('%p vs %p -> %d', (r, c, want) => {
    expect(psi(r, c)).toBeCloseTo(want, 12);
  });

  it('replaces an empty bin by the smallest proportion / 1e6 when that is <= 1e-4 (Evidently)', () => {
    // r = (1e-4, 0.9999, 0 -> 1e-10), c = (1e-4, 0.9999 - 1e-4, 1e-4)
    const r = [1, 9999, 0];
    const c = [1, 9998, 1];
    const [r3, c3] = [1e-10, 1e-4];
    const [r2, c2] = [0.9999, 0.9998];
    expect(psi(r, c)).toBeCloseTo(
      (r2 - c2) * Math.log(r2 / c2) + (r3 - c3) * Math.log(r3 / c3),
      12,
    );
  });

  it.each([
    [[1, 2], [1], /refCounts and curCounts must have the same length/],
    [[0, 0], [1, 1], /refCounts must have a positive total/],
    [[1, 2], [1, -2], /curCounts\[1\] must not be negative/],
  ])('rejects %p vs %p', (r, c, message) => {
    expect(() => psi(r, c)).toThrow(message);
  });
});

describe('referenceQuantileEdges and binCounts', () => {
  const sample = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('cuts the reference into bins of equal counts', () => {
    // linear interpolation between order statistics: 1 + 0.2·9 = 2.8, ...
    const edges = referenceQuantileEdges(sample, 5);
    [2.8, 4.6, 6.4, 8.2].forEach((want, i) => {
      expect(edges[i]).toBeCloseTo(want, 12);
    });
    expect(binCounts(sample, edges)).toEqual([2, 2, 2, 2, 2]);
  });

  it('drops duplicate edges of a tied reference', () => {
    // quantiles 1, 1, 1, 1.2 (at 0.8: x[7] + 0.2·(x[8] - x[7]))
    const edges = referenceQuantileEdges([1, 1, 1, 1, 1, 1, 1, 1, 2, 3], 5);
    expect(edges).toHaveLength(2);
    expect(edges[0]).toBe(1);
    expect(edges[1]).toBeCloseTo(1.2, 12);
  });

  it('puts a value on an edge into the upper bin, and values beyond into the end bins', () => {
    expect(binCounts([-100, 2.5, 2.4, 100], [2.5, 4.5])).toEqual([2, 1, 1]);
  });

  it('rejects an empty sample and fewer than 2 bins', () => {
    expect(() => referenceQuantileEdges([], 5)).toThrow(/sample must not be empty/);
    expect(() => referenceQuantileEdges(sample, 1)).toThrow(/bins must be an integer >= 2/);
  });
});
