// The requests a scenario offers over a window of virtual time, one at a time: Poisson arrivals
// (thinned to the diurnal shape), request type, prompt length and text, drift features, all from
// one seed. Streaming: a day at 10 requests/s is 864,000 requests, never held at once.
import { deriveSeed, seededRandom } from '../random';
import { cumulativeShares, hashNormalised, pickIndex, standardNormal } from './draws';
import type { InputSpec, NumericFeatureSpec, Scenario } from './scenario';
import { inputPhases, peakRate, rateAt, versionAt } from './timeline';

// Module-level aliases: under jest every global lookup (Math) goes through the vm context's
// interceptors, ~10x slower in this per-request code.
const { log, floor, min, max } = Math;
const INFINITY = Number.POSITIVE_INFINITY;

/** One offered request, before the sidecar decides anything about it. */
export interface SimulatedRequest {
  /** 0, 1, 2, ... in arrival order. */
  seq: number;
  arrivalMs: number;
  model: string;
  /** The version serving when it arrives. */
  modelVersion: string;
  requestType: string;
  inputTokens: number;
  maxTokens: number;
  /** Already in normal form (lower case, single spaces). */
  prompt: string;
  /** promptHash(prompt): equal for repeated prompts. */
  promptHash: string;
  /** True when drawn from the pool of popular prompts. */
  repeated: boolean;
  /** `prompt_tokens` plus the scenario's numeric features. */
  featuresNum: Record<string, number>;
  featuresCat: Record<string, string>;
}

/** The window and seed of a run; times are virtual epoch ms. */
export interface TrafficWindow {
  startMs: number;
  durationMs: number;
  seed: number;
}

interface CompiledInputs {
  fromMs: number;
  types: InputSpec['requestTypes'];
  typeShares: Float64Array;
  lengths: InputSpec['promptLengths'];
  lengthShares: Float64Array;
  numeric: [string, NumericFeatureSpec][];
  categorical: [string, string[], Float64Array][];
}

function compile(fromMs: number, inputs: InputSpec): CompiledInputs {
  return {
    fromMs,
    types: inputs.requestTypes,
    typeShares: cumulativeShares(inputs.requestTypes),
    lengths: inputs.promptLengths,
    lengthShares: cumulativeShares(inputs.promptLengths),
    numeric: Object.entries(inputs.numeric),
    categorical: Object.entries(inputs.categorical).map(([name, mix]) => {
      const values = Object.keys(mix);
      return [name, values, cumulativeShares(values.map((v) => ({ share: mix[v] as number })))];
    }),
  };
}

const VERBS: Readonly<Record<string, string>> = {
  chat: 'help me with my',
  summarise: 'summarise this',
  extract: 'extract the fields of this',
};

/** Yields the requests of `scenario` arriving in [startMs, startMs + durationMs), in order. */
export function* generateTraffic(
  scenario: Scenario,
  window: TrafficWindow,
): Generator<SimulatedRequest> {
  const random = seededRandom(deriveSeed(window.seed, 'traffic'));
  const phases = inputPhases(scenario).map((p) => compile(p.fromMs, p.inputs));
  const changes = scenario.events.map((e) => e.atMs).filter((at) => at > 0);
  const envelope = peakRate(scenario);
  const flat = scenario.diurnal.amplitude === 0;
  const endMs = window.startMs + window.durationMs;
  let phase = 0;
  let version = versionAt(scenario, 0).version;
  let nextChange = min(...changes, INFINITY);
  const paced = scenario.arrivals === 'paced';
  let t = window.startMs;
  for (let seq = 0, slot = 0; ; slot++) {
    // Arrivals at the peak rate (Poisson, or one per slot when paced), each kept with
    // probability rate(t)/peak (thinning).
    t = paced
      ? window.startMs + ((slot + random()) / envelope) * 1000
      : t + (-log(1 - random()) / envelope) * 1000;
    if (t >= endMs) return;
    if (!flat && random() * envelope >= rateAt(scenario, t)) continue;
    const offset = t - window.startMs;
    if (offset >= nextChange) {
      while (phase + 1 < phases.length && (phases[phase + 1] as CompiledInputs).fromMs <= offset)
        phase++;
      version = versionAt(scenario, offset).version;
      nextChange = min(...changes.filter((at) => at > offset), INFINITY);
    }
    yield request(seq++, t, scenario, version, phases[phase] as CompiledInputs, random);
  }
}

function request(
  seq: number,
  arrivalMs: number,
  scenario: Scenario,
  modelVersion: string,
  inputs: CompiledInputs,
  random: () => number,
): SimulatedRequest {
  const { rate, pool } = scenario.promptRepeat;
  const repeated = random() < rate;
  // A popular prompt k is the same request every time: its type, length and topic follow from k.
  const id = repeated ? floor(random() * pool) : seq;
  const draw = repeated ? popularDraws(id, pool) : random;
  const type = inputs.types[pickIndex(inputs.typeShares, draw())] as InputSpec['requestTypes'][0];
  const bucket = inputs.lengths[pickIndex(inputs.lengthShares, draw())] as {
    min: number;
    max: number;
  };
  const inputTokens = bucket.min + floor(draw() * (bucket.max - bucket.min + 1));
  const featuresCat: Record<string, string> = {};
  for (const [name, values, shares] of inputs.categorical)
    featuresCat[name] = values[pickIndex(shares, draw())] as string;
  const featuresNum: Record<string, number> = { prompt_tokens: inputTokens };
  for (const [name, spec] of inputs.numeric) featuresNum[name] = numeric(spec, random);
  const topic = featuresCat.topic ?? 'general';
  const prompt = `${VERBS[type.name] ?? type.name} ${topic} request #${repeated ? `p${id}` : id}`;
  return {
    seq,
    arrivalMs,
    model: scenario.model,
    modelVersion,
    requestType: type.name,
    inputTokens,
    maxTokens: type.maxTokens,
    prompt,
    promptHash: hashNormalised(prompt),
    repeated,
    featuresNum,
    featuresCat,
  };
}

// The draws of popular prompt `id`: a fixed stream per prompt, so each repeat is identical.
function popularDraws(id: number, pool: number): () => number {
  return seededRandom(deriveSeed(id, `popular/${pool}`));
}

function numeric(spec: NumericFeatureSpec, random: () => number): number {
  const value = spec.mean + spec.sd * standardNormal(random(), random());
  return min(spec.max ?? value, max(spec.min ?? value, value));
}
