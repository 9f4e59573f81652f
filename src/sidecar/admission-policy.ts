// The pure part of the sidecar's admission: whether a request joins a model's queue now, from
// plain numbers (queue depth, options, recent batch time). admission.ts maps the answer to HTTP
// errors; the traffic simulator's queue model calls it directly.
import { estimateRetryAfterMs } from './batcher-policy';
import { shouldShedEarly } from './token-bucket';

/** What admission needs to know about one model's queue and options at the moment of arrival. */
export interface AdmissionInput {
  /** Requests queued (not yet in a batch). */
  queueDepth: number;
  /** Prompts the request brings (a list or a KServe batch is admitted whole). */
  joining: number;
  timeoutMs: number;
  maxQueueSize: number;
  maxBatchSize: number;
  maxInFlight: number;
  maxQueueDelayMs: number;
  /** Mean duration of the recent batches (ms), undefined before the first one. */
  recentBatchMs: number | undefined;
}

/** The admission answer: join, or why not (413 too large, 503 queue full, 503 shed). */
export type Admission =
  | { kind: 'admit' }
  | { kind: 'too_large' }
  | { kind: 'queue_full'; retryAfterMs: number }
  | { kind: 'shed'; predictedWaitMs: number };

/**
 * Returns the predicted wait (ms) of `joining` requests joining now: the batches queued ahead
 * (queue depth in batches of max_batch_size, the one it joins included) × the recent batch
 * duration / max_in_flight; 0 before any batch has run.
 */
export function predictWaitMs(
  input: Pick<
    AdmissionInput,
    'queueDepth' | 'joining' | 'maxBatchSize' | 'maxInFlight' | 'recentBatchMs'
  >,
): number {
  if (input.recentBatchMs === undefined) return 0;
  const batches = Math.ceil((input.queueDepth + input.joining) / input.maxBatchSize);
  return (batches * input.recentBatchMs) / input.maxInFlight;
}

/**
 * Decides admission: too large when `joining` exceeds what the queue can ever hold; queue full
 * when the queue has no room for all of them; shed when the predicted wait exceeds the timeout.
 */
export function admissionOf(input: AdmissionInput): Admission {
  const { queueDepth, joining, maxQueueSize } = input;
  if (joining > maxQueueSize) return { kind: 'too_large' };
  if (queueDepth + joining > maxQueueSize) {
    const retryAfterMs = estimateRetryAfterMs({
      queued: queueDepth,
      maxBatchSize: input.maxBatchSize,
      maxInFlight: input.maxInFlight,
      maxQueueDelayMs: input.maxQueueDelayMs,
      recentBatchMs: [input.recentBatchMs ?? input.maxQueueDelayMs],
    });
    return { kind: 'queue_full', retryAfterMs };
  }
  const waitMs = predictWaitMs(input);
  if (shouldShedEarly(waitMs, input.timeoutMs)) return { kind: 'shed', predictedWaitMs: waitMs };
  return { kind: 'admit' };
}
