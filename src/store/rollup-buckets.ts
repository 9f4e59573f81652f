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

/**
 * Returns the bucket key of a score: the score rounded down to 0.001, times 1000, so that
 * key >= T * 1000 exactly when score >= T for a three-decimal T. The 1e-6 absorbs float error
 * (1.005 * 1000 = 1004.999...) and is the same float expression as the SQL's.
 */
export function scoreBucketKey(value: number): number {
  return Math.floor(value * 1000 + 0.000001) + 0; // + 0: -0 -> 0
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return roundHalfEven(value * f) / f;
}

// ClickHouse's round() on Float64 breaks ties to even (0.0625 * 1000 = 62.5 -> 62); Math.round
// breaks them upwards (63), which would file such values under another key than the SQL did.
function roundHalfEven(value: number): number {
  const nearest = value - Math.floor(value) === 0.5 ? 2 * Math.round(value / 2) : Math.round(value);
  return nearest + 0; // -0 -> 0, as the SQL's integer keys have no negative zero
}
