// One SLO × model evaluated at `now`: SLI, error budget, burn rates and alert conditions, from a
// tally of minute counts or slice verdicts. Pure: `now` is passed in; the job loads the tally.
import { type Budget, type BudgetingMethod, errorBudget, sli, slicesIn } from './budget';
import {
  type BurnCondition,
  burnRate,
  burnReaches,
  conditionProblems,
  DEFAULT_MIN_EVENTS,
  objectiveProblems,
  type Severity,
  scaleConditions,
  WORKBOOK_CONDITIONS,
} from './burn-rate';
import {
  checkSliceMs,
  MINUTE_MS,
  type MinuteCounts,
  type MinuteRange,
  type SliceVerdict,
  type Tally,
  tallyOccurrences,
  tallySlices,
} from './tally';
import {
  alertWindowScale,
  DAY_MS,
  DEFAULT_SLO_WINDOW,
  type EvaluationWindow,
  HOUR_MS,
  sloPeriodRange,
  sloWindowRange,
  windowLabel,
} from './windows';

/** What the math needs of an SLO; the rest of the spec (SLI kind, thresholds) shaped the tally. */
export interface SloMathSpec {
  objective: number;
  method: BudgetingMethod;
  /** Defaults to rolling 30 days. */
  window?: EvaluationWindow;
  /** Timeslices only: slice length, a whole number of minutes; defaults to one minute. */
  sliceMs?: number;
  /** The conditions as they apply to this SLO; defaults to the Workbook's, scaled to the window. */
  conditions?: readonly BurnCondition[];
  /** Events the long window must hold before a condition fires; defaults per method. */
  minEvents?: number;
}

/** One alert condition as evaluated. */
export interface ConditionResult {
  severity: Severity;
  long: string;
  short: string;
  threshold: number;
  long_burn: number | null;
  short_burn: number | null;
  long_events: number;
  min_events: number;
  firing: boolean;
}

/** The verdict of one SLO × model at one time. */
export interface SloEvaluation {
  window: { start_ms: number; end_ms: number };
  method: BudgetingMethod;
  objective: number;
  sli: number | null;
  good: number;
  total: number;
  budget: Budget;
  burn_rates: Record<string, number | null>;
  conditions: ConditionResult[];
  firing: Severity | null;
}

/** The windows whose burn rates every evaluation reports, beside those of its conditions. */
export const REPORTED_BURN_WINDOWS_MS: readonly number[] = [
  5 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  2 * HOUR_MS,
  6 * HOUR_MS,
  DAY_MS,
  3 * DAY_MS,
];

/**
 * Returns what is wrong with a spec (empty when it can be evaluated and every condition can
 * fire); a calendar month is checked as the month holding `nowMs`.
 */
export function sloMathProblems(spec: SloMathSpec, nowMs: number): string[] {
  const problems = objectiveProblems(spec.objective);
  try {
    if (spec.method === 'timeslices') checkSliceMs(sliceMsOf(spec));
    const period = sloPeriodRange(spec.window ?? DEFAULT_SLO_WINDOW, nowMs);
    problems.push(
      ...conditionProblems(spec.objective, conditionsOf(spec), period.toMs - period.fromMs),
    );
  } catch (err) {
    problems.push((err as Error).message);
  }
  const min = spec.minEvents;
  if (min !== undefined && !(Number.isInteger(min) && min >= 0))
    problems.push(`minEvents must be a whole number >= 0, got ${min}`);
  return problems;
}

/** Returns the conditions that apply to a spec: its own, or the Workbook's scaled to its window. */
export function conditionsOf(spec: SloMathSpec): readonly BurnCondition[] {
  return (
    spec.conditions ??
    scaleConditions(WORKBOOK_CONDITIONS, alertWindowScale(spec.window ?? DEFAULT_SLO_WINDOW))
  );
}

/** Returns the minutes a tally must cover to evaluate a spec at every `now` in [fromNowMs, toNowMs]. */
export function tallyRangeFor(
  spec: SloMathSpec,
  fromNowMs: number,
  toNowMs = fromNowMs,
): MinuteRange {
  const window = spec.window ?? DEFAULT_SLO_WINDOW;
  const longest = Math.max(...REPORTED_BURN_WINDOWS_MS, ...conditionsOf(spec).map((c) => c.longMs));
  const first = sloWindowRange(window, fromNowMs);
  const last = sloWindowRange(window, toNowMs);
  return { fromMs: Math.min(first.fromMs, first.toMs - longest), toMs: last.toMs };
}

/** Evaluates a spec at `nowMs` over per-minute counts (occurrences). */
export function evaluateOccurrences(
  spec: SloMathSpec,
  counts: readonly MinuteCounts[],
  nowMs: number,
): SloEvaluation {
  return evaluateSlo(spec, tallyOccurrences(counts, tallyRangeFor(spec, nowMs)), nowMs);
}

/** Evaluates a spec at `nowMs` over slice verdicts (timeslices). */
export function evaluateTimeslices(
  spec: SloMathSpec,
  slices: readonly SliceVerdict[],
  nowMs: number,
): SloEvaluation {
  const range = tallyRangeFor(spec, nowMs);
  return evaluateSlo(spec, tallySlices(slices, range, sliceMsOf(spec)), nowMs);
}

/**
 * Returns the verdict of a spec at `nowMs` from a tally covering `tallyRangeFor(spec, nowMs)`;
 * one tally serves many `now`s (catch-up). Throws a RangeError naming every problem of the spec.
 */
export function evaluateSlo(spec: SloMathSpec, tally: Tally, nowMs: number): SloEvaluation {
  const problems = sloMathProblems(spec, nowMs);
  if (problems.length > 0) throw new RangeError(`SLO cannot be evaluated: ${problems.join('; ')}`);
  const { objective, method } = spec;
  const window = spec.window ?? DEFAULT_SLO_WINDOW;
  const sliceMs = sliceMsOf(spec);
  const range = sloWindowRange(window, nowMs);
  const counts = tally.sum(range.fromMs, range.toMs);
  const bad = counts.total - counts.good;
  const budgetSize =
    method === 'occurrences' ? counts.total : slicesIn(sloPeriodRange(window, nowMs), sliceMs);

  // Burn over the lookback `ms` ending at the window's end; timeslices divide by every slice of
  // the lookback (a slice without a verdict spends nothing), so burn = budget share / time share.
  const burnOver = (ms: number): { burn: number | null; events: number } => {
    const w = tally.sum(range.toMs - ms, range.toMs);
    const wBad = w.total - w.good;
    if (method === 'occurrences')
      return { burn: burnRate(wBad, w.total, objective), events: w.events };
    const burn =
      w.total > 0
        ? burnRate(
            wBad,
            slicesIn({ fromMs: range.toMs - ms, toMs: range.toMs }, sliceMs),
            objective,
          )
        : null;
    return { burn, events: w.events };
  };

  const conditions = conditionsOf(spec);
  const burn_rates: Record<string, number | null> = {};
  const lengths = [
    ...REPORTED_BURN_WINDOWS_MS,
    ...conditions.flatMap((c) => [c.shortMs, c.longMs]),
  ];
  for (const ms of [...new Set(lengths)].sort((a, b) => a - b))
    burn_rates[windowLabel(ms)] = burnOver(ms).burn;

  const minEvents = spec.minEvents ?? DEFAULT_MIN_EVENTS;
  const results = conditions.map((c): ConditionResult => {
    const long = burnOver(c.longMs);
    const short = burnOver(c.shortMs);
    return {
      severity: c.severity,
      long: windowLabel(c.longMs),
      short: windowLabel(c.shortMs),
      threshold: c.threshold,
      long_burn: long.burn,
      short_burn: short.burn,
      long_events: long.events,
      min_events: minEvents,
      firing:
        long.events >= minEvents &&
        burnReaches(long.burn, c.threshold) &&
        burnReaches(short.burn, c.threshold),
    };
  });
  const firingSeverities = new Set(results.filter((r) => r.firing).map((r) => r.severity));
  const firing = firingSeverities.has('page')
    ? 'page'
    : firingSeverities.has('ticket')
      ? 'ticket'
      : null;

  return {
    window: { start_ms: range.fromMs, end_ms: range.toMs },
    method,
    objective,
    sli: sli(counts),
    good: counts.good,
    total: counts.total,
    budget: errorBudget(objective, budgetSize, bad),
    burn_rates,
    conditions: results,
    firing,
  };
}

function sliceMsOf(spec: SloMathSpec): number {
  return spec.sliceMs ?? MINUTE_MS;
}
