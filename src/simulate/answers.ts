// The truth about each answer a model version gives: correct or not, its coherence score, and
// when its correctness label arrives.
//
// Why not independent draws: a Bernoulli(0.872) per answer over the ~18,000 answers of an hour
// of chimera has a standard deviation of 0.25 %, so some seeds would miss 87.2 % by more than
// 0.5 %. Here the n-th answer of a version takes the n-th point of a Weyl sequence
// frac(u0 + n·α) (α from the plastic number, Roberts' R2 sequence, one coordinate for
// correctness and one for coherence): every prefix of n answers is within O(log n / n) of the
// scenario's truth, whatever the seed (which only moves u0). Answers are numbered in the order
// they are served, not offered: a refused request gets no answer, so the served ones match.
import { deriveSeed, seededRandom } from '../random';
import type { QualitySpec } from './scenario';

// Module-level aliases: under jest every global lookup (Math) goes through the vm context's
// interceptors, ~10x slower in this per-request code.
const { min } = Math;

/** One served answer's ground truth. */
export interface AnswerTruth {
  correct: boolean;
  /** In [0, 1]. */
  coherence: number;
  /** When the correctness label arrives after the answer. */
  labelDelayMs: number;
}

// R2 sequence constants: 1/g and 1/g², g the plastic number (x³ = x + 1).
const PLASTIC = 1.324717957244746;
const ALPHA_1 = 1 / PLASTIC;
const ALPHA_2 = 1 / (PLASTIC * PLASTIC);
// Shape of the coherence deficit 1 − c = k'·y^SKEW (y uniform): mostly near 1, a tail below.
const SKEW = 3;

interface VersionState {
  n: number;
  u1: number;
  u2: number;
}

/** Returns the answer truths of a run: call it once per served answer, in serving order. */
export function answerTruths(
  seed: number,
  labelDelayMinutes: { min: number; max: number },
): (version: string, quality: QualitySpec) => AnswerTruth {
  const delays = seededRandom(deriveSeed(seed, 'label-delay'));
  const versions = new Map<string, VersionState>();
  return (version, quality) => {
    let state = versions.get(version);
    if (state === undefined) {
      const start = seededRandom(deriveSeed(seed, `answers/${version}`));
      state = { n: 0, u1: start(), u2: start() };
      versions.set(version, state);
    }
    state.n++;
    const x = (state.u1 + state.n * ALPHA_1) % 1;
    const y = (state.u2 + state.n * ALPHA_2) % 1;
    const { min, max } = labelDelayMinutes;
    return {
      correct: x < quality.accuracy,
      coherence: coherenceOf(y, quality.coherenceMean),
      labelDelayMs: (min + delays() * (max - min)) * 60_000,
    };
  };
}

/**
 * Returns the coherence score of quantile `y` for a distribution on [0, 1] with mean `mean`:
 * 1 − c·y^k with c = (1 − mean)(k + 1), so the mean is exact; k is lowered for low means so
 * that c ≤ 1 keeps scores in [0, 1].
 */
export function coherenceOf(y: number, mean: number): number {
  const k = min(SKEW, 1 / (1 - mean) - 1);
  return 1 - (1 - mean) * (k + 1) * y ** k;
}
