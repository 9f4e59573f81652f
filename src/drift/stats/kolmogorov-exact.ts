// Exact CDF of the two-sided one-sample Kolmogorov–Smirnov statistic, P(D_n <= d), by the two
// algorithms scipy's kstwo uses for small n·d² (scipy/stats/_ksstats.py): Durbin's matrix in the
// Marsaglia–Tsang–Wang form and Pomeranz's recursion. Intermediate values are rescaled by 2^±128
// and the exponent kept apart, as scipy does. Hand-written: no npm package computes kstwo.

const E128 = 128;
const EP128 = 2 ** E128;
const EM128 = 2 ** -E128;

/** Returns x·2^e without the overflow/underflow of computing 2^e first. */
export function ldexp(x: number, e: number): number {
  let out = x;
  let rest = e;
  while (rest > 1000) {
    out *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    out *= 2 ** -1000;
    rest += 1000;
  }
  return out * 2 ** rest;
}

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

type Matrix = Float64Array[];
const zeros = (m: number): Matrix => Array.from({ length: m }, () => new Float64Array(m));

function matmul(a: Matrix, b: Matrix): Matrix {
  const m = a.length;
  const out = zeros(m);
  for (let i = 0; i < m; i++) {
    const ai = a[i] as Float64Array;
    const oi = out[i] as Float64Array;
    for (let k = 0; k < m; k++) {
      const aik = ai[k] as number;
      if (aik === 0) continue;
      const bk = b[k] as Float64Array;
      for (let j = 0; j < m; j++) oi[j] = (oi[j] as number) + aik * (bk[j] as number);
    }
  }
  return out;
}

const at = (a: Matrix, i: number, j: number): number => (a[i] as Float64Array)[j] as number;

/** Returns P(D_n <= d) by Durbin's matrix algorithm (Marsaglia, Tsang & Wang 2003). */
export function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * fac;
  let H = zeros(m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) (H[r] as Float64Array)[i] = w[r - i + 1] as number;
  }
  for (let r = 0; r < m; r++) (H[r] as Float64Array)[0] = v[r] as number;
  for (let c = 0; c < m; c++) (H[m - 1] as Float64Array)[c] = v[m - 1 - c] as number;

  let power = zeros(m);
  for (let i = 0; i < m; i++) (power[i] as Float64Array)[i] = 1;
  let expnt = 0;
  let hExpnt = 0;
  for (let nn = n; nn > 0; nn = Math.floor(nn / 2)) {
    if (nn % 2 === 1) {
      power = matmul(power, H);
      expnt += hExpnt;
    }
    H = matmul(H, H);
    hExpnt *= 2;
    if (Math.abs(at(H, k - 1, k - 1)) > EP128) {
      for (const row of H) for (let j = 0; j < m; j++) row[j] = (row[j] as number) / EP128;
      hExpnt += E128;
    }
  }
  let p = at(power, k - 1, k - 1);
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  return clip01(expnt === 0 ? p : ldexp(p, expnt));
}

function pomeranzBounds(i: number, n: number, ll: number, ceilf: number, roundf: number) {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return { j1: Math.max(j1 + 2, 0), j2: Math.min(j2, n) };
}

/** Returns P(D_n <= x) by Pomeranz's recursion (Pomeranz 1974). */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = ((gpower[m - 1] as number) * (g / n)) / m;
    twogpower[m] = ((twogpower[m - 1] as number) * ((2 * g) / n)) / m;
    onem2gpower[m] = ((onem2gpower[m - 1] as number) * ((1 - 2 * g) / n)) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let { j1, j2 } = pomeranzBounds(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    ({ j1, j2 } = pomeranzBounds(i, n, ll, ceilf, roundf));
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 === 1 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 <= 0) continue;
    const a = V0.subarray(k1 - V0s, k1 - V0s + ln2);
    const lb = Math.min(ln2, npwrs);
    const convStart = j1 - k1;
    const convLen = j2 - j1 + 1;
    let max = 0;
    for (let o = 0; o < convLen; o++) {
      const idx = convStart + o; // entry of the full convolution of a and pwrs[0, ln2)
      let s = 0;
      for (let q = Math.max(0, idx - lb + 1); q <= Math.min(idx, a.length - 1); q++) {
        s += (a[q] as number) * (pwrs[idx - q] as number);
      }
      V1[o] = s;
      max = Math.max(max, s);
    }
    if (max > 0 && max < EM128) {
      for (let o = 0; o < convLen; o++) V1[o] = (V1[o] as number) * EP128;
      expnt -= E128;
    }
    V1s = V0s + j1 - k1;
  }
  let ans = V1[n - V1s] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  return clip01(expnt === 0 ? ans : ldexp(ans, expnt));
}
