// The SLO loader as it was before the hourly grid, kept for bench/slo.ts as the in-run "before":
// one model at a time, one row per minute (occurrences) or per slice (timeslices) for the whole
// window, verdicts judged in JavaScript — a p95 slice by its t-digest p95, where the job now
// counts the slice's requests under the threshold: nearest rank, where the t-digest interpolates
// (verdicts differ only for a p95 within the digest's error of the threshold). Same math (evaluateSlo).
import { evaluateSlo, type SloEvaluation, tallyRangeFor } from '../src/slo/evaluate';
import { mathSpecOf, sliceVerdicts } from '../src/slo/math-spec';
import type { SloSpec } from '../src/slo/spec';
import { tallyOccurrences, tallySlices } from '../src/slo/tally';
import { sloMinuteCounts, sloSliceValues } from '../src/store/repositories/slo-data';
import type { Store } from '../src/store/store';

/** Returns the verdict of `spec` for `model` at `nowMs` from per-minute (per-slice) rows. */
export async function loadAndEvaluatePerMinute(
  store: Store,
  spec: SloSpec,
  model: string,
  nowMs: number,
): Promise<SloEvaluation> {
  const math = mathSpecOf(spec);
  const range = tallyRangeFor(math, nowMs);
  const { sli } = spec;
  if (sli.kind === 'timeslice') {
    const metric =
      sli.metric === 'score_mean'
        ? { metric: 'score_mean' as const, score: sli.score ?? '', sliceMinutes: sli.sliceMinutes }
        : { metric: sli.metric, sliceMinutes: sli.sliceMinutes };
    const values = await sloSliceValues(store, model, metric, range);
    const verdicts = sliceVerdicts(values, sli.op, sli.threshold);
    return evaluateSlo(math, tallySlices(verdicts, range, sli.sliceMinutes * 60_000), nowMs);
  }
  const counts = await sloMinuteCounts(store, model, sli, range);
  return evaluateSlo(math, tallyOccurrences(counts, range), nowMs);
}
