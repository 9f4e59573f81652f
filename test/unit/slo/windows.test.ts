import {
  alertWindowScale,
  type EvaluationWindow,
  sloPeriodRange,
  sloWindowRange,
  windowLabel,
} from '../../../src/slo/windows';

const MIN = 60_000;
const DAY = 86_400_000;
const ms = (iso: string) => Date.parse(iso);
const rolling = (days: number): EvaluationWindow => ({ kind: 'rolling', days });
const month: EvaluationWindow = { kind: 'calendar', unit: 'month' };

describe('sloWindowRange: [start, now floored to the minute)', () => {
  it.each([
    [rolling(30), '2026-03-15T12:34:56Z', '2026-02-13T12:34:00Z', '2026-03-15T12:34:00Z'],
    [rolling(28), '2026-03-15T12:34:56Z', '2026-02-15T12:34:00Z', '2026-03-15T12:34:00Z'],
    [rolling(7), '2026-03-15T00:00:00Z', '2026-03-08T00:00:00Z', '2026-03-15T00:00:00Z'],
    // calendar month (UTC): from the first of the month holding the window's end
    [month, '2026-02-15T12:00:30Z', '2026-02-01T00:00:00Z', '2026-02-15T12:00:00Z'],
    [month, '2026-02-28T23:59:59.999Z', '2026-02-01T00:00:00Z', '2026-02-28T23:59:00Z'],
    [month, '2028-02-29T23:59:30Z', '2028-02-01T00:00:00Z', '2028-02-29T23:59:00Z'],
    [month, '2026-03-31T23:59:59Z', '2026-03-01T00:00:00Z', '2026-03-31T23:59:00Z'],
    [month, '2026-12-31T23:59:00Z', '2026-12-01T00:00:00Z', '2026-12-31T23:59:00Z'],
    // the first minute of a month: the window is empty, the budget starts afresh
    [month, '2026-03-01T00:00:30Z', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z'],
  ])('%o at %s -> [%s, %s)', (window, now, from, to) => {
    expect(sloWindowRange(window, ms(now))).toEqual({ fromMs: ms(from), toMs: ms(to) });
  });

  it.each([0, -7, 1.5])('refuses a rolling window of %d days', (days) => {
    expect(() => sloWindowRange(rolling(days), 0)).toThrow(/whole number of days/);
  });
});

describe('sloPeriodRange: the whole period, a calendar month being 28-31 days', () => {
  it.each([
    [month, '2026-02-15T12:00:00Z', 28],
    [month, '2028-02-15T12:00:00Z', 29],
    [month, '2026-04-30T23:59:00Z', 30],
    [month, '2026-03-31T23:59:59Z', 31],
    [month, '2026-12-31T23:59:00Z', 31],
    [rolling(30), '2026-02-15T12:00:00Z', 30],
    [rolling(7), '2026-02-15T12:00:00Z', 7],
  ])('%o at %s -> %d days', (window, now, days) => {
    const p = sloPeriodRange(window, ms(now));
    expect(p.toMs - p.fromMs).toBe(days * DAY);
  });
});

describe('alertWindowScale: period / 30 d, the calendar month counted as 30 d', () => {
  it.each([
    [rolling(30), 1],
    [rolling(28), 28 / 30],
    [rolling(7), 7 / 30],
    [month, 1],
  ])('%o -> %d', (window, scale) => {
    expect(alertWindowScale(window)).toBeCloseTo(scale, 12);
  });
});

describe('windowLabel', () => {
  it.each([
    [1, '1m'],
    [5, '5m'],
    [60, '1h'],
    [56, '56m'],
    [336, '5h36m'],
    [1440, '1d'],
    [4320, '3d'],
    [4032, '2d19h12m'],
    [1441, '1d1m'],
  ])('%d minutes -> %s', (minutes, label) => {
    expect(windowLabel(minutes * MIN)).toBe(label);
  });

  it.each([0, 30_000, -MIN])('refuses %d ms', (len) => {
    expect(() => windowLabel(len)).toThrow(RangeError);
  });
});
