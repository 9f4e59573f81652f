// Item validation shared by spans, log records and data points: the accepted time window, id
// lengths, and number formatting for reasons. Each check returns a reason, or undefined.
import type { Bytes } from '../otlp';

const NANOS_PER_MS = 1_000_000n;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The timestamps accepted: from now − retention to now + 1 h, in unix nanoseconds. */
export interface TimeWindow {
  oldest: bigint;
  newest: bigint;
  nowNanos: bigint;
  retentionDays: number;
}

/** Returns the accepted time window at `now` for a retention of `retentionDays`. */
export function timeWindow(now: Date, retentionDays: number): TimeWindow {
  const nowMs = now.getTime();
  return {
    oldest: BigInt(Math.floor(nowMs - retentionDays * DAY_MS)) * NANOS_PER_MS,
    newest: BigInt(Math.ceil(nowMs + HOUR_MS)) * NANOS_PER_MS,
    nowNanos: BigInt(nowMs) * NANOS_PER_MS,
    retentionDays,
  };
}

/** Returns why a time (unix ns) is refused — missing, over 1 h ahead, older than retention. */
export function checkTime(nanos: bigint, what: string, window: TimeWindow): string | undefined {
  if (nanos === 0n) return `${what} missing`;
  if (nanos > window.newest) return `${what} more than 1 h in the future`;
  if (nanos < window.oldest) return `${what} older than retention (${window.retentionDays} d)`;
  return undefined;
}

/** Returns why an id is refused: not `size` bytes long (empty allowed when `optional`). */
export function checkId(
  id: Bytes,
  size: number,
  what: string,
  optional: boolean,
): string | undefined {
  if (id.length === size || (optional && id.length === 0)) return undefined;
  return `${what} must be ${size} bytes${optional ? ' or empty' : ''}`;
}

/** Returns the ISO-8601 text of a unix-nanosecond time for examples in reasons (none for 0). */
export function isoTime(nanos: bigint): string | undefined {
  if (nanos === 0n) return undefined;
  const date = new Date(Number(nanos / NANOS_PER_MS));
  return Number.isNaN(date.getTime()) ? `${nanos} ns` : date.toISOString();
}

/** Returns a unix-nanosecond duration in milliseconds (exact to the nanosecond when < 104 days). */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos) / 1e6;
}
