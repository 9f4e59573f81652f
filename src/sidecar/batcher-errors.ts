// The errors a batcher rejects a request with; each is an AppError so the HTTP layer maps it to a
// status without knowing the batcher.
import { AppError, errorMessage } from '../errors';

/** The queue is at `maxQueueSize`; retry after `retryAfterMs`. */
export class QueueFullError extends AppError {
  constructor(
    readonly retryAfterMs: number,
    queued: number,
  ) {
    super(
      'queue_full',
      429,
      `inference queue is full (${queued} queued); retry in ${retryAfterMs} ms`,
      {
        retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      },
    );
    this.name = 'QueueFullError';
  }
}

/** The request did not finish within its `timeoutMs`. */
export class RequestTimeoutError extends AppError {
  constructor(timeoutMs: number, where: 'queued' | 'running') {
    super('request_timeout', 504, `inference request timed out after ${timeoutMs} ms (${where})`);
    this.name = 'RequestTimeoutError';
  }
}

/** The caller's AbortSignal fired before the result came back. */
export class RequestCancelledError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super('request_cancelled', 499, 'inference request cancelled by the caller', options);
    this.name = 'RequestCancelledError';
  }
}

/** The batcher was closed before the request was dispatched. */
export class BatcherClosedError extends AppError {
  constructor() {
    super('batcher_closed', 503, 'the batcher is closed');
    this.name = 'BatcherClosedError';
  }
}

/** `runBatch` threw or rejected; every request of that batch gets this, with the cause. */
export class BatchFailedError extends AppError {
  constructor(batchId: number, cause: unknown) {
    super('batch_failed', 502, `batch ${batchId} failed: ${errorMessage(cause)}`, { cause });
    this.name = 'BatchFailedError';
  }
}

/** `runBatch` returned a number of results different from the number of items. */
export class BatchResultCountError extends AppError {
  constructor(batchId: number, expected: number, got: unknown) {
    const what = Array.isArray(got) ? `${got.length} results` : `a ${typeof got}, not an array,`;
    super(
      'batch_result_count',
      502,
      `batch ${batchId}: runBatch returned ${what} for ${expected} items`,
    );
    this.name = 'BatchResultCountError';
  }
}

/** A `priority` outside `0 .. priorityLevels - 1` or a `timeoutMs` that is not a positive number. */
export class InvalidSubmitOptionsError extends AppError {
  constructor(message: string) {
    super('invalid_submit_options', 400, message);
    this.name = 'InvalidSubmitOptionsError';
  }
}
