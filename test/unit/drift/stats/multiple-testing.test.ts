import { benjaminiHochberg } from '../../../../src/drift/stats/multiple-testing';
import ref from '../../../fixtures/drift/scipy-reference.json';

describe('benjaminiHochberg agrees with scipy false_discovery_control(method="bh")', () => {
  it.each(ref.benjaminiHochberg)('$p', ({ p, adjusted }) => {
    const got = benjaminiHochberg(p);
    got.forEach((value, i) => {
      expect(Math.abs(value - (adjusted[i] as number))).toBeLessThanOrEqual(1e-12);
    });
  });

  it('works a small case by hand', () => {
    // sorted 0.01, 0.03, 0.04, 0.2 -> ×4/1, ×4/2, ×4/3, ×4/4 = 0.04, 0.06, 0.0533, 0.2
    // running minimum from the top: 0.04, 0.0533, 0.0533, 0.2 (back in input order below)
    const got = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    [0.04, 0.16 / 3, 0.16 / 3, 0.2].forEach((want, i) => {
      expect(got[i]).toBeCloseTo(want, 15);
    });
  });

  it.each([
    [[], /pValues must not be empty/],
    [[0.5, 1.5], /pValues\[1\] must lie in \[0, 1\]/],
    [[Number.NaN], /pValues\[0\] must be a finite number/],
  ])('rejects %p', (p, message) => {
    expect(() => benjaminiHochberg(p)).toThrow(message);
  });
});
