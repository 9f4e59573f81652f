// Model statistics for the API: loads rollup sums and digests through the repository, then
// shapes them (summary.ts, timeseries.ts). The only I/O of this module is the repository.
import type { Clock } from '../clock';
import { AppError } from '../errors';
import {
  listModels,
  modelKnown,
  requestQuantiles,
  requestSeries,
  requestTotals,
  scoreSeries,
  scoreTotals,
  stepQuantiles,
} from '../store/repositories/model-stats';
import type { Store } from '../store/store';
import { type ModelSummary, shapeSummary, summaryLevels } from './summary';
import {
  MAX_POINTS,
  type Metric,
  minimalStep,
  pointCount,
  requestPoints,
  scorePoints,
  stepLevels,
  type Timeseries,
  withQuantiles,
} from './timeseries';
import { alignToMinutes, iso, resolveRange, type TimeRange } from './window';

/** A model in GET /api/v1/models. */
export interface ModelEntry {
  model: string;
  first_seen: string;
  last_seen: string;
  versions: string[];
  requests: number;
}

/** What the request asked for: optional from/to in epoch ms (defaults: the last hour). */
export interface RangeQuery {
  from?: number | undefined;
  to?: number | undefined;
}

/** The read side of model statistics, as the API uses it. */
export interface ModelStats {
  /** Returns every model seen in the request rollup, by name. */
  models(): Promise<ModelEntry[]>;
  /** Returns a model's summary over a window; 404 for a model never seen, 400 for a bad window. */
  summary(model: string, query: RangeQuery): Promise<ModelSummary>;
  /** Returns one metric per step over a window; 404/400 as summary, 400 past MAX_POINTS. */
  timeseries(
    model: string,
    query: RangeQuery & { metric: Metric; stepSeconds?: number | undefined },
  ): Promise<Timeseries>;
}

function badParameter(message: string): AppError {
  return new AppError('invalid_parameter', 400, message);
}

/** Returns the minute-aligned window of a query at `nowMs`; throws a 400 naming the parameter. */
export function windowOf(query: RangeQuery, nowMs: number): TimeRange {
  const range = resolveRange(query, nowMs);
  if ('error' in range) throw badParameter(range.error);
  return alignToMinutes(range);
}

/** Returns ModelStats over a store, with `clock` for default windows and throughput. */
export function createModelStats(store: Store, clock: Clock): ModelStats {
  const known = async (model: string) => {
    if (!(await modelKnown(store, model)))
      throw new AppError('model_not_found', 404, `model "${model}" has never been seen`);
  };

  return {
    async models() {
      const models = await listModels(store);
      return models.map((m) => ({
        model: m.model,
        first_seen: iso(m.firstSeenMs),
        last_seen: iso(m.lastSeenMs),
        versions: m.versions,
        requests: m.requests,
      }));
    },

    async summary(model, query) {
      const nowMs = clock.now().getTime();
      const window = windowOf(query, nowMs);
      await known(model);
      const [sums, scores] = await Promise.all([
        requestTotals(store, model, window),
        scoreTotals(store, model, window),
      ]);
      // The levels depend on the counts (numpy's rank), hence a second query.
      const digests = await requestQuantiles(store, model, window, summaryLevels(sums));
      return shapeSummary({ model, window, nowMs, sums, digests, scores });
    },

    async timeseries(model, query) {
      const nowMs = clock.now().getTime();
      const window = windowOf(query, nowMs);
      const stepSeconds = query.stepSeconds ?? minimalStep(window);
      const points = pointCount(window, stepSeconds);
      if (points > MAX_POINTS) {
        throw badParameter(
          `step: ${stepSeconds / 60} min over ${iso(window.fromMs)}..${iso(window.toMs)} gives ` +
            `${points} points, more than ${MAX_POINTS}; use a step of at least ${minimalStep(window) / 60}m`,
        );
      }
      await known(model);
      const { metric } = query;
      const base = {
        model,
        metric: metric.name,
        step_seconds: stepSeconds,
        from: iso(window.fromMs),
        to: iso(window.toMs),
      };
      if (metric.kind === 'score') {
        const steps = await scoreSeries(store, model, metric.score, window, stepSeconds);
        return { ...base, points: scorePoints({ window, stepSeconds, steps }) };
      }
      const sums = await requestSeries(store, model, window, stepSeconds);
      const { quantile } = metric;
      // Levels depend on each step's count (numpy's rank), hence a second query.
      const answers =
        quantile === undefined
          ? new Map<number, Array<number | null>>()
          : await stepQuantiles(
              store,
              model,
              window,
              stepSeconds,
              quantile.column,
              stepLevels(sums, quantile.column, quantile.level),
            );
      const steps = withQuantiles(sums, quantile, answers);
      return {
        ...base,
        points: requestPoints({ metric: metric.name, window, stepSeconds, nowMs, steps }),
      };
    },
  };
}
