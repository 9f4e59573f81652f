// One SLO evaluated at `nowMs` for its models: load their inputs from the rollups in one query
// (the I/O), then the pure math per model. The SLO job calls this once per configured SLO.
//
// The engine hands back per-minute rows only for the recent minutes that some window of the
// evaluation starts among; older minutes come summed per hour, on a grid counted back from the
// window's end, so that every window the math sums over (the SLO window, the burn-rate and alert
// windows: all whole hours but the short ones) still starts on a row boundary and its sums are
// exactly those of the per-minute rows — ~800 rows for 30 days instead of 43,200.
import {
  type CountedSli,
  type CountGrid,
  type SliceCounts,
  type SliceMetric,
  sloGridCounts,
  sloSliceGridCounts,
} from '../store/repositories/slo-data';
import type { Store } from '../store/store';
import {
  conditionsOf,
  evaluateSlo,
  REPORTED_BURN_WINDOWS_MS,
  type SloEvaluation,
  type SloMathSpec,
  tallyRangeFor,
} from './evaluate';
import { mathSpecOf } from './math-spec';
import type { SloSpec } from './spec';
import { type MinuteRange, type Tally, tallyOccurrences } from './tally';
import { DEFAULT_SLO_WINDOW, HOUR_MS, sloWindowRange } from './windows';

/** One model's verdict, or why it could not be computed (odd data the math refuses). */
export type ModelEvaluation = { model: string } & (
  | { evaluation: SloEvaluation }
  | { error: unknown }
);

/**
 * Returns the verdict of `spec` for each of `models` at `nowMs`, computed from the minute
 * rollups with one query for all of them; a model whose data the math refuses gets its error.
 */
export async function loadAndEvaluateModels(
  store: Store,
  spec: SloSpec,
  models: readonly string[],
  nowMs: number,
): Promise<ModelEvaluation[]> {
  const math = mathSpecOf(spec);
  const range = tallyRangeFor(math, nowMs);
  const grid = exactGrid(math, nowMs, range);
  const tallies = await loadTallies(store, spec, models, range, grid);
  return models.map((model) => {
    try {
      return { model, evaluation: evaluateSlo(math, tallies(model), nowMs) };
    } catch (error) {
      return { model, error };
    }
  });
}

/** Returns the verdict of `spec` for `model` at `nowMs`, computed from the minute rollups. */
export async function loadAndEvaluate(
  store: Store,
  spec: SloSpec,
  model: string,
  nowMs: number,
): Promise<SloEvaluation> {
  const [result] = await loadAndEvaluateModels(store, spec, [model], nowMs);
  if (result === undefined || 'error' in result) throw result?.error;
  return result.evaluation;
}

// Loads the SLI's counts for every model at once; returns each model's tally (built on demand,
// so that a model whose counts the tally refuses fails alone).
async function loadTallies(
  store: Store,
  spec: SloSpec,
  models: readonly string[],
  range: MinuteRange,
  grid: CountGrid,
): Promise<(model: string) => Tally> {
  const { sli } = spec;
  if (sli.kind === 'timeslice') {
    const metric: SliceMetric =
      sli.metric === 'score_mean'
        ? { metric: 'score_mean', score: sli.score ?? '', sliceMinutes: sli.sliceMinutes }
        : { metric: sli.metric, sliceMinutes: sli.sliceMinutes };
    const counts = await sloSliceGridCounts(store, models, metric, sli, range, grid);
    return (model) => sliceCountsTally(counts.get(model) ?? [], range);
  }
  const counted: CountedSli = sli;
  const counts = await sloGridCounts(store, models, counted, range, grid);
  return (model) => tallyOccurrences(counts.get(model) ?? [], range);
}

/**
 * Returns the grid of hourly buckets that loses nothing for `math` at `nowMs`: per-minute rows
 * back to the start of the longest window evaluateSlo sums over whose length is not a whole
 * number of hours (rounded up to an hour), hourly buckets before that. Every other window is a
 * whole number of hours ending at the range's end, so it starts on a bucket bound.
 */
export function exactGrid(math: SloMathSpec, nowMs: number, range: MinuteRange): CountGrid {
  const window = sloWindowRange(math.window ?? DEFAULT_SLO_WINDOW, nowMs);
  const lengths = [
    window.toMs - window.fromMs,
    ...REPORTED_BURN_WINDOWS_MS,
    ...conditionsOf(math).flatMap((c) => [c.shortMs, c.longMs]),
  ];
  const fine = Math.max(0, ...lengths.filter((ms) => ms % HOUR_MS !== 0));
  const fineFromMs = range.toMs - Math.ceil(fine / HOUR_MS) * HOUR_MS;
  return { fineFromMs: Math.max(range.fromMs, fineFromMs), grainMs: HOUR_MS };
}

// Slice counts as a tally: good and total slices from one prefix sum, events from another.
function sliceCountsTally(counts: readonly SliceCounts[], range: MinuteRange): Tally {
  const slices = tallyOccurrences(counts, range);
  const events = tallyOccurrences(
    counts.map((c) => ({ minuteMs: c.minuteMs, good: 0, total: c.events })),
    range,
  );
  return {
    range,
    sum: (fromMs, toMs) => ({
      ...slices.sum(fromMs, toMs),
      events: events.sum(fromMs, toMs).total,
    }),
  };
}
