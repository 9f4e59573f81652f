// A whole simulated run: the scenario's traffic through the queue model of its sidecar and
// device, each served request with its answer's truth. The CLI's targets consume this stream.
import { DEVICE_PROFILES, type DeviceProfile } from '../sidecar/backends/emulated';
import { type AnswerTruth, answerTruths } from './answers';
import { type QueueResult, runQueueModel } from './queue-model';
import type { Scenario } from './scenario';
import { deviceFactorAt, versionAt } from './timeline';
import { generateTraffic, type SimulatedRequest, type TrafficWindow } from './traffic';

/** One request's fate: its queue result, and the answer's truth when it was served. */
export interface SimulatedOutcome extends QueueResult<SimulatedRequest> {
  answer: AnswerTruth | null;
}

/** Returns the device profile a scenario names, or throws a RangeError naming the known ones. */
export function deviceProfileOf(scenario: Scenario): DeviceProfile {
  const profile = DEVICE_PROFILES[scenario.deviceProfile];
  if (profile === undefined)
    throw new RangeError(
      `scenario "${scenario.name}": unknown device profile "${scenario.deviceProfile}"; expected one of ${Object.keys(DEVICE_PROFILES).join(', ')}`,
    );
  return profile;
}

/** Yields every request of the run in completion order, with its outcome and answer truth. */
export function* simulateRun(
  scenario: Scenario,
  window: TrafficWindow,
): Generator<SimulatedOutcome> {
  yield* simulateRequests(scenario, window, generateTraffic(scenario, window));
}

/**
 * Yields the outcomes of `requests` (the window's traffic, possibly cut short: a live run that
 * stops) as simulateRun does.
 */
export function* simulateRequests(
  scenario: Scenario,
  window: TrafficWindow,
  requests: Iterable<SimulatedRequest>,
): Generator<SimulatedOutcome> {
  const truth = answerTruths(window.seed, scenario.labelDelayMinutes);
  const results = runQueueModel(requests, {
    sidecar: scenario.sidecar,
    profile: deviceProfileOf(scenario),
    seed: window.seed,
    deviceFactor: (atMs) => deviceFactorAt(scenario, atMs - window.startMs),
  });
  for (const result of results) {
    let answer: AnswerTruth | null = null;
    if (result.status === 'ok') {
      const offset = result.request.arrivalMs - window.startMs;
      const { version, quality } = versionAt(scenario, offset);
      answer = truth(version, quality);
    }
    // The result object itself, completed: no copy per request.
    const outcome = result as SimulatedOutcome;
    outcome.answer = answer;
    yield outcome;
  }
}
