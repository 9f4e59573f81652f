// Exact two-sided p-value of the two-sample Kolmogorov–Smirnov statistic, ported from scipy's
// ks_2samp (scipy/stats/_stats_py.py `_compute_prob_outside_square`, and
// `_compute_outer_prob_inside_method` from scipy/stats/_stats_pythran.py): the share of lattice
// paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm(m,n) (Hodges 1958; the 1 - p
// recursion of Viehmann 2021). Hand-written: no npm package computes it.

/** Returns P(D_{n,n} >= h/n) for two samples of equal size n, 0 < h <= n. */
export function probOutsideSquare(n: number, h: number): number {
  // P = 2·A0·(1 - A1·(1 - A2·(1 - ...))), each A_k a ratio of binomials, Horner-like.
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/** Returns P(D_{m,n} >= h/lcm(m,n)) for sample sizes m, n with gcd g, 0 < h <= lcm. */
export function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  // A holds a sliding window of one column of the 1 - p lattice counts, rescaled per step.
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const A = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((A[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1] as number;
}
