// The rollup histogram keys of migrations/0003_requests_1m.sql and 0004_evaluations_1m.sql, in
// TypeScript, so SLO code turns a threshold into the key that the SQL computed for each value.

/**
 * Returns the bucket key of a duration in milliseconds: the duration in whole microseconds,
 * rounded up to two significant digits (800 ms -> 800000, 801 ms -> 810000, 0 -> 0).
 */
export function durationBucketKey(ms: number): number {
  const us = Math.ceil(roundTo(Math.max(ms, 0) * 1000, 3));
  const step = 10 ** Math.max(String(us).length - 2, 0);
  return Math.ceil(us / step) * step;
}

/** Decides whether a threshold in ms is a bucket bound, i.e. answered exactly from the rollup. */
export function isExactDurationThreshold(ms: number): boolean {
  return durationBucketKey(ms) === Math.round(ms * 1000);
}

/** Returns the bucket key of a score: the score rounded to 0.001, times 1000. */
export function scoreBucketKey(value: number): number {
  return Math.round(value * 1000);
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
