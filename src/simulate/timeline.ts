// What holds at a moment of a run: the offered rate (diurnal shape), the inputs' distributions
// (input shifts), the model version and its quality (rollouts), the device's slowdown (latency
// regressions). Offsets are from the run's start; the time of day is UTC of virtual time.
import type { InputSpec, QualitySpec, Scenario } from './scenario';

const HOUR_MS = 3_600_000;
// Module-level aliases: under jest every global lookup (Math) goes through the vm context's
// interceptors, ~10x slower in this per-request code.
const { abs, cos, PI } = Math;

/** Returns the offered requests/s at virtual time `atMs` (epoch ms): the diurnal shape. */
export function rateAt(scenario: Scenario, atMs: number): number {
  const { amplitude, peakHourUtc } = scenario.diurnal;
  if (amplitude === 0) return scenario.ratePerSec;
  const hour = (((atMs / HOUR_MS) % 24) + 24) % 24;
  return scenario.ratePerSec * (1 + amplitude * cos((2 * PI * (hour - peakHourUtc)) / 24));
}

/** Returns the highest rate of the diurnal shape (the thinning envelope). */
export function peakRate(scenario: Scenario): number {
  return scenario.ratePerSec * (1 + abs(scenario.diurnal.amplitude));
}

/** Returns the inputs in force from each offset on: the scenario's, then each shift applied. */
export function inputPhases(scenario: Scenario): { fromMs: number; inputs: InputSpec }[] {
  const phases = [{ fromMs: Number.NEGATIVE_INFINITY, inputs: scenario.inputs }];
  for (const event of scenario.events) {
    if (event.kind !== 'input_shift') continue;
    const previous = (phases[phases.length - 1] as (typeof phases)[number]).inputs;
    phases.push({ fromMs: event.atMs, inputs: { ...previous, ...event.inputs } });
  }
  return phases;
}

/** Returns the model version serving at `offsetMs` and the truth of its answers. */
export function versionAt(
  scenario: Scenario,
  offsetMs: number,
): { version: string; quality: QualitySpec } {
  let current = { version: scenario.version, quality: scenario.quality };
  for (const event of scenario.events)
    if (event.kind === 'version_rollout' && event.atMs <= offsetMs)
      current = { version: event.version, quality: event.quality };
  return current;
}

/** Returns the factor on device time at `offsetMs`: the product of regressions begun by then. */
export function deviceFactorAt(scenario: Scenario, offsetMs: number): number {
  let factor = 1;
  for (const event of scenario.events)
    if (event.kind === 'latency_regression' && event.atMs <= offsetMs) factor *= event.factor;
  return factor;
}
