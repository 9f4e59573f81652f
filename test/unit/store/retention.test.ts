import { ttlDays } from '../../../src/store/retention';

describe('ttlDays', () => {
  it.each([
    [
      'CREATE TABLE t (ts DateTime) ENGINE = MergeTree ORDER BY ts TTL toDateTime(ts) + toIntervalDay(30) SETTINGS x = 1',
      30,
    ],
    [
      "CREATE TABLE t (ts DateTime) ENGINE = MergeTree ORDER BY ts TTL toDateTime(ts) + toIntervalDay(_CAST(7, 'UInt32'))",
      7,
    ],
    [
      'CREATE TABLE t (minute DateTime) ENGINE = AggregatingMergeTree ORDER BY minute TTL minute + INTERVAL 395 DAY',
      395,
    ],
    ['CREATE TABLE t (x UInt8) ENGINE = MergeTree ORDER BY x', undefined],
  ])('reads %s', (sql, days) => {
    expect(ttlDays(sql)).toBe(days);
  });
});
