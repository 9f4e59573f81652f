import { kolmogorovSf } from '../../../../src/drift/stats/kolmogorov-n';
import ref from '../../../fixtures/drift/scipy-reference.json';

// scipy.stats.kstwo.sf(x, n) on a grid reaching every branch of scipy's `_kolmogn`: Ruben–Gambino
// (n·x <= 1, n·x >= n - 1), Durbin matrix, Pomeranz, Pelz–Good and 2·smirnov, n from 1 to 150000.
describe('kolmogorovSf agrees with scipy kstwo.sf within 1e-9', () => {
  it.each(ref.kstwo)('n $n, x $x -> $sf', ({ n, x, sf }) => {
    expect(Math.abs(kolmogorovSf(n, x) - sf)).toBeLessThanOrEqual(1e-9);
  });
});

describe('kolmogorovSf edges', () => {
  it.each([
    [10, 0, 1],
    [10, 1, 0],
    [10, 0.04, 1], // below the support 1/(2n)
  ])('n %d, x %d -> %d', (n, x, sf) => {
    expect(kolmogorovSf(n, x)).toBe(sf);
  });

  it.each([0, -1, 2.5])('is NaN for n = %d, as scipy', (n) => {
    expect(kolmogorovSf(n, 0.3)).toBeNaN();
  });
});
