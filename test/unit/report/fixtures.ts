// Reference evidence for the insight report's tests: the chimera hour with batching off (a model
// that serves half of what it is offered, every request queueing) and the same hour batched.
import type {
  CacheFigures,
  Figure,
  ReportEvidence,
  SeriesPoint,
  WindowFigures,
} from '../../../src/report/evidence';

const HOUR = 3_600_000;
/** 2026-11-20T03:00:00Z: the chimera hour starts here. */
export const T0 = Date.UTC(2026, 10, 20, 3);

/** Returns a figure with a source naming the fixture field. */
export const fig = (value: number | null, name = 'x'): Figure => ({
  value,
  source: `fixture: ${name}`,
});

/** Returns cache figures (a cache that saw no lookups unless overridden). */
export function cacheFigures(over: Partial<CacheFigures> = {}): CacheFigures {
  return {
    lookups: 0,
    hits: 0,
    hitRate: fig(null, 'hit_rate'),
    repeatRate: fig(0.02, 'repeat_rate'),
    hitsAcrossVersions: fig(0, 'hits_across_versions'),
    hitTtftMeanMs: fig(null, 'hit_ttft'),
    missTtftMeanMs: fig(null, 'miss_ttft'),
    ...over,
  };
}

/** Returns the window figures of the chimera hour with batching off, overridden by `over`. */
export function chimeraWindow(over: Partial<WindowFigures> = {}): WindowFigures {
  return {
    fromMs: T0,
    toMs: T0 + HOUR,
    requests: 36_000,
    ok: 18_360,
    offeredRps: fig(10, 'offered_rps'),
    throughputRps: fig(5.1, 'throughput_rps'),
    peakOfferedRps: fig(10.6, 'peak_offered_rps'),
    ttftMeanMs: fig(1200, 'ttft_mean'),
    ttftP95Ms: fig(1350, 'ttft_p95'),
    latencyP95Ms: fig(1500, 'latency_p95'),
    latencyP99Ms: fig(1600, 'latency_p99'),
    queueMeanMs: fig(1100, 'queue_mean'),
    queueP95Ms: fig(1250, 'queue_p95'),
    batchSizeMean: fig(1, 'batch_size_mean'),
    rateLimitedShare: fig(0, 'rate_limited_share'),
    shedShare: fig(0.49, 'shed_share'),
    accuracy: fig(0.872, 'accuracy'),
    coherence: fig(0.928, 'coherence'),
    versions: ['v3'],
    cache: cacheFigures(),
    ...over,
  };
}

function series(offered: number, served: number, ttft: number): SeriesPoint[] {
  return Array.from({ length: 60 }, (_, i) => ({
    startMs: T0 + i * 60_000,
    offeredRps: offered + 0.6 * Math.sin(i / 5),
    throughputRps: served + 0.1 * Math.cos(i / 7),
    ttftMeanMs: ttft + 60 * Math.sin(i / 9),
  }));
}

/** The chimera hour, batching off: offered 10 rps, served 5.1, TTFT 1.2 s mostly queueing. */
export function chimeraHour(over: Partial<ReportEvidence> = {}): ReportEvidence {
  return {
    model: 'chimera',
    generatedAtMs: T0 + HOUR + 5_000,
    current: chimeraWindow(),
    previous: null,
    targets: { throughputRps: 10, ttftMeanMs: 800 },
    batching: {
      points: [{ size: 1, batches: 18_360, meanMs: 196 }],
      profile: { fixedMs: 180, perItemMs: 16, source: 'sidecar config: emulated device profile' },
      inFlight: 1,
    },
    slos: [
      {
        name: 'ttft-mean',
        objective: 0.99,
        sli: 0.41,
        breached: true,
        budgetRemaining: -3.2,
        burnRate: 59,
        evaluatedAtMs: T0 + HOUR,
      },
      {
        name: 'availability',
        objective: 0.995,
        sli: 0.51,
        breached: true,
        budgetRemaining: -97,
        burnRate: 98,
        evaluatedAtMs: T0 + HOUR,
      },
    ],
    drift: [
      {
        reportId: 'drift_chimera_1',
        createdAtMs: T0 + HOUR,
        features: 10,
        drifted: 1,
        driftShare: 0.1,
        shareThreshold: 0.5,
        datasetDrift: false,
      },
    ],
    series: { stepSeconds: 60, points: series(10, 5.1, 1200), source: 'requests_1m per minute' },
    ...over,
  };
}

/** The chimera hour batched: offered 10 rps, all served, TTFT 300 ms, batches of 2.9 on the line 180 + 16·B. */
export function chimeraBatchedHour(over: Partial<ReportEvidence> = {}): ReportEvidence {
  const batches = [2400, 2600, 3000, 2400, 2000];
  return chimeraHour({
    current: chimeraWindow({
      ok: 36_000,
      throughputRps: fig(10, 'throughput_rps'),
      ttftMeanMs: fig(300, 'ttft_mean'),
      ttftP95Ms: fig(420, 'ttft_p95'),
      latencyP95Ms: fig(520, 'latency_p95'),
      latencyP99Ms: fig(610, 'latency_p99'),
      queueMeanMs: fig(150, 'queue_mean'),
      queueP95Ms: fig(250, 'queue_p95'),
      batchSizeMean: fig(2.9, 'batch_size_mean'),
      shedShare: fig(0, 'shed_share'),
    }),
    batching: {
      points: batches.map((n, i) => ({ size: i + 1, batches: n, meanMs: 180 + 16 * (i + 1) })),
      profile: { fixedMs: 180, perItemMs: 16, source: 'sidecar config: emulated device profile' },
      inFlight: 1,
    },
    slos: [
      {
        name: 'ttft-mean',
        objective: 0.99,
        sli: 0.995,
        breached: false,
        budgetRemaining: 0.6,
        burnRate: 0.5,
        evaluatedAtMs: T0 + HOUR,
      },
    ],
    series: { stepSeconds: 60, points: series(10, 10, 300), source: 'requests_1m per minute' },
    ...over,
  });
}
