// The data the model-statistics repository returns and the pure shaping reads.

/** The duration columns of requests_1m that carry a t-digest state. */
export type DigestColumn = 'latency' | 'ttft' | 'queue';

/** Sums of requests_1m over a window, or over one step of it. */
export interface RequestSums {
  requests: number;
  errors: number;
  latency_sum_ms: number;
  latency_max_ms: number;
  ttft_count: number;
  ttft_sum_ms: number;
  queue_count: number;
  queue_sum_ms: number;
  batched: number;
  batch_size_sum: number;
  input_tokens: number;
  output_tokens: number;
  cache_lookups: number;
  cache_hits: number;
}

/** Request sums of one step, keyed by its start (epoch ms). */
export interface RequestStepSums extends RequestSums {
  startMs: number;
}

/** Request sums of one step with the quantile a timeseries asked for (null when none). */
export interface RequestStep extends RequestStepSums {
  quantile: number | null;
}

/** Count and sum of one score name's numeric values. */
export interface ScoreSums {
  name: string;
  scored: number;
  valueSum: number;
}

/** Count and sum of one score name's numeric values in one step. */
export interface ScoreStep {
  startMs: number;
  scored: number;
  valueSum: number;
}

/** One model as the rollup knows it: first and last minute (epoch ms), versions, requests. */
export interface ModelSeen {
  model: string;
  firstSeenMs: number;
  lastSeenMs: number;
  versions: string[];
  requests: number;
}
