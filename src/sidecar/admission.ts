// The sidecar's admission decisions and error mapping: the headers a request brings (priority,
// timeout), rate limits, early shedding, queue room, and the HTTP status of each batcher error.
import { AppError } from '../errors';
import { admissionOf, predictWaitMs } from './admission-policy';
import { QueueFullError, RequestCancelledError } from './batcher-errors';
import type { ModelRuntime } from './model-pool';
import { retryAfterSeconds } from './token-bucket';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** Returns the `x-priority` (0 highest) or undefined; 400 naming the header when not a level. */
export function priorityFrom(headers: Headers, levels: number): number | undefined {
  const text = header(headers, 'x-priority');
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value >= levels)
    throw new AppError(
      'invalid_header',
      400,
      `x-priority: expected an integer from 0 to ${levels - 1}, got "${text}"`,
    );
  return value;
}

/** The longest delay a Node timer keeps (2^31 - 1 ms, ~24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Returns the `x-request-timeout-ms`, else `fallback`; 400 naming the header when not 1..2^31-1. */
export function timeoutFrom(headers: Headers, fallback: number): number {
  const text = header(headers, 'x-request-timeout-ms');
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !(value > 0) || value > MAX_TIMER_MS)
    throw new AppError(
      'invalid_header',
      400,
      `x-request-timeout-ms: expected a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got "${text}"`,
    );
  return value;
}

/** Returns the 429 for a refused rate-limit take: Retry-After is the exact wait, rounded up. */
export function rateLimited(retryAfterMs: number): AppError {
  const seconds = retryAfterSeconds(retryAfterMs);
  return new AppError('rate_limited', 429, `rate limit exceeded; retry in ${seconds} s`, {
    retryAfterSeconds: seconds,
  });
}

/**
 * Returns the predicted wait (ms) of a request joining `runtime`'s queue now: the batches queued
 * ahead (queue depth in batches of max_batch_size, the one it joins included) × the recent batch
 * duration / max_in_flight; 0 before any batch has run.
 */
export function predictedWaitMs(runtime: ModelRuntime, joining: number): number {
  const { max_batch_size, max_in_flight } = runtime.options;
  return predictWaitMs({
    queueDepth: runtime.batcher.stats().queueDepth,
    joining,
    maxBatchSize: max_batch_size,
    maxInFlight: max_in_flight,
    recentBatchMs: runtime.recentBatchMs(),
  });
}

/**
 * Throws 413 when `joining` requests are more than the queue can ever hold (retrying cannot help),
 * 503 when they should not be queued now: the predicted wait exceeds their timeout (shed early),
 * or the queue has no room for all of them (a list, or a KServe batch, is admitted whole).
 */
export function checkCapacity(runtime: ModelRuntime, joining: number, timeoutMs: number): void {
  const { queueDepth } = runtime.batcher.stats();
  const { max_queue_size, max_batch_size, max_in_flight, max_queue_delay_ms } = runtime.options;
  const admission = admissionOf({
    queueDepth,
    joining,
    timeoutMs,
    maxQueueSize: max_queue_size,
    maxBatchSize: max_batch_size,
    maxInFlight: max_in_flight,
    maxQueueDelayMs: max_queue_delay_ms,
    recentBatchMs: runtime.recentBatchMs(),
  });
  if (admission.kind === 'too_large')
    throw new AppError(
      'payload_too_large',
      413,
      `${joining} prompts (list items or KServe rows) in one request, more than max_queue_size ${max_queue_size} of model "${runtime.name}": send at most ${max_queue_size} per request`,
    );
  if (admission.kind === 'queue_full')
    throw queueFull(admission.retryAfterMs, `inference queue is full (${queueDepth} queued)`);
  if (admission.kind === 'shed') {
    const waitMs = admission.predictedWaitMs;
    throw new AppError(
      'shed',
      503,
      `predicted wait ${Math.round(waitMs)} ms exceeds the request timeout ${timeoutMs} ms`,
      { retryAfterSeconds: Math.max(1, retryAfterSeconds(waitMs - timeoutMs)) },
    );
  }
}

function queueFull(retryAfterMs: number, message: string): AppError {
  return new AppError('queue_full', 503, `${message}; retry in ${retryAfterMs} ms`, {
    retryAfterSeconds: Math.max(1, retryAfterSeconds(retryAfterMs)),
  });
}

/**
 * Returns the error the HTTP layer answers with. A full queue is 503 + Retry-After here (the
 * batcher's QueueFullError says 429; 429 is kept for rate limits so clients can tell the two).
 */
export function toSidecarError(err: unknown): unknown {
  if (err instanceof QueueFullError) return queueFull(err.retryAfterMs, err.message);
  return err;
}

/**
 * Returns the record outcome of an error: its code, `backend_error` for a failed batch,
 * `invalid_request` for a malformed or too large request, `queue_full` when no batcher is free.
 */
export function outcomeOf(err: unknown): string {
  if (err instanceof RequestCancelledError) return 'cancelled';
  if (!(err instanceof AppError)) return 'internal_error';
  return OUTCOMES[err.code] ?? err.code;
}

const OUTCOMES: Readonly<Record<string, string>> = {
  batch_failed: 'backend_error',
  batch_result_count: 'backend_error',
  invalid_body: 'invalid_request',
  invalid_header: 'invalid_request',
  payload_too_large: 'invalid_request',
  models_busy: 'queue_full',
};
