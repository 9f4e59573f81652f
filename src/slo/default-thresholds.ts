// The thresholds of the default SLOs (src/slo/defaults.ts), which the insight report's default
// targets share: one place for the numbers.

/** TTFT p95, throughput, accuracy and coherence of the default SLOs. */
export const DEFAULT_THRESHOLDS = {
  ttftP95Ms: 800,
  throughputRps: 10,
  accuracy: 0.85,
  coherence: 0.9,
} as const;
