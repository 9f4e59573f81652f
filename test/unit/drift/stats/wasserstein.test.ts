import {
  normedWasserstein,
  quantileSketch,
  wasserstein1,
  wassersteinFromQuantiles,
} from '../../../../src/drift/stats/wasserstein';
import ref from '../../../fixtures/drift/scipy-reference.json';

describe('wasserstein1 and normedWasserstein agree with scipy (and Evidently norm)', () => {
  it.each(ref.wasserstein)('$name', ({ a, b, distance, normed }) => {
    expect(Math.abs(wasserstein1(a, b) - distance)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(normedWasserstein(a, b) - normed)).toBeLessThanOrEqual(
      1e-9 * Math.max(1, normed),
    );
  });
});

describe('wasserstein1 worked by hand: ∫ |F_a - F_b| dx', () => {
  it.each([
    [[0, 1, 3], [5, 6, 8], 5], // b is a shifted by 5
    [[3.5], [-1.25], 4.75],
    // F_a = 0.4 on [1, 2); then F_a = 1 and F_b = ⅔ on [2, 3): 0.4·1 + ⅓·1
    [[1, 1, 2, 2, 2], [2, 2, 3], 0.4 + 1 / 3],
    [[2, 1], [1, 2], 0],
  ])('%p vs %p -> %d', (a, b, want) => {
    expect(wasserstein1(a, b)).toBeCloseTo(want, 12);
  });

  it('normalises by the population std of the reference, floored at 0.001', () => {
    // ref [0, 2]: std 1, W1([0, 2], [1, 3]) = 1
    expect(normedWasserstein([0, 2], [1, 3])).toBeCloseTo(1, 12);
    // constant ref: W1([2, 2], [2, 3, 4]) = ⅔·1 + ⅓·1 = 1, divided by 0.001
    expect(normedWasserstein([2, 2], [2, 3, 4])).toBeCloseTo(1000, 9);
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => wasserstein1([], [1])).toThrow(/a must not be empty/);
    expect(() => wasserstein1([1], [Number.NaN])).toThrow(/b\[0\] must be a finite number/);
  });
});

describe('wassersteinFromQuantiles', () => {
  it.each([
    [[0, 1, 2], [1, 2, 3], 1], // shifted sketches: exact
    [[0, 2], [1, 1], 0.5], // ∫₀¹ |2t - 1| dt: the sketches cross at t = ½
    [[0, 1, 5], [0, 1, 5], 0],
  ])('%p vs %p -> %d', (qa, qb, want) => {
    expect(wassersteinFromQuantiles(qa, qb)).toBeCloseTo(want, 12);
  });

  it('approximates W1 of the samples from 101-point sketches within 0.5 %', () => {
    const large = ref.wasserstein.find((c) => c.name.startsWith('large'));
    if (!large) throw new Error('fixture case "large" missing');
    const approx = wassersteinFromQuantiles(
      quantileSketch(large.a, 101),
      quantileSketch(large.b, 101),
    );
    expect(Math.abs(approx - large.distance) / large.distance).toBeLessThan(0.005);
  });

  it('rejects sketches of different lengths or with fewer than 2 points', () => {
    expect(() => wassersteinFromQuantiles([1, 2], [1])).toThrow(
      /qa and qb must have the same length/,
    );
    expect(() => wassersteinFromQuantiles([1], [1])).toThrow(/at least 2 quantiles/);
  });
});
