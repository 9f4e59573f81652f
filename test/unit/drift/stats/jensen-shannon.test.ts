import { jensenShannonDistance } from '../../../../src/drift/stats/jensen-shannon';
import ref from '../../../fixtures/drift/scipy-reference.json';

describe('jensenShannonDistance agrees with scipy.spatial.distance.jensenshannon (natural log)', () => {
  it.each(ref.jensenShannon)('$name', ({ p, q, distance }) => {
    expect(Math.abs(jensenShannonDistance(p, q) - distance)).toBeLessThanOrEqual(1e-9);
  });
});

describe('jensenShannonDistance worked by hand', () => {
  // m = (p + q)/2; JS = ½ Σ p ln(p/m) + ½ Σ q ln(q/m); distance = √JS.
  it.each([
    // identical: every ln(p/m) = 0
    [[1, 2, 3], [1, 2, 3], 0],
    // disjoint: m = (½, ½), JS = ½(ln 2 + ln 2) = ln 2, the maximum
    [[1, 0], [0, 1], Math.sqrt(Math.LN2)],
    // p = (½, ½), q = (¾, ¼), m = (⅝, ⅜)
    [
      [1, 1],
      [3, 1],
      Math.sqrt(
        (0.5 * Math.log(0.5 / 0.625) +
          0.5 * Math.log(0.5 / 0.375) +
          0.75 * Math.log(0.75 / 0.625) +
          0.25 * Math.log(0.25 / 0.375)) /
          2,
      ),
    ],
    // counts and proportions give the same distance
    [[10, 30], [0.25, 0.75], 0],
  ])('%p vs %p -> %d', (p, q, want) => {
    expect(jensenShannonDistance(p, q)).toBeCloseTo(want, 12);
  });

  it.each([
    [[1, 2], [1], /p and q must have the same length/],
    [[0, 0], [1, 1], /p must have a positive total/],
    [[1, -1], [1, 1], /p\[1\] must not be negative/],
    [[], [], /p must not be empty/],
  ])('rejects %p vs %p', (p, q, message) => {
    expect(() => jensenShannonDistance(p, q)).toThrow(message);
  });
});
