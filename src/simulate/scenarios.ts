// The named scenarios of `insightagent simulate`: the Chimera model as its users see it today,
// the same with batching on, and a day of it with drift, a slow device and a new version.
import type { InputSpec, Scenario } from './scenario';

const HOUR_MS = 3_600_000;

const CHIMERA_INPUTS: InputSpec = {
  requestTypes: [
    { name: 'chat', share: 0.6, maxTokens: 256 },
    { name: 'summarise', share: 0.25, maxTokens: 128 },
    { name: 'extract', share: 0.15, maxTokens: 32 },
  ],
  promptLengths: [
    { share: 0.5, min: 16, max: 128 },
    { share: 0.35, min: 129, max: 512 },
    { share: 0.15, min: 513, max: 2048 },
  ],
  numeric: { retrieval_score: { mean: 0.7, sd: 0.12, min: 0, max: 1 } },
  categorical: {
    topic: { billing: 0.4, technical: 0.35, account: 0.2, legal: 0.05 },
    locale: { 'en-GB': 0.5, 'en-US': 0.3, 'de-DE': 0.2 },
  },
};

const CHIMERA_BASE = {
  model: 'chimera',
  version: 'chimera-2024-06',
  quality: { accuracy: 0.872, coherenceMean: 0.928 },
  ratePerSec: 10,
  // 10 offered means 10 every second: what the users report is a load test's constant rate.
  arrivals: 'paced',
  diurnal: { amplitude: 0, peakHourUtc: 14 },
  inputs: CHIMERA_INPUTS,
  promptRepeat: { rate: 0.1, pool: 200 },
  // Reviewers label answers within minutes; an hour's report sees ~90 % of its labels.
  labelDelayMinutes: { min: 1, max: 10 },
  deviceProfile: 'chimera',
  events: [],
} as const satisfies Omit<Scenario, 'name' | 'description' | 'sidecar'>;

/**
 * `chimera`: 10 requests/s offered, one at a time on a 196 ms device (5 requests/s at most).
 * max_queue_size 6: an admitted request waits the running batch's rest (~115 ms on average:
 * under this overload the queue refills within ~90 ms of each departure) plus 5 × 200 ms,
 * so served TTFT ≈ 1.11 s + 70 ms prefill ≈ 1.2 s; every other request finds the queue full
 * (503). timeout_ms 2000 is above the longest latency (~1.45 s), so nothing times out and
 * shedding never fires before the queue is full (6 × 200 ms < 2000 ms).
 */
const chimera: Scenario = {
  ...CHIMERA_BASE,
  name: 'chimera',
  description: 'Chimera today: 10 requests/s offered, batching off, half of it refused (503)',
  sidecar: {
    max_batch_size: 1,
    max_queue_delay_ms: 5,
    max_queue_size: 6,
    timeout_ms: 2000,
    max_in_flight: 1,
  },
};

/** `chimera-batched`: the same load and admission with batches of up to 8 (5 ms delay). */
const chimeraBatched: Scenario = {
  ...CHIMERA_BASE,
  name: 'chimera-batched',
  description: 'Chimera with batching on (max_batch_size 8): all 10 requests/s served',
  sidecar: {
    max_batch_size: 8,
    max_queue_delay_ms: 5,
    max_queue_size: 48,
    timeout_ms: 2000,
    max_in_flight: 1,
  },
};

/** `chimera-day`: batched, diurnal (peak 14:00 UTC), with drift, a slow device and a rollout. */
const chimeraDay: Scenario = {
  ...CHIMERA_BASE,
  name: 'chimera-day',
  description:
    'A day of batched Chimera: diurnal load, input shift at +6 h, device 1.6× slower at +12 h, version rollout at +18 h',
  ratePerSec: 8,
  arrivals: 'poisson',
  diurnal: { amplitude: 0.5, peakHourUtc: 14 },
  sidecar: chimeraBatched.sidecar,
  events: [
    {
      kind: 'input_shift',
      atMs: 6 * HOUR_MS,
      inputs: {
        promptLengths: [
          { share: 0.2, min: 16, max: 128 },
          { share: 0.4, min: 129, max: 512 },
          { share: 0.4, min: 513, max: 2048 },
        ],
        categorical: {
          topic: { billing: 0.2, technical: 0.3, account: 0.15, legal: 0.35 },
          locale: CHIMERA_INPUTS.categorical.locale ?? {},
        },
      },
    },
    { kind: 'latency_regression', atMs: 12 * HOUR_MS, factor: 1.6 },
    {
      kind: 'version_rollout',
      atMs: 18 * HOUR_MS,
      version: 'chimera-2024-09',
      quality: { accuracy: 0.9, coherenceMean: 0.94 },
    },
  ],
};

/** Every scenario by name. */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  chimera,
  'chimera-batched': chimeraBatched,
  'chimera-day': chimeraDay,
};

/** Returns the scenario called `name`, or throws a RangeError listing the known names. */
export function scenarioByName(name: string): Scenario {
  const scenario = SCENARIOS[name];
  if (scenario === undefined)
    throw new RangeError(
      `unknown scenario "${name}"; expected one of ${Object.keys(SCENARIOS).join(', ')}`,
    );
  return scenario;
}

/** Returns the scenario with its mean offered rate set to `ratePerSec` (`--rps`); throws a RangeError unless it is positive and finite. */
export function withRate(scenario: Scenario, ratePerSec: number): Scenario {
  if (!(ratePerSec > 0 && Number.isFinite(ratePerSec)))
    throw new RangeError(`--rps: expected a positive number of requests/s, got ${ratePerSec}`);
  return { ...scenario, ratePerSec };
}
