// Builders for the state machine tests: evaluations at minute offsets from T0, and a driver that
// folds a history of inputs through stepAlerts.
import type { OutgoingNotification } from '../../../src/alerts/grouping';
import type { AlertSeverity } from '../../../src/alerts/notification';
import type { Silence } from '../../../src/alerts/silences';
import {
  type AlertInput,
  type AlertStates,
  type StepOptions,
  type StepResult,
  stepAlerts,
} from '../../../src/alerts/state';

export const T0 = Date.parse('2026-11-28T00:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** The time `minutes` after T0. */
export const at = (minutes: number) => new Date(T0 + minutes * MINUTE);

/** An input for one SLO × model with the given severity firing (null: none). */
export function input(
  firing: AlertSeverity | null,
  slo = 'ttft-p95',
  model = 'llama-3-8b',
  sli: number | null = 0.9,
): AlertInput {
  return {
    slo,
    model,
    evaluation: {
      firing,
      sli,
      objective: 0.99,
      budget: { total: 1000, consumed: 400, remaining_fraction: sli === null ? null : 0.6 },
      burn_rates: { '5m': 16, '1h': 14.5, '6h': null },
    },
    labels: { team: 'search' },
    annotations: { runbook: 'https://runbooks.example.com/ttft' },
    links: { ui: 'https://insight.example.com/slos/ttft-p95' },
  };
}

/** Applies one input per minute from minute 0; returns the final result. */
export function run(
  history: readonly (AlertSeverity | null)[],
  options: StepOptions = {},
  states: AlertStates = {},
): StepResult {
  let result: StepResult = { states: { ...states }, groups: [], ignored: [] };
  history.forEach((firing, minute) => {
    result = stepAlerts(result.states, [input(firing)], at(minute), options);
  });
  return result;
}

/** The notifications of a result, flattened in group order. */
export function sent(result: StepResult): OutgoingNotification[] {
  return result.groups.flatMap((g) => g.notifications);
}

/** A notification as `severity kind #episode` (e.g. `page firing #1`), for table rows. */
export function describe1(n: OutgoingNotification): string {
  const episode = n.key.split(':')[1];
  return `${n.notification.severity} ${n.kind} #${episode}`;
}

/** A silence over [fromMin, toMin) minutes after T0. */
export function silenceOf(matchers: Silence['matchers'], fromMin: number, toMin: number): Silence {
  return {
    id: `s-${fromMin}-${toMin}`,
    matchers,
    startsAt: at(fromMin),
    endsAt: at(toMin),
    createdBy: 'sre',
    comment: 'test',
  };
}
