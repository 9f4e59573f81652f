// Reads the evidence of one insight report from the store: the model's summary over the window
// and the window before (minute rollups, as GET /api/v1/models/:model/summary answers), the raw
// figures the rollups lack (src/store/repositories/report-evidence.ts), the latest SLO
// evaluations and drift reports, and the window's series. Every figure names its source.
import type { Clock } from '../clock';
import { type ModelStats, windowOf } from '../model-stats/service';
import type { ModelSummary } from '../model-stats/summary';
import { parseMetric } from '../model-stats/timeseries';
import { elapsedSeconds, type TimeRange } from '../model-stats/window';
import { listDriftReports } from '../store/repositories/drift-reports';
import {
  batchTimes,
  minutesWithRequests,
  PROMPT_HASH_ATTRIBUTE,
  peakMinuteRequests,
  type RequestMix,
  requestMix,
  versionsSeen,
} from '../store/repositories/report-evidence';
import { latestSloStatus, type SloStatus } from '../store/repositories/slo-status';
import type { Store } from '../store/store';
import type { ModelReportSettings } from './config';
import type {
  DriftEvidence,
  Figure,
  ReportEvidence,
  SeriesPoint,
  SloEvidence,
  WindowFigures,
} from './evidence';

/** What gathering reads from. */
export interface GatherDeps {
  store: Store;
  stats: ModelStats;
  clock: Clock;
}

/** The report asked for: a model, the window's length (ending now, or at `toMs`), its settings. */
export interface GatherRequest {
  model: string;
  windowMs: number;
  toMs?: number;
  settings: ModelReportSettings;
}

/** The drift reports a report looks back on, newest first. */
export const DRIFT_REPORTS_READ = 5;
/** At most this many points in the report's series (its step grows in whole minutes). */
export const SERIES_POINTS = 120;

const ROLLUP = 'requests_1m';
const RAW = 'inference_requests';

/** Returns the evidence of the model's report; 404 (AppError) for a model never seen. */
export async function gatherEvidence(
  deps: GatherDeps,
  req: GatherRequest,
): Promise<ReportEvidence> {
  const nowMs = deps.clock.now().getTime();
  const toMs = req.toMs ?? nowMs;
  const window = windowOf({ from: toMs - req.windowMs, to: toMs }, nowMs);
  const span = window.toMs - window.fromMs;
  const previousWindow = { fromMs: window.fromMs - span, toMs: window.fromMs };
  const [current, previous, previousMinutes, points, slos, drift, series] = await Promise.all([
    windowFigures(deps, req.model, window, nowMs),
    windowFigures(deps, req.model, previousWindow, nowMs),
    minutesWithRequests(deps.store, req.model, previousWindow),
    batchTimes(deps.store, req.model, window),
    // The SLOs as evaluated during the window, and the drift reports on data up to its end
    // (and no older than the window before): a past window is not judged by later verdicts.
    latestSloStatus(deps.store, window),
    listDriftReports(deps.store, {
      model: req.model,
      fromMs: previousWindow.fromMs,
      toMs: window.toMs + 1,
      limit: DRIFT_REPORTS_READ,
    }),
    seriesOf(deps, req.model, window),
  ]);
  const { targets, profile, inFlight } = req.settings;
  return {
    model: req.model,
    generatedAtMs: nowMs,
    current,
    // Compared only when at least half of its minutes saw requests: a window that saw the model
    // for a few minutes (it was just deployed, or stopped early) is no baseline.
    previous: previousMinutes >= span / 60_000 / 2 ? previous : null,
    targets,
    batching: {
      points: points.map((p) => ({ size: p.size, batches: p.requests / p.size, meanMs: p.meanMs })),
      profile,
      inFlight,
    },
    slos: slos.filter((s) => s.model === req.model).map(sloEvidence),
    drift: drift.map(
      (d): DriftEvidence => ({
        reportId: d.id,
        createdAtMs: d.createdAtMs,
        features: d.features,
        drifted: d.drifted,
        driftShare: d.driftShare,
        shareThreshold: d.shareThreshold,
        datasetDrift: d.datasetDrift,
      }),
    ),
    series,
  };
}

async function windowFigures(
  deps: GatherDeps,
  model: string,
  window: TimeRange,
  nowMs: number,
): Promise<WindowFigures> {
  const [summary, mix, peak, versions] = await Promise.all([
    deps.stats.summary(model, { from: window.fromMs, to: window.toMs }),
    requestMix(deps.store, model, window),
    peakMinuteRequests(deps.store, model, window),
    versionsSeen(deps.store, model, window),
  ]);
  const seconds = elapsedSeconds(window.fromMs, window.toMs, nowMs);
  const ok = summary.requests - summary.errors;
  return {
    fromMs: window.fromMs,
    toMs: window.toMs,
    requests: summary.requests,
    ok,
    offeredRps: fig(perSecond(summary.requests, seconds), `${ROLLUP}: requests / elapsed seconds`),
    throughputRps: fig(perSecond(ok, seconds), `${ROLLUP}: (requests - errors) / elapsed seconds`),
    peakOfferedRps: fig(summary.requests > 0 ? peak / 60 : null, `${ROLLUP}: busiest minute / 60`),
    ttftMeanMs: fig(summary.ttft_ms.mean, `${ROLLUP}: ttft sum / count`),
    ttftP95Ms: fig(summary.ttft_ms.p95, `${ROLLUP}: ttft t-digest p95`),
    latencyP95Ms: fig(summary.latency_ms.p95, `${ROLLUP}: latency t-digest p95`),
    latencyP99Ms: fig(summary.latency_ms.p99, `${ROLLUP}: latency t-digest p99`),
    queueMeanMs: fig(summary.queue_ms.mean, `${ROLLUP}: queue sum / count`),
    queueP95Ms: fig(summary.queue_ms.p95, `${ROLLUP}: queue t-digest p95`),
    batchSizeMean: fig(summary.batch_size_mean, `${ROLLUP}: batch size sum / batched requests`),
    rateLimitedShare: fig(
      ratio(mix.rateLimited, mix.requests),
      `${RAW}: error_type rate_limited / requests`,
    ),
    shedShare: fig(
      ratio(mix.refused503, mix.requests),
      `${RAW}: error_type queue_full, shed, models_busy, batcher_closed / requests`,
    ),
    accuracy: scoreFigure(summary, 'accuracy'),
    coherence: scoreFigure(summary, 'coherence'),
    versions,
    cache: cacheFigures(mix),
  };
}

function cacheFigures(mix: RequestMix): WindowFigures['cache'] {
  return {
    lookups: mix.cacheLookups,
    hits: mix.cacheHits,
    hitRate: fig(ratio(mix.cacheHits, mix.cacheLookups), `${RAW}: cache hits / lookups`),
    repeatRate:
      mix.hashed > 0
        ? fig(
            (mix.hashed - mix.distinctHashes) / mix.hashed,
            `${RAW}: 1 - distinct / requests carrying ${PROMPT_HASH_ATTRIBUTE}`,
          )
        : fig(null, `${RAW}: no request carried ${PROMPT_HASH_ATTRIBUTE}`),
    hitsAcrossVersions: fig(
      mix.hitsAcrossVersions,
      mix.hitsAcrossVersions === null
        ? `${RAW}: no cache hit named the version of its answer`
        : `${RAW}: cache hits whose answer's version differs from the serving version`,
    ),
    hitTtftMeanMs: fig(mix.hitTtftMeanMs, `${RAW}: mean ttft of cache hits`),
    missTtftMeanMs: fig(mix.missTtftMeanMs, `${RAW}: mean ttft of cache misses`),
  };
}

async function seriesOf(
  deps: GatherDeps,
  model: string,
  window: TimeRange,
): Promise<ReportEvidence['series']> {
  const minutes = Math.max(1, Math.ceil((window.toMs - window.fromMs) / 60_000 / SERIES_POINTS));
  const stepSeconds = minutes * 60;
  const metric = (name: string) => {
    const parsed = parseMetric(name);
    if ('error' in parsed) throw new Error(parsed.error);
    return deps.stats.timeseries(model, {
      from: window.fromMs,
      to: window.toMs,
      metric: parsed,
      stepSeconds,
    });
  };
  const [offered, requests, errors, ttft] = await Promise.all([
    metric('throughput_rps'),
    metric('requests'),
    metric('errors'),
    metric('ttft_ms_mean'),
  ]);
  const points = offered.points.map((p, i): SeriesPoint => {
    const offeredRps = p.value;
    const total = requests.points[i]?.value ?? 0;
    const failed = errors.points[i]?.value ?? 0;
    // Served is offered times the answered share: the same elapsed seconds (a step still
    // running, or cut by the window, counts only its part).
    const served =
      offeredRps === null || total === 0 ? offeredRps : offeredRps * ((total - failed) / total);
    return {
      startMs: Date.parse(p.ts),
      offeredRps,
      throughputRps: served,
      ttftMeanMs: ttft.points[i]?.value ?? null,
    };
  });
  return {
    stepSeconds,
    points,
    source: `${ROLLUP}: per ${minutes} min, requests and errors per second, mean ttft`,
  };
}

function sloEvidence(s: SloStatus): SloEvidence {
  const rates = Object.values(s.burn_rates).filter((r): r is number => r !== null);
  return {
    name: s.slo,
    objective: s.objective,
    sli: s.sli,
    breached: s.firing !== 'none' || (s.sli !== null && s.sli < s.objective),
    budgetRemaining: s.budget_remaining,
    burnRate: rates.length > 0 ? Math.max(...rates) : null,
    evaluatedAtMs: s.evaluated_at_ms,
  };
}

function scoreFigure(summary: ModelSummary, name: string): Figure {
  const score = summary.scores[name];
  return fig(
    score?.mean ?? null,
    `evaluations_1m: mean of score "${name}" (${score?.count ?? 0} scored)`,
  );
}

function fig(value: number | null, source: string): Figure {
  return { value, source };
}

function perSecond(n: number, seconds: number | null): number | null {
  return seconds === null ? null : n / seconds;
}

function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}
