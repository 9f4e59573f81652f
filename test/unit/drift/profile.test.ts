import {
  binEdges,
  binOf,
  countsOnBins,
  exactQuantiles,
  QUANTILE_LEVELS,
  sketchCdf,
} from '../../../src/drift/profile';

describe('profile helpers', () => {
  it('exactQuantiles is numpy linear interpolation: [1..5] at 0.25 is 2, at 0.1 is 1.4', () => {
    const q = exactQuantiles([1, 2, 3, 4, 5]);
    expect(q).toHaveLength(QUANTILE_LEVELS.length);
    expect([q[0], q[100], q[250], q[500], q[1000]]).toEqual([1, 1.4, 2, 3, 5]);
  });

  it('binEdges are the deciles without repeats', () => {
    const q = exactQuantiles(Array.from({ length: 101 }, (_, i) => i));
    expect(binEdges(q)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const few = binEdges(exactQuantiles([1, 1, 1, 1, 2]));
    expect(few).toHaveLength(3);
    for (const [i, e] of [1, 1.2, 1.6].entries()) expect(few[i]).toBeCloseTo(e, 12);
  });

  it('binOf counts the edges at or below the value', () => {
    expect([0, 10, 15, 90, 99].map((v) => binOf(v, [10, 20, 90]))).toEqual([0, 1, 1, 3, 3]);
  });

  it('counts are exact from a complete sample', () => {
    expect(countsOnBins([2, 4], 5, [1, 2, 3, 4, 5], [])).toEqual([1, 2, 2]);
  });

  it('counts from a sketch: n times the CDF mass between edges (uniform 0..100: 10 each)', () => {
    const q = QUANTILE_LEVELS.map((l) => l * 100);
    const counts = countsOnBins([10, 20, 30, 40, 50, 60, 70, 80, 90], 1000, [], q);
    for (const c of counts) expect(c).toBeCloseTo(100, 9);
  });

  it.each([
    [-1, 0],
    [0, 0],
    [0.05, 0.0005],
    [25, 0.25],
    [99.95, 0.9995],
    [100, 1],
  ])('sketchCdf of uniform 0..100 at %d is %d', (x, p) => {
    expect(
      sketchCdf(
        QUANTILE_LEVELS.map((l) => l * 100),
        x,
      ),
    ).toBeCloseTo(p, 9);
  });
});
