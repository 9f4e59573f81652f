// Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic, P(D_n >= x), as
// scipy.stats.kstwo.sf(x, n) computes it: Simard & L'Ecuyer's (2011) choice of method by n and
// n·x², ported branch for branch from scipy/stats/_ksstats.py (`_kolmogn`). ks_2samp's 'asymp'
// mode uses it with n = round(n1·n2/(n1+n2)). Hand-written: no npm package offers it.
import { pelzGoodCdf, smirnovSf } from './kolmogorov-approx';
import { durbinMatrixCdf, pomeranzCdf } from './kolmogorov-exact';

const LOG_2PI = Math.log(2 * Math.PI);
// Stirling coefficients B_2j / (2j) / (2j - 1) for j = 8..1 (highest power first).
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

/** Returns P(D_n >= x) for the two-sided one-sample KS statistic (scipy kstwo.sf); NaN unless n is a positive integer. */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: 1/(2n) <= x <= 1/n
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= (i / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n); // Ruben–Gambino
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x)); // exact: the one-sided tails cannot meet
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - durbinMatrixCdf(n, x));
    if (nxSquared <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x)); // Miller's approximation
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}
