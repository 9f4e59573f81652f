// What a traffic scenario is made of: the model, its offered load, the requests' mixes, the
// truth of its answers' quality, the drift features, the sidecar it assumes and scripted events.
import type { ModelOptions } from '../sidecar/server-config';

/** A share of a mix (shares of one mix need not sum to 1: they are normalised). */
export interface Share {
  share: number;
}

/** A kind of request (chat, summarise, extract, ...) and the max_tokens it asks for. */
export interface RequestTypeSpec extends Share {
  name: string;
  maxTokens: number;
}

/** A bucket of prompt lengths: input tokens uniform in [min, max]. */
export interface PromptLengthSpec extends Share {
  min: number;
  max: number;
}

/** A numeric drift feature: normal(mean, sd), clamped to [min, max] when given. */
export interface NumericFeatureSpec {
  mean: number;
  sd: number;
  min?: number;
  max?: number;
}

/** A categorical drift feature: value -> share. */
export type CategoricalFeatureSpec = Readonly<Record<string, number>>;

/** The inputs' distributions; an input shift replaces some of them. */
export interface InputSpec {
  requestTypes: readonly RequestTypeSpec[];
  promptLengths: readonly PromptLengthSpec[];
  /** Numeric features besides `prompt_tokens` (always present: the input tokens). */
  numeric: Readonly<Record<string, NumericFeatureSpec>>;
  /** Categorical features; `topic` also shapes the prompt text. */
  categorical: Readonly<Record<string, CategoricalFeatureSpec>>;
}

/** The truth of a model version's answers. */
export interface QualitySpec {
  /** Probability that an answer is correct. */
  accuracy: number;
  /** Mean coherence score; each score lies in [0, 1]. */
  coherenceMean: number;
}

/** The sidecar options the scenario assumes, as `insightagent sidecar` reads them (YAML). */
export type SidecarSpec = Pick<
  ModelOptions,
  'max_batch_size' | 'max_queue_delay_ms' | 'max_queue_size' | 'timeout_ms' | 'max_in_flight'
> & { preferred_batch_sizes?: number[] };

/** The inputs change from `atMs` (offset from the run's start): drift. */
export interface InputShiftEvent {
  kind: 'input_shift';
  atMs: number;
  inputs: Partial<InputSpec>;
}

/** The device gets slower from `atMs`: each batch takes `factor` times as long. */
export interface LatencyRegressionEvent {
  kind: 'latency_regression';
  atMs: number;
  factor: number;
}

/** A new model version serves from `atMs`, with its own quality. */
export interface VersionRolloutEvent {
  kind: 'version_rollout';
  atMs: number;
  version: string;
  quality: QualitySpec;
}

/** A scripted event at an offset from the run's start. */
export type ScenarioEvent = InputShiftEvent | LatencyRegressionEvent | VersionRolloutEvent;

/** A named, complete description of the traffic to one model. */
export interface Scenario {
  name: string;
  description: string;
  model: string;
  version: string;
  quality: QualitySpec;
  /** Mean offered requests/s. */
  ratePerSec: number;
  /**
   * `poisson`: independent users (exponential gaps). `paced`: a constant arrival rate, as a load
   * generator offers it (k6's constant-arrival-rate): one arrival at a random point of each
   * 1/rate slot, so any whole second holds exactly `ratePerSec` of them (with a diurnal shape,
   * slots are at the peak rate and thinned like Poisson arrivals).
   */
  arrivals: 'poisson' | 'paced';
  /** Diurnal shape: rate × (1 + amplitude·cos(2π(hour − peakHourUtc)/24)); amplitude 0 = flat. */
  diurnal: { amplitude: number; peakHourUtc: number };
  inputs: InputSpec;
  /** Share of prompts drawn from a pool of `pool` popular prompts (something to cache). */
  promptRepeat: { rate: number; pool: number };
  /** The correctness label arrives this long after the answer (uniform, minutes). */
  labelDelayMinutes: { min: number; max: number };
  sidecar: SidecarSpec;
  /** A key of DEVICE_PROFILES. */
  deviceProfile: string;
  /** Ordered by `atMs`. */
  events: readonly ScenarioEvent[];
}
