// The input of SLO evaluation — per-minute good/total counts (occurrences) or per-slice verdicts
// (timeslices) of one SLO × model — turned into dense prefix sums over a minute grid, so that any
// window's sums cost O(1) after one O(n) pass. Pure: no I/O. Written here rather than taken from
// a library because it is two Float64Arrays and a subtraction.

/** One minute in milliseconds: the rollup grain. */
export const MINUTE_MS = 60_000;

/** Good and total events of one rollup minute (occurrences); several rows of one minute add up. */
export interface MinuteCounts {
  minuteMs: number;
  good: number;
  total: number;
}

/**
 * The verdict of one time slice starting at `minuteMs` (timeslices); an absent slice is no data.
 * `events` is what the slice judged (requests, scores) for the minimum-events guard; 1 if absent.
 */
export interface SliceVerdict {
  minuteMs: number;
  good: boolean;
  events?: number;
}

/** A minute-aligned span of time [fromMs, toMs). */
export interface MinuteRange {
  fromMs: number;
  toMs: number;
}

/**
 * Good and total over a window — events (occurrences) or slices with a verdict (timeslices) —
 * and the events behind them (= total for occurrences).
 */
export interface WindowCounts {
  good: number;
  total: number;
  events: number;
}

/** Sums of good and total over any minute-aligned window inside `range`, in O(1). */
export interface Tally {
  readonly range: MinuteRange;
  sum(fromMs: number, toMs: number): WindowCounts;
}

/** Returns a tally of per-minute counts over `range`; counts outside it are ignored. */
export function tallyOccurrences(counts: readonly MinuteCounts[], range: MinuteRange): Tally {
  checkRange(range);
  const n = (range.toMs - range.fromMs) / MINUTE_MS;
  const good = new Float64Array(n + 1);
  const total = new Float64Array(n + 1);
  for (const c of counts) {
    checkMinute(c.minuteMs, MINUTE_MS);
    if (!(Number.isFinite(c.total) && c.total >= 0 && c.good >= 0 && c.good <= c.total))
      throw new RangeError(
        `counts at ${iso(c.minuteMs)}: expected 0 <= good <= total, got good=${c.good}, total=${c.total}`,
      );
    if (c.minuteMs < range.fromMs || c.minuteMs >= range.toMs) continue;
    const i = (c.minuteMs - range.fromMs) / MINUTE_MS + 1;
    good[i] = (good[i] as number) + c.good;
    total[i] = (total[i] as number) + c.total;
  }
  return new PrefixTally(range, good, total, total);
}

/**
 * Returns a tally of slice verdicts over `range`: good = good slices, total = slices with a
 * verdict, each counted at its start minute. Slices start on multiples of `sliceMs` since the
 * epoch; two verdicts for one slice are refused.
 */
export function tallySlices(
  slices: readonly SliceVerdict[],
  range: MinuteRange,
  sliceMs: number,
): Tally {
  checkRange(range);
  checkSliceMs(sliceMs);
  const n = (range.toMs - range.fromMs) / MINUTE_MS;
  const good = new Float64Array(n + 1);
  const total = new Float64Array(n + 1);
  const events = new Float64Array(n + 1);
  for (const s of slices) {
    checkMinute(s.minuteMs, sliceMs);
    if (s.minuteMs < range.fromMs || s.minuteMs >= range.toMs) continue;
    const i = (s.minuteMs - range.fromMs) / MINUTE_MS + 1;
    if (total[i] !== 0) throw new RangeError(`two verdicts for the slice at ${iso(s.minuteMs)}`);
    const judged = s.events ?? 1;
    if (!(Number.isFinite(judged) && judged >= 0))
      throw new RangeError(`slice at ${iso(s.minuteMs)}: events must be >= 0, got ${judged}`);
    total[i] = 1;
    good[i] = s.good ? 1 : 0;
    events[i] = judged;
  }
  return new PrefixTally(range, good, total, events);
}

/** Refuses a slice length that is not a positive whole number of minutes. */
export function checkSliceMs(sliceMs: number): void {
  if (!(Number.isInteger(sliceMs) && sliceMs > 0 && sliceMs % MINUTE_MS === 0))
    throw new RangeError(
      `slice length must be a positive whole number of minutes, got ${sliceMs} ms`,
    );
}

class PrefixTally implements Tally {
  constructor(
    readonly range: MinuteRange,
    private readonly good: Float64Array,
    private readonly total: Float64Array,
    private readonly events: Float64Array,
  ) {
    // events may be the very array total is (occurrences): accumulate it once.
    const arrays = events === total ? [good, total] : [good, total, events];
    for (const a of arrays)
      for (let i = 1; i < a.length; i++) a[i] = (a[i] as number) + (a[i - 1] as number);
  }

  sum(fromMs: number, toMs: number): WindowCounts {
    const { range } = this;
    if (fromMs % MINUTE_MS !== 0 || toMs % MINUTE_MS !== 0 || fromMs > toMs)
      throw new RangeError(`window [${iso(fromMs)}, ${iso(toMs)}) is not minute-aligned`);
    if (fromMs < range.fromMs || toMs > range.toMs)
      throw new RangeError(
        `window [${iso(fromMs)}, ${iso(toMs)}) is outside the tally [${iso(range.fromMs)}, ${iso(range.toMs)})`,
      );
    const a = (fromMs - range.fromMs) / MINUTE_MS;
    const b = (toMs - range.fromMs) / MINUTE_MS;
    return {
      good: (this.good[b] as number) - (this.good[a] as number),
      total: (this.total[b] as number) - (this.total[a] as number),
      events: (this.events[b] as number) - (this.events[a] as number),
    };
  }
}

function checkRange(range: MinuteRange): void {
  if (range.fromMs % MINUTE_MS !== 0 || range.toMs % MINUTE_MS !== 0 || range.fromMs > range.toMs)
    throw new RangeError(
      `tally range must be minute-aligned with from <= to, got [${range.fromMs}, ${range.toMs})`,
    );
}

function checkMinute(ms: number, grid: number): void {
  if (!Number.isInteger(ms) || ms % grid !== 0)
    throw new RangeError(`start ${ms} is not on the ${grid / MINUTE_MS}-minute grid`);
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
