// Time windows of the read API: `from`/`to` as ISO-8601 or epoch milliseconds, and their
// alignment to the minute rollups. Pure: `now` is passed in.
//
// Alignment rule: a window [from, to) covers the rollup minutes whose START lies in [from, to).
// Aligned windows are therefore exact; an unaligned `from` drops its partial first minute and an
// unaligned `to` keeps its partial last minute (whose data then runs up to the next minute). The
// window answered is [ceilMinute(from), ceilMinute(to)), and that is what responses report.
import { z } from 'zod';

/** One minute in milliseconds: the rollup grain. */
export const MINUTE_MS = 60_000;
/** The window used when `from` is missing: one hour before `to`. */
export const DEFAULT_SPAN_MS = 3_600_000;

// 0001-01-01 .. 9999-12-31: outside this a Date is not a time a caller means.
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

const EPOCH_MS = /^-?\d{1,16}$/;
const isoDateTime = z.iso.datetime({ offset: true });

/** Returns the epoch milliseconds of an ISO-8601 date-time (with Z or an offset) or of epoch-ms digits, or an error text. */
export function parseTime(text: string): { ms: number } | { error: string } {
  const expected =
    'expected an ISO-8601 time with a zone (2026-01-31T12:00:00Z) or epoch milliseconds';
  let ms: number;
  if (EPOCH_MS.test(text)) ms = Number(text);
  else if (isoDateTime.safeParse(text).success) ms = Date.parse(text);
  else return { error: `${expected}, got ${JSON.stringify(text)}` };
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS)
    return { error: `${expected} between years 1 and 9999, got ${JSON.stringify(text)}` };
  return { ms };
}

/** Returns a zod schema for one time query parameter: a single string turned into epoch ms. */
export function timeParam() {
  return z
    .string({ error: 'expected a single value' })
    .transform((text, ctx) => {
      const parsed = parseTime(text);
      if ('ms' in parsed) return parsed.ms;
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    })
    .optional();
}

/** A requested window in epoch ms, not yet aligned; from < to. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/**
 * Returns the window a request asks for: `to` defaults to now, `from` to one hour before `to`;
 * or an error text naming the parameter when from is not before to.
 */
export function resolveRange(
  query: { from?: number | undefined; to?: number | undefined },
  nowMs: number,
): TimeRange | { error: string } {
  const toMs = query.to ?? nowMs;
  const fromMs = query.from ?? toMs - DEFAULT_SPAN_MS;
  if (fromMs >= toMs) {
    const what = query.to === undefined ? 'now (the default to)' : 'to';
    return {
      error: `from must be before ${what}: from=${iso(fromMs)}, to=${iso(toMs)}`,
    };
  }
  return { fromMs, toMs };
}

/** Returns the first minute boundary at or after `ms`. */
export function ceilMinute(ms: number): number {
  return Math.ceil(ms / MINUTE_MS) * MINUTE_MS;
}

// Rollup minutes are DateTime (unsigned 32-bit seconds): nothing is stored outside this span.
const STORED_MIN_MS = 0;
const STORED_MAX_MS = 4_294_967_280_000; // the last whole minute before 2106-02-07T06:28:16Z

/**
 * Returns the minute-aligned window answered for a range: the minutes whose start is in
 * [from, to), clipped to the times a rollup can hold (1970 to 2106) — outside them is no data.
 */
export function alignToMinutes(range: TimeRange): TimeRange {
  const clip = (ms: number) => Math.min(Math.max(ms, STORED_MIN_MS), STORED_MAX_MS);
  return { fromMs: clip(ceilMinute(range.fromMs)), toMs: clip(ceilMinute(range.toMs)) };
}

/**
 * Returns the seconds over which requests in [fromMs, toMs) could have arrived by `nowMs` (the
 * divisor of throughput), or null when that span is empty.
 */
export function elapsedSeconds(fromMs: number, toMs: number, nowMs: number): number | null {
  const end = Math.min(toMs, nowMs);
  return end > fromMs ? (end - fromMs) / 1000 : null;
}

/** Returns the ISO-8601 text of epoch milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
