// When a live run sends each request: at its arrival time in real time, open loop. Pure: the
// caller passes the clock's reading and the requests in flight, and does what the verdict says.

/** A live run's limits: how late a request may still go out, how many may be in flight. */
export interface PacingLimits {
  /** A request more than this late (a stalled process) is skipped, never sent in a burst. */
  maxLateMs: number;
  /** Requests sent and not yet answered; beyond it a request is skipped. */
  maxInFlight: number;
}

/** The default limits: 1 s of lateness, 1,024 requests in flight. */
export const DEFAULT_PACING: PacingLimits = { maxLateMs: 1_000, maxInFlight: 1_024 };

/** What to do with the next request now: wait, send it, or skip it (too late, or too many in flight). */
export type PaceVerdict =
  | { kind: 'wait'; ms: number }
  | { kind: 'send' }
  | { kind: 'late'; lateMs: number }
  | { kind: 'skip' };

/** Returns the verdict on a request due at `dueMs` when the clock reads `nowMs`. */
export function paceVerdict(
  dueMs: number,
  nowMs: number,
  inFlight: number,
  limits: PacingLimits = DEFAULT_PACING,
): PaceVerdict {
  if (nowMs < dueMs) return { kind: 'wait', ms: dueMs - nowMs };
  const lateMs = nowMs - dueMs;
  if (lateMs > limits.maxLateMs) return { kind: 'late', lateMs };
  if (inFlight >= limits.maxInFlight) return { kind: 'skip' };
  return { kind: 'send' };
}
