// From a configured SLO to what the math needs, and from slice aggregates to slice verdicts.
// Pure.
import type { SliceValue } from '../store/repositories/slo-data';
import { scaleConditions, WORKBOOK_CONDITIONS } from './burn-rate';
import type { SloMathSpec } from './evaluate';
import type { SloSpec } from './spec';
import type { SliceVerdict } from './tally';
import { alertWindowScale } from './windows';

const MINUTE_MS = 60_000;

/** Returns the math spec of an SLO: objective, budgeting, window, slice, guard, conditions. */
export function mathSpecOf(spec: SloSpec): SloMathSpec {
  const conditions = scaleConditions(WORKBOOK_CONDITIONS, alertWindowScale(spec.window)).filter(
    (c) => (c.severity === 'page' ? spec.alerting.page : spec.alerting.ticket),
  );
  return {
    objective: spec.objective,
    method: spec.budgeting,
    window: spec.window,
    ...(spec.sli.kind === 'timeslice' ? { sliceMs: spec.sli.sliceMinutes * MINUTE_MS } : {}),
    minEvents: spec.alerting.minEvents,
    conditions,
  };
}

/** Returns the verdict of each slice with a value: good when `value op threshold` holds. */
export function sliceVerdicts(
  values: readonly SliceValue[],
  op: '>=' | '<=',
  threshold: number,
): SliceVerdict[] {
  return values.flatMap((v) =>
    v.value === null
      ? []
      : [
          {
            minuteMs: v.minuteMs,
            good: op === '>=' ? v.value >= threshold : v.value <= threshold,
            events: v.events,
          },
        ],
  );
}
