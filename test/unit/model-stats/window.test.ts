import {
  alignToMinutes,
  ceilMinute,
  elapsedSeconds,
  parseTime,
  resolveRange,
} from '../../../src/model-stats/window';

const T = Date.parse('2026-03-01T12:00:00Z');

describe('parseTime', () => {
  it.each([
    ['2026-03-01T12:00:00Z', T],
    ['2026-03-01T12:00:00.250Z', T + 250],
    ['2026-03-01T14:00:00+02:00', T],
    [String(T), T],
    ['0', 0],
  ])('%s -> %d', (text, ms) => {
    expect(parseTime(text)).toEqual({ ms });
  });

  it.each([
    '2026-03-01T12:00:00',
    '2026-03-01',
    'yesterday',
    '',
    '1.5',
    '12e3',
    '99999999999999999',
  ])('refuses %j, saying what it expects', (text) => {
    const result = parseTime(text);
    expect(result).toEqual({
      error: expect.stringMatching(/^expected an ISO-8601 time with a zone/),
    });
  });
});

describe('resolveRange', () => {
  it.each([
    [{}, { fromMs: T - 3_600_000, toMs: T }],
    [{ to: T - 1000 }, { fromMs: T - 3_601_000, toMs: T - 1000 }],
    [{ from: T - 60_000 }, { fromMs: T - 60_000, toMs: T }],
    [
      { from: 5, to: 6 },
      { fromMs: 5, toMs: 6 },
    ],
  ])('%j at now -> %j', (query, range) => {
    expect(resolveRange(query, T)).toEqual(range);
  });

  it.each([
    [{ from: T, to: T }, /^from must be before to: /],
    [{ from: T + 1 }, /^from must be before now \(the default to\)/],
  ])('%j is refused', (query, message) => {
    const result = resolveRange(query, T);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('minute alignment: the minutes whose start lies in [from, to)', () => {
  it.each([
    [T, T + 600_000, T, T + 600_000],
    [T + 1, T + 600_000, T + 60_000, T + 600_000],
    [T - 1, T + 1, T, T + 60_000],
    [T + 10_000, T + 20_000, T + 60_000, T + 60_000],
  ])('[%d, %d) -> [%d, %d)', (fromMs, toMs, alignedFrom, alignedTo) => {
    expect(alignToMinutes({ fromMs, toMs })).toEqual({ fromMs: alignedFrom, toMs: alignedTo });
  });

  it('ceilMinute keeps boundaries', () => {
    expect(ceilMinute(T)).toBe(T);
    expect(ceilMinute(T + 1)).toBe(T + 60_000);
  });
});

describe('elapsedSeconds: the divisor of throughput', () => {
  it.each([
    [T, T + 60_000, T + 120_000, 60],
    [T, T + 60_000, T + 30_000, 30],
    [T, T + 60_000, T, null],
    [T, T, T + 1, null],
  ])('[%d, %d) at %d -> %p', (fromMs, toMs, nowMs, seconds) => {
    expect(elapsedSeconds(fromMs, toMs, nowMs)).toBe(seconds);
  });
});

describe('alignToMinutes at the edges of what the rollups can hold', () => {
  it.each([
    ['before 1970', -3_600_000, 120_000, 0, 120_000],
    [
      'after 2106',
      4_294_967_280_000 - 60_000,
      5_000_000_000_000,
      4_294_967_220_000,
      4_294_967_280_000,
    ],
    ['entirely before 1970', -7_200_000, -3_600_000, 0, 0],
  ])('clips a window %s', (_name, fromMs, toMs, alignedFrom, alignedTo) => {
    expect(alignToMinutes({ fromMs, toMs })).toEqual({ fromMs: alignedFrom, toMs: alignedTo });
  });
});
