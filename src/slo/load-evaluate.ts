// One SLO × model evaluated at `nowMs`: load its inputs from the rollups (the I/O), then the
// pure math. The SLO job calls this for every configured SLO and model.
import {
  type CountedSli,
  type SliceMetric,
  sloMinuteCounts,
  sloSliceValues,
} from '../store/repositories/slo-data';
import type { Store } from '../store/store';
import { evaluateSlo, type SloEvaluation, tallyRangeFor } from './evaluate';
import { mathSpecOf, sliceVerdicts } from './math-spec';
import type { SloSpec } from './spec';
import { tallyOccurrences, tallySlices } from './tally';

/** Returns the verdict of `spec` for `model` at `nowMs`, computed from the minute rollups. */
export async function loadAndEvaluate(
  store: Store,
  spec: SloSpec,
  model: string,
  nowMs: number,
): Promise<SloEvaluation> {
  const math = mathSpecOf(spec);
  const range = tallyRangeFor(math, nowMs);
  const { sli } = spec;
  if (sli.kind === 'timeslice') {
    const metric: SliceMetric =
      sli.metric === 'score_mean'
        ? { metric: 'score_mean', score: sli.score ?? '', sliceMinutes: sli.sliceMinutes }
        : { metric: sli.metric, sliceMinutes: sli.sliceMinutes };
    const values = await sloSliceValues(store, model, metric, range);
    const tally = tallySlices(
      sliceVerdicts(values, sli.op, sli.threshold),
      range,
      sli.sliceMinutes * 60_000,
    );
    return evaluateSlo(math, tally, nowMs);
  }
  const counted: CountedSli = sli;
  const counts = await sloMinuteCounts(store, model, counted, range);
  return evaluateSlo(math, tallyOccurrences(counts, range), nowMs);
}
