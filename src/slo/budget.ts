// SLI and error budget over an SLO window. Pure.
//
//   SLI = good / total
//   occurrences: budget = (1 - objective) x total events in the window
//   timeslices:  budget = (1 - objective) x slices in the whole period (30 d of 1-minute slices
//                = 43,200; a calendar month counts all its slices, elapsed or not), so a 99.9 %
//                monthly SLO allows 43.2 bad minutes whatever the traffic
//   consumed = bad / budget; remaining_fraction = 1 - consumed (negative once overspent)
import type { MinuteRange, WindowCounts } from './tally';

/** How good is counted: events (occurrences) or time slices judged good or bad (timeslices). */
export type BudgetingMethod = 'occurrences' | 'timeslices';

/** An error budget: its size in events or slices, and the fractions of it spent and left. */
export interface Budget {
  total: number;
  consumed: number | null;
  remaining_fraction: number | null;
}

/** Returns good / total, or null when there is nothing to judge. */
export function sli(counts: WindowCounts): number | null {
  return counts.total > 0 ? counts.good / counts.total : null;
}

/**
 * Returns the error budget of `size` events or slices at `objective` with `bad` of them spent;
 * consumed and remaining are null when the budget is empty (no events yet).
 */
export function errorBudget(objective: number, size: number, bad: number): Budget {
  const total = (1 - objective) * size;
  if (!(total > 0)) return { total: 0, consumed: null, remaining_fraction: null };
  const consumed = bad / total;
  return { total, consumed, remaining_fraction: 1 - consumed };
}

/** Returns how many slices of length `sliceMs` start in [from, to), slices starting on multiples of it. */
export function slicesIn(range: MinuteRange, sliceMs: number): number {
  return Math.max(Math.ceil(range.toMs / sliceMs) - Math.ceil(range.fromMs / sliceMs), 0);
}
