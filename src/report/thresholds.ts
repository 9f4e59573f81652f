// Every threshold the insight report decides with, in one table (docs/report.md explains each).
// Shares are 0..1; a rule fires or a rating is reached when the figure is AT or beyond the value.

/** The thresholds of the summary verdicts, the recommendation rules and the risk ratings. */
export const REPORT_THRESHOLDS = {
  summary: {
    // Less than the target offered and at least this share of it served: the window was
    // demand-limited, so throughput under its target is not a breach (nobody asked for more).
    // Also the share of the offered load under which the batching rule counts the model as not
    // keeping up, whatever the target.
    servedShareOfOffered: 0.95,
  },
  batching: {
    // Batching is recommended only when batches are smaller than this on average.
    maxMeanBatchSize: 5,
  },
  autoscaling: {
    // Queueing dominates TTFT when the mean queue time is at least this share of mean TTFT.
    queueShareOfTtft: 0.5,
  },
  caching: {
    // A cache is worth it when at least this share of requests repeat a prompt of the window.
    minRepeatRate: 0.05,
  },
  risks: {
    gpuOversubscription: {
      // Share of requests shed with 503 (queue full, busy).
      shedShare: { medium: 0.01, high: 0.05 },
      // Share of requests refused with 429: admission control shields the device, so a larger
      // share is needed before it speaks of over-subscription.
      rateLimitedShare: { medium: 0.02, high: 0.1 },
      // Queue p95 as a share of the TTFT mean target: half the budget spent waiting is a warning,
      // the whole budget spent waiting is over-subscription.
      queueP95OfTtftTarget: { medium: 0.5, high: 1 },
      // Latency p99 growth against the previous window ((now − before) / before).
      latencyP99Growth: { medium: 0.25, high: 1 },
    },
    cachingInconsistency: {
      // Any hit answered by another model version is High (hitsAcrossVersions > 0).
      // Medium: two or more versions served in the window while the cache hit at least this share.
      hitRateWithSeveralVersions: 0.01,
    },
    modelDrift: {
      // Dataset drift is High; a drift share at least this share of its threshold is Medium.
      shareOfThreshold: 0.5,
    },
  },
} as const;
