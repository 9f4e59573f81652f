// The shape of GET /api/v1/models/:model/summary, from rollup sums and digest answers. Pure.
import { fromRankLevels, rankLevels } from './quantiles';
import type { DigestColumn, RequestSums, ScoreSums } from './types';
import { elapsedSeconds, iso, type TimeRange } from './window';

/** The quantile levels the summary reports per duration. */
export const SUMMARY_QUANTILES: Record<DigestColumn, readonly number[]> = {
  latency: [0.5, 0.95, 0.99],
  ttft: [0.5, 0.95, 0.99],
  queue: [0.95],
};

/** A model's summary over a window. Means and rates are null where nothing was measured. */
export interface ModelSummary {
  model: string;
  from: string;
  to: string;
  requests: number;
  errors: number;
  error_rate: number | null;
  throughput_rps: number | null;
  latency_ms: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  ttft_ms: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  queue_ms: { mean: number | null; p95: number | null };
  batch_size_mean: number | null;
  tokens: { input: number; output: number };
  scores: Record<string, { mean: number | null; count: number }>;
}

/** Returns how many values each duration digest holds, from the sums. */
export function digestCounts(sums: RequestSums): Record<DigestColumn, number> {
  return { latency: sums.requests, ttft: sums.ttft_count, queue: sums.queue_count };
}

/** Returns the digest levels to query per duration (none for a duration without values). */
export function summaryLevels(sums: RequestSums): Record<DigestColumn, number[]> {
  const counts = digestCounts(sums);
  const levels = {} as Record<DigestColumn, number[]>;
  for (const column of Object.keys(SUMMARY_QUANTILES) as DigestColumn[]) {
    levels[column] =
      counts[column] === 0 ? [] : rankLevels(counts[column], SUMMARY_QUANTILES[column]);
  }
  return levels;
}

/** Returns the mean of `sum` over `n` values, or null when there are none. */
export function meanOf(sum: number, n: number): number | null {
  return n > 0 ? sum / n : null;
}

/**
 * Returns the summary: counts and token totals as summed, means as sum / count, quantiles
 * interpolated at numpy's rank (see quantiles.ts), throughput as requests per second elapsed in
 * the window (up to `nowMs`), scores as the mean of numeric values per name.
 */
export function shapeSummary(input: {
  model: string;
  window: TimeRange;
  nowMs: number;
  sums: RequestSums;
  digests: Partial<Record<DigestColumn, ReadonlyArray<number | null>>>;
  scores: readonly ScoreSums[];
}): ModelSummary {
  const { sums, window } = input;
  const counts = digestCounts(sums);
  const quantiles = (column: DigestColumn) =>
    fromRankLevels(counts[column], SUMMARY_QUANTILES[column], input.digests[column] ?? []);
  const [latencyP50, latencyP95, latencyP99] = quantiles('latency');
  const [ttftP50, ttftP95, ttftP99] = quantiles('ttft');
  const [queueP95] = quantiles('queue');
  const seconds = elapsedSeconds(window.fromMs, window.toMs, input.nowMs);
  const scores: ModelSummary['scores'] = {};
  for (const score of input.scores) {
    scores[score.name] = { mean: meanOf(score.valueSum, score.scored), count: score.scored };
  }
  return {
    model: input.model,
    from: iso(window.fromMs),
    to: iso(window.toMs),
    requests: sums.requests,
    errors: sums.errors,
    error_rate: meanOf(sums.errors, sums.requests),
    throughput_rps: seconds === null ? null : sums.requests / seconds,
    latency_ms: {
      mean: meanOf(sums.latency_sum_ms, sums.requests),
      p50: latencyP50 ?? null,
      p95: latencyP95 ?? null,
      p99: latencyP99 ?? null,
    },
    ttft_ms: {
      mean: meanOf(sums.ttft_sum_ms, sums.ttft_count),
      p50: ttftP50 ?? null,
      p95: ttftP95 ?? null,
      p99: ttftP99 ?? null,
    },
    queue_ms: { mean: meanOf(sums.queue_sum_ms, sums.queue_count), p95: queueP95 ?? null },
    batch_size_mean: meanOf(sums.batch_size_sum, sums.batched),
    tokens: { input: sums.input_tokens, output: sums.output_tokens },
    scores,
  };
}
