// Which windows a periodic job owes: pure, `now` passed in. A job runs once per window of
// `periodMs`, aligned to the epoch, and only for windows that have ended. After downtime it
// catches up in order, bounded: only the most recent `maxCatchUp` missed windows are run, the
// older ones are reported as skipped (a day-long outage must not delay today's alerts by hours).

/** One evaluation window [startMs, endMs) in epoch ms. */
export interface JobWindow {
  startMs: number;
  endMs: number;
}

/** The windows to run now, oldest first, and how many older missed windows were dropped. */
export interface DueWindows {
  windows: JobWindow[];
  skipped: number;
}

/** Returns the end of the last whole window of `periodMs` at `nowMs`. */
export function lastWindowEnd(nowMs: number, periodMs: number): number {
  return Math.floor(nowMs / periodMs) * periodMs;
}

/**
 * Returns the windows a job owes at `nowMs`: after `lastDoneEndMs` (the end of its newest
 * succeeded window) up to the last whole window, at most `maxCatchUp` of them (the newest);
 * a job that never ran owes only the last whole window.
 */
export function dueWindows(
  lastDoneEndMs: number | undefined,
  nowMs: number,
  periodMs: number,
  maxCatchUp: number,
): DueWindows {
  const end = lastWindowEnd(nowMs, periodMs);
  const owed =
    lastDoneEndMs === undefined
      ? 1
      : Math.max(0, (end - lastWindowEnd(lastDoneEndMs, periodMs)) / periodMs);
  const run = Math.min(owed, Math.max(maxCatchUp, 1));
  const windows: JobWindow[] = [];
  for (let k = run; k >= 1; k--) {
    windows.push({ startMs: end - k * periodMs, endMs: end - (k - 1) * periodMs });
  }
  return { windows, skipped: owed - run };
}
