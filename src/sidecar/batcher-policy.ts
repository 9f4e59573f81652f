// Pure decisions of the dynamic batcher: how many requests leave now, and how long a rejected
// caller should wait. No state, no time source: the batcher passes everything in.

/** What the size decision needs to know about the batcher's configuration. */
export interface SizePolicy {
  maxBatchSize: number;
  /** Ascending, each <= maxBatchSize. */
  preferredBatchSizes: readonly number[];
  maxQueueDelayMs: number;
}

/**
 * Returns how many requests should leave as a batch now (0 = wait): a full batch; else the
 * largest preferred size the queue fills (Triton's rule); else everything once the oldest
 * request has waited `maxQueueDelayMs`.
 */
export function batchSizeToDispatch(
  queued: number,
  oldestWaitMs: number,
  policy: SizePolicy,
): number {
  if (queued <= 0) return 0;
  if (queued >= policy.maxBatchSize) return policy.maxBatchSize;
  const preferred = largestAtMost(policy.preferredBatchSizes, queued);
  if (preferred > 0) return preferred;
  return oldestWaitMs >= policy.maxQueueDelayMs ? queued : 0;
}

function largestAtMost(ascending: readonly number[], limit: number): number {
  let best = 0;
  for (const size of ascending) if (size <= limit) best = size;
  return best;
}

/** What the retry estimate needs: the queue ahead and how long recent batches took. */
export interface RetryEstimateInput {
  queued: number;
  maxBatchSize: number;
  maxInFlight: number;
  maxQueueDelayMs: number;
  recentBatchMs: readonly number[];
}

/**
 * Returns the milliseconds (>= 1) until a request submitted now would likely be taken: the
 * batches needed to drain the queue, run `maxInFlight` at a time, each as long as the recent
 * average (or `maxQueueDelayMs` before any batch has run).
 */
export function estimateRetryAfterMs(input: RetryEstimateInput): number {
  const batchesAhead = Math.ceil((input.queued + 1) / input.maxBatchSize);
  const waves = Math.ceil(batchesAhead / input.maxInFlight);
  const perBatch = mean(input.recentBatchMs) ?? input.maxQueueDelayMs;
  return Math.max(1, Math.ceil(waves * Math.max(perBatch, 1)));
}

function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
