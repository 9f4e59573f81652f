import {
  durationBucketKey,
  isExactDurationThreshold,
  scoreBucketKey,
} from '../../../src/store/rollup-buckets';

describe('rollup bucket keys', () => {
  it.each([
    [0, 0],
    [-5, 0],
    [0.0001, 1],
    [0.8, 800],
    [0.81, 810],
    [12.34, 13000],
    [800, 800000],
    [800.0001, 810000],
    [801, 810000],
    [999, 1000000],
    [1000, 1000000],
    [1001, 1100000],
    [1200.5, 1300000],
    // A tie at the 0.001 µs rounding goes to even (0.0005 µs -> 0), as ClickHouse's round() does.
    [0.0000005, 0],
  ])('duration %d ms -> key %d µs', (ms, key) => {
    expect(durationBucketKey(ms)).toBe(key);
  });

  it.each([
    [800, true],
    [250, true],
    [1500, true],
    [1250, false],
    [0.8, true],
  ])('threshold %d ms is exact: %s', (ms, exact) => {
    expect(isExactDurationThreshold(ms)).toBe(exact);
  });

  it.each([
    [0.85, 850],
    // Rounded down, so a score just under a threshold never counts as meeting it.
    [0.8499, 849],
    [0.8501, 850],
    [1, 1000],
    [0, 0],
    [-0.25, -250],
    [0.0625, 62],
    [-0.0625, -63],
    [-0.0005, -1],
    // Float error: 1.005 * 1000 = 1004.9999999999999 still files 1.005 under 1005.
    [1.005, 1005],
    [0.29, 290],
  ])('score %d -> key %d', (value, key) => {
    expect(scoreBucketKey(value)).toBe(key);
  });
});
