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
    [0.8499, 850],
    [1, 1000],
    [0, 0],
    [-0.25, -250],
  ])('score %d -> key %d', (value, key) => {
    expect(scoreBucketKey(value)).toBe(key);
  });
});
