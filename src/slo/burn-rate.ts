// Burn rates and multi-window, multi-burn-rate alert conditions (Google SRE Workbook, ch. 5
// "Alerting on SLOs"). Pure.
//
//   burn rate over w = (bad / total in w) / (1 - objective); null when w has nothing to judge
//   A condition {long, short, threshold} fires when both windows burn at >= threshold and the long
//   window holds at least minEvents events (so ten requests an hour cannot page).
//
// Scaling rule for SLO periods other than 30 days: the window lengths are multiplied by
// period / 30 d (rounded to whole minutes, at least one) and the thresholds are kept. A condition
// consumes threshold x long / period of the budget before it fires, so the Workbook's fractions
// (2 %, 5 %, 10 %, 10 %) stay the same, and a threshold keeps its meaning as a rate: 1x is still
// "the budget runs out exactly at the end of the period". (Keeping the windows and scaling the
// thresholds instead would turn the 30 d ticket at 1x into 0.23x for a 7 d SLO, which fires on a
// service that spends only a quarter of its budget.)
import { MINUTE_MS } from './tally';
import { DAY_MS, HOUR_MS, windowLabel } from './windows';

/** Who is woken: page (now) or ticket (working hours). Page outranks ticket. */
export type Severity = 'page' | 'ticket';

/** One alert condition: both windows must burn at >= threshold. */
export interface BurnCondition {
  severity: Severity;
  longMs: number;
  shortMs: number;
  threshold: number;
}

/** The SRE Workbook's recommended conditions for a 30-day SLO. */
export const WORKBOOK_CONDITIONS: readonly BurnCondition[] = [
  { severity: 'page', longMs: HOUR_MS, shortMs: 5 * MINUTE_MS, threshold: 14.4 },
  { severity: 'page', longMs: 6 * HOUR_MS, shortMs: 30 * MINUTE_MS, threshold: 6 },
  { severity: 'ticket', longMs: DAY_MS, shortMs: 2 * HOUR_MS, threshold: 3 },
  { severity: 'ticket', longMs: 3 * DAY_MS, shortMs: 6 * HOUR_MS, threshold: 1 },
];

/**
 * The fewest events the long window must hold before its condition may fire: 100 (at 99.9 % one
 * bad request in 100 already burns 10x; 100 makes a 14.4x burn at 99 % at least 15 bad events).
 * Timeslices count the events their slices judged (SliceVerdict.events), one per slice if unsaid.
 */
export const DEFAULT_MIN_EVENTS = 100;

// A burn equal to the threshold fires; float noise (1 / (1 - 0.9) = 10.000000000000002) must not
// decide it either way.
const RELATIVE_EPSILON = 1e-9;

/** Returns (bad / total) / (1 - objective), or null when total is 0. */
export function burnRate(bad: number, total: number, objective: number): number | null {
  return total > 0 ? bad / total / (1 - objective) : null;
}

/** Decides whether a burn rate reaches a threshold (null never does). */
export function burnReaches(burn: number | null, threshold: number): boolean {
  return burn !== null && burn >= threshold * (1 - RELATIVE_EPSILON);
}

/** Returns the conditions with their windows scaled by `scale`, rounded to whole minutes (>= 1). */
export function scaleConditions(
  conditions: readonly BurnCondition[],
  scale: number,
): BurnCondition[] {
  const minutes = (ms: number) => Math.max(Math.round((ms * scale) / MINUTE_MS), 1) * MINUTE_MS;
  return conditions.map((c) => ({ ...c, longMs: minutes(c.longMs), shortMs: minutes(c.shortMs) }));
}

/** Returns the fraction of the budget a condition lets burn before it fires: threshold x long / period. */
export function budgetFractionAtFiring(condition: BurnCondition, periodMs: number): number {
  return (condition.threshold * condition.longMs) / periodMs;
}

/** Returns what is wrong with an objective (empty when it is in (0, 1)). */
export function objectiveProblems(objective: number): string[] {
  if (Number.isFinite(objective) && objective > 0 && objective < 1) return [];
  return [`objective must be between 0 and 1 exclusive (0.999 for 99.9 %), got ${objective}`];
}

/**
 * Returns what is wrong with alert conditions for an objective and SLO period (empty when they
 * can all fire): windows of whole minutes with short < long <= period, a positive threshold, and
 * threshold x (1 - objective) <= 1, since a burn rate above 1 / (1 - objective) would need more
 * than 100 % of events to be bad.
 */
export function conditionProblems(
  objective: number,
  conditions: readonly BurnCondition[],
  periodMs: number,
): string[] {
  const problems: string[] = [];
  for (const c of conditions) {
    const windowsOk = [c.longMs, c.shortMs].every(
      (ms) => Number.isInteger(ms) && ms > 0 && ms % MINUTE_MS === 0,
    );
    if (!windowsOk) {
      problems.push(
        `${c.severity} condition: windows must be positive whole minutes, got long=${c.longMs} ms, short=${c.shortMs} ms`,
      );
      continue;
    }
    const name = `${c.severity} ${windowLabel(c.longMs)}/${windowLabel(c.shortMs)} at ${c.threshold}x`;
    if (c.shortMs >= c.longMs)
      problems.push(`${name}: the short window must be shorter than the long one`);
    if (c.longMs > periodMs)
      problems.push(
        `${name}: the long window is longer than the SLO period (${windowLabel(periodMs)})`,
      );
    if (!(Number.isFinite(c.threshold) && c.threshold > 0)) {
      problems.push(`${name}: the threshold must be a positive number`);
      continue;
    }
    const errorShare = c.threshold * (1 - objective);
    if (objectiveProblems(objective).length === 0 && errorShare > 1 + RELATIVE_EPSILON)
      problems.push(
        `${name} can never fire at objective ${objective}: a burn rate of ${c.threshold} needs ` +
          `${c.threshold} x (1 - ${objective}) = ${percent(errorShare)} of events to be bad, and at ` +
          `most 100 % can be; use a threshold of at most ${round(1 / (1 - objective))} or an ` +
          `objective of at least ${round(1 - 1 / c.threshold)}`,
      );
  }
  return problems;
}

function percent(fraction: number): string {
  return `${round(fraction * 100)} %`;
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}
