// SLO windows: rolling N days (30 by default; 28 and 7 are common) and the calendar month in UTC.
// Pure: `now` is passed in.
//
// A window is [start, end) at minute granularity with end = now floored to the minute: only whole
// rollup minutes count, the one still filling does not. A rolling window starts N days before
// end; a calendar-month window starts at 00:00 UTC on the first of the month that holds end, so
// at the first minute of a month it is empty (the budget starts afresh).
import { MINUTE_MS, type MinuteRange } from './tally';

export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** How long an SLO looks back; spec.ts's SloWindow is one of these. */
export type EvaluationWindow =
  | { kind: 'rolling'; days: number }
  | { kind: 'calendar'; unit: 'month' };

/** The window an SLO gets when its spec names none: rolling 30 days. */
export const DEFAULT_SLO_WINDOW: EvaluationWindow = { kind: 'rolling', days: 30 };

/** The period the SRE Workbook's alert windows are written for: 30 days. */
export const REFERENCE_PERIOD_MS = 30 * DAY_MS;

/** Returns `ms` floored to the minute. */
export function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** Returns the SLO window [start, end) as of `nowMs`, end being now floored to the minute. */
export function sloWindowRange(window: EvaluationWindow, nowMs: number): MinuteRange {
  const toMs = floorMinute(nowMs);
  if (window.kind === 'calendar') {
    return { fromMs: calendarMonthRange(toMs).fromMs, toMs };
  }
  return { fromMs: toMs - rollingDays(window) * DAY_MS, toMs };
}

/**
 * Returns the whole period the window belongs to as of `nowMs`: the rolling window itself, or the
 * full calendar month (28-31 days) that holds the window's end. Timeslice budgets are sized on it.
 */
export function sloPeriodRange(window: EvaluationWindow, nowMs: number): MinuteRange {
  if (window.kind === 'calendar') return calendarMonthRange(floorMinute(nowMs));
  return sloWindowRange(window, nowMs);
}

/** Returns the UTC calendar month [first 00:00, next first 00:00) that holds `ms`. */
export function calendarMonthRange(ms: number): MinuteRange {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return { fromMs: Date.UTC(y, m, 1), toMs: Date.UTC(y, m + 1, 1) };
}

/**
 * Returns the factor by which the 30-day alert windows are scaled for this SLO window: days / 30
 * for a rolling window; 1 for the calendar month, whose length (28-31 days) should not move the
 * alert windows from month to month.
 */
export function alertWindowScale(window: EvaluationWindow): number {
  if (window.kind === 'calendar') return 1;
  return (rollingDays(window) * DAY_MS) / REFERENCE_PERIOD_MS;
}

/** Returns the label of a window length: 5m, 1h, 1d, 3d, 5h36m, 2d19h12m. */
export function windowLabel(ms: number): string {
  if (!(Number.isInteger(ms) && ms > 0 && ms % MINUTE_MS === 0))
    throw new RangeError(`a window is a positive whole number of minutes, got ${ms} ms`);
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  const minutes = (ms % HOUR_MS) / MINUTE_MS;
  return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}`;
}

function rollingDays(window: { days: number }): number {
  if (!(Number.isInteger(window.days) && window.days > 0))
    throw new RangeError(
      `a rolling SLO window is a positive whole number of days, got ${window.days}`,
    );
  return window.days;
}
