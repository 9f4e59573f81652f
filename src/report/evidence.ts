// What an insight report is computed from: figures measured over the report's window (and the
// window before it), each naming where it came from. report/gather.ts reads them from the store;
// everything else in src/report is pure over this shape.

/** A measured figure and its source: the table, query or fitted model it came from. */
export interface Figure {
  /** null when nothing was measured (no requests, no scores of that name, ...). */
  value: number | null;
  /** e.g. "requests_1m: sum(requests - errors) / window seconds". */
  source: string;
}

/** How the cache served the window's requests. */
export interface CacheFigures {
  lookups: number;
  hits: number;
  /** hits / lookups. */
  hitRate: Figure;
  /** Share of requests whose normalised prompt was already seen in the window (0..1). */
  repeatRate: Figure;
  /** Cache hits answered with another model version than the one serving the request. */
  hitsAcrossVersions: Figure;
  /** Mean TTFT of cache hits and of misses, ms. */
  hitTtftMeanMs: Figure;
  missTtftMeanMs: Figure;
}

/** Request and quality figures of one window. */
export interface WindowFigures {
  fromMs: number;
  toMs: number;
  /** Every request the model saw, refused ones included. */
  requests: number;
  /** Requests answered without error. */
  ok: number;
  /** requests / window seconds. */
  offeredRps: Figure;
  /** ok / window seconds: what was served. */
  throughputRps: Figure;
  /** Requests per second of the busiest minute. */
  peakOfferedRps: Figure;
  ttftMeanMs: Figure;
  ttftP95Ms: Figure;
  latencyP95Ms: Figure;
  latencyP99Ms: Figure;
  queueMeanMs: Figure;
  queueP95Ms: Figure;
  batchSizeMean: Figure;
  /** Share of requests refused with 429 (rate limits) and 503 (queue full, shed, busy). */
  rateLimitedShare: Figure;
  shedShare: Figure;
  /** Mean of the `accuracy` and `coherence` scores (0..1). */
  accuracy: Figure;
  coherence: Figure;
  /** Model versions that served requests in the window, by first request. */
  versions: string[];
  cache: CacheFigures;
}

/** Device time of the batches of one size: a point latency(B) = F + c·B is fitted to. */
export interface BatchPoint {
  size: number;
  batches: number;
  /** Mean time a batch of this size took on the device, ms. */
  meanMs: number;
}

/** A device's latency(B) = fixedMs + perItemMs · B, as configured for the model. */
export interface DeviceProfileEvidence {
  fixedMs: number;
  perItemMs: number;
  source: string;
}

/**
 * What the report measures against, from the `reports:` configuration (src/report/config.ts).
 * A figure without a target gets no verdict ("no_target"), never an invented one.
 */
export interface ReportTargets {
  throughputRps?: number;
  ttftMeanMs?: number;
  /** Optional ceiling for TTFT p95, ms; without it the summary shows p95 with no target. */
  ttftP95Ms?: number;
  /** Below these, accuracy and coherence are marked as breached (0..1). */
  accuracy?: number;
  coherence?: number;
}

/** The latest evaluation of one SLO of the model. */
export interface SloEvidence {
  name: string;
  objective: number;
  sli: number | null;
  breached: boolean;
  /** Share of the error budget left (may be negative). */
  budgetRemaining: number | null;
  /** The fastest burn rate of its windows. */
  burnRate: number | null;
  evaluatedAtMs: number;
}

/** One drift report of the model (gather gives the latest first). */
export interface DriftEvidence {
  reportId: string;
  createdAtMs: number;
  features: number;
  drifted: number;
  driftShare: number;
  shareThreshold: number;
  datasetDrift: boolean;
}

/** One step of the window's time series (the HTML report's charts). */
export interface SeriesPoint {
  startMs: number;
  offeredRps: number | null;
  throughputRps: number | null;
  ttftMeanMs: number | null;
}

/** Everything one report is computed from. */
export interface ReportEvidence {
  model: string;
  generatedAtMs: number;
  current: WindowFigures;
  /** The window of the same length just before (null when its data covers less than half of it). */
  previous: WindowFigures | null;
  targets: ReportTargets;
  batching: {
    /** Device time per observed batch size in the current window. */
    points: BatchPoint[];
    /** The configured device profile, used when fewer than two batch sizes were observed. */
    profile: DeviceProfileEvidence | null;
    /** Batches the device runs at once (the sidecar's max_in_flight). */
    inFlight: number;
  };
  slos: SloEvidence[];
  drift: DriftEvidence[];
  /** The current window in steps (e.g. minutes), oldest first. */
  series: { stepSeconds: number; points: SeriesPoint[]; source: string };
}
