// Dynamic batcher for one model (after Triton's dynamic batcher and Ray Serve's @serve.batch).
// Written here: no Node library batches async requests by size, delay and priority with bounded
// queues, per-request deadlines and cancellation.
import {
  BatcherClosedError,
  BatchFailedError,
  BatchResultCountError,
  InvalidSubmitOptionsError,
  QueueFullError,
  RequestCancelledError,
  RequestTimeoutError,
} from './batcher-errors';
import {
  type BatcherOptions,
  type BatcherStats,
  emptyCounters,
  type RejectReason,
  type ResolvedBatcherOptions,
  resolveBatcherOptions,
} from './batcher-options';
import { batchSizeToDispatch, estimateRetryAfterMs } from './batcher-policy';
import { PriorityQueue, type QueueEntry } from './batcher-queue';

/** A monotonic millisecond clock; tests pass one driven by jest fake timers. */
export interface MonotonicClock {
  now(): number;
}

/** Runs one batch on the backend: results[i] answers items[i]; `signal` aborts when nobody waits. */
export type RunBatch<I, O> = (items: I[], signal: AbortSignal) => Promise<O[]>;

/** Per-request options: priority (0 highest), a deadline, and the caller's disconnect signal. */
export interface SubmitOptions {
  priority?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One caller's result with what telemetry records about how it was batched. */
export interface BatchedResult<O> {
  value: O;
  queueMs: number;
  /** The part of queueMs spent while every in-flight slot was busy (waiting for the device). */
  deviceWaitMs: number;
  batchSize: number;
  batchId: number;
}

interface Pending<I, O> extends QueueEntry {
  item: I;
  state: 'queued' | 'running' | 'settled';
  batch?: RunningBatch<I, O>;
  resolve(result: BatchedResult<O>): void;
  reject(error: unknown): void;
  /** Clears the deadline timer and the abort listener. */
  release(): void;
}

interface RunningBatch<I, O> {
  id: number;
  requests: Pending<I, O>[];
  startedAt: number;
  /** Since when the in-flight slot this batch took had been free. */
  slotFreeSince: number;
  endedAt?: number;
  controller: AbortController;
  waiting: number;
  done: boolean;
}

const RECENT_BATCHES = 16;

const monotonicClock: MonotonicClock = { now: () => performance.now() };

/** Queues requests for one model and runs them through `runBatch` in dynamic batches. */
export class Batcher<I, O> {
  private readonly options: ResolvedBatcherOptions;
  private readonly queue: PriorityQueue<Pending<I, O>>;
  private readonly counters = emptyCounters();
  /** Every batch's run, until its callers have been answered (close waits for them). */
  private readonly running = new Set<Promise<void>>();
  /** Batches on the backend now: a slot frees when the backend returns, before delivery. */
  private inFlight = 0;
  private readonly recentBatchMs: number[] = [];
  private seq = 0;
  private batchSeq = 0;
  private delayTimer: NodeJS.Timeout | undefined;
  private delayDeadline: number | undefined;
  private pumpScheduled = false;
  /** Since when an in-flight slot has been free (undefined while all are taken). */
  private slotFreeSince: number | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly runBatch: RunBatch<I, O>,
    options: BatcherOptions = {},
    private readonly clock: MonotonicClock = monotonicClock,
  ) {
    this.options = resolveBatcherOptions(options);
    this.queue = new PriorityQueue(this.options.priorityLevels);
    this.slotFreeSince = clock.now();
  }

  /** Returns a promise of this item's own result, or rejects with a batcher error. */
  submit(item: I, options: SubmitOptions = {}): Promise<BatchedResult<O>> {
    this.counters.submitted++;
    const refusal = this.refusal(options);
    if (refusal !== undefined) return Promise.reject(refusal);
    return new Promise((resolve, reject) => this.enqueue(item, options, resolve, reject));
  }

  /** Returns queue depth, in-flight batches and counters since the batcher was made. */
  stats(): BatcherStats {
    const counters = this.counters;
    return {
      queueDepth: this.queue.size,
      queueDepthByPriority: this.queue.depthByLevel(),
      inFlightBatches: this.inFlight,
      counters: {
        ...counters,
        batchSizes: { ...counters.batchSizes },
        rejected: { ...counters.rejected },
      },
    };
  }

  /** Rejects queued requests with BatcherClosedError and resolves once in-flight batches end. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.clearDelayTimer();
    for (const pending of this.queue.drain())
      this.fail(pending, new BatcherClosedError(), 'closed');
    await Promise.allSettled([...this.running]);
  }

  /** Returns the error a submit is refused with before queueing, counted, or undefined. */
  private refusal(options: SubmitOptions): Error | undefined {
    const error = this.checkSubmit(options);
    if (error === undefined) return undefined;
    if (error instanceof RequestCancelledError) this.counters.cancellations++;
    else this.counters.rejected[rejectReason(error)]++;
    return error;
  }

  private checkSubmit(options: SubmitOptions): Error | undefined {
    const { priorityLevels } = this.options;
    const priority = options.priority ?? this.options.defaultPriority;
    if (this.closed) return new BatcherClosedError();
    if (!Number.isInteger(priority) || priority < 0 || priority >= priorityLevels)
      return new InvalidSubmitOptionsError(
        `priority ${priority} is not an integer in 0..${priorityLevels - 1}`,
      );
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== undefined && !(timeoutMs > 0 && Number.isFinite(timeoutMs)))
      return new InvalidSubmitOptionsError(`timeoutMs ${timeoutMs} is not a positive number`);
    if (options.signal?.aborted) return new RequestCancelledError({ cause: options.signal.reason });
    if (this.queue.size >= this.options.maxQueueSize)
      return new QueueFullError(this.retryAfterMs(), this.queue.size);
    return undefined;
  }

  private retryAfterMs(): number {
    const { maxBatchSize, maxInFlight, maxQueueDelayMs } = this.options;
    return estimateRetryAfterMs({
      queued: this.queue.size,
      maxBatchSize,
      maxInFlight,
      maxQueueDelayMs,
      recentBatchMs: this.recentBatchMs,
    });
  }

  private enqueue(
    item: I,
    options: SubmitOptions,
    resolve: (result: BatchedResult<O>) => void,
    reject: (error: unknown) => void,
  ): void {
    const pending: Pending<I, O> = {
      item,
      priority: options.priority ?? this.options.defaultPriority,
      seq: this.seq++,
      enqueuedAt: this.clock.now(),
      state: 'queued',
      resolve,
      reject,
      release: () => {},
    };
    pending.release = this.watch(pending, options);
    this.queue.push(pending);
    this.schedulePump();
  }

  /** Arms the request's deadline and abort listener; returns the function that disarms both. */
  private watch(pending: Pending<I, O>, options: SubmitOptions): () => void {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => this.timeOut(pending, timeoutMs), timeoutMs);
    const signal = options.signal;
    const onAbort = () => this.cancel(pending, signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  }

  private timeOut(pending: Pending<I, O>, timeoutMs: number): void {
    const where = pending.state === 'running' ? 'running' : 'queued';
    if (this.settle(pending)) {
      this.counters.timeouts++;
      pending.reject(new RequestTimeoutError(timeoutMs, where));
    }
  }

  private cancel(pending: Pending<I, O>, reason: unknown): void {
    if (this.settle(pending)) {
      this.counters.cancellations++;
      pending.reject(new RequestCancelledError({ cause: reason }));
    }
  }

  private fail(pending: Pending<I, O>, error: Error, reason: RejectReason): void {
    if (this.settle(pending)) {
      this.counters.rejected[reason]++;
      pending.reject(error);
    }
  }

  /**
   * Marks a request settled and takes it out of the queue or its batch; returns false if it was
   * already settled (its result or error has been given, the caller must not get another).
   */
  private settle(pending: Pending<I, O>): boolean {
    if (pending.state === 'settled') return false;
    const wasQueued = pending.state === 'queued';
    pending.state = 'settled';
    pending.release();
    if (wasQueued && this.queue.remove(pending)) this.schedulePump();
    const batch = pending.batch;
    if (batch !== undefined && --batch.waiting === 0 && !batch.done) batch.controller.abort();
    return true;
  }

  /** Runs `pump` once after the current synchronous work, so a burst of submits is one batch. */
  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    // A resolved promise, not queueMicrotask: jest fake timers fake the latter.
    void Promise.resolve().then(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Dispatches every batch that may leave now, then arms the timer for the next one. */
  private pump(): void {
    if (this.closed) return;
    while (this.inFlight < this.options.maxInFlight) {
      const oldest = this.queue.oldest();
      const waited = oldest === undefined ? 0 : this.clock.now() - oldest.enqueuedAt;
      const size = batchSizeToDispatch(this.queue.size, waited, this.options);
      if (size === 0) break;
      this.dispatch(this.queue.take(size));
    }
    this.armDelayTimer();
  }

  /** Keeps one timer set for the moment the oldest queued request has waited the delay. */
  private armDelayTimer(): void {
    const oldest = this.queue.oldest();
    const canRun = this.inFlight < this.options.maxInFlight;
    const deadline =
      oldest !== undefined && canRun ? oldest.enqueuedAt + this.options.maxQueueDelayMs : undefined;
    if (deadline === this.delayDeadline) return;
    this.clearDelayTimer();
    if (deadline === undefined) return;
    this.delayDeadline = deadline;
    const wait = Math.max(0, Math.ceil(deadline - this.clock.now()));
    this.delayTimer = setTimeout(() => {
      this.delayTimer = undefined;
      this.delayDeadline = undefined;
      this.pump();
    }, wait);
  }

  private clearDelayTimer(): void {
    if (this.delayTimer !== undefined) clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    this.delayDeadline = undefined;
  }

  private dispatch(requests: Pending<I, O>[]): void {
    const startedAt = this.clock.now();
    const batch: RunningBatch<I, O> = {
      id: ++this.batchSeq,
      requests,
      startedAt,
      slotFreeSince: this.slotFreeSince ?? startedAt,
      controller: new AbortController(),
      waiting: requests.length,
      done: false,
    };
    for (const pending of requests) {
      pending.state = 'running';
      pending.batch = batch;
    }
    this.counters.dispatchedBatches++;
    this.counters.batchSizes[requests.length] =
      (this.counters.batchSizes[requests.length] ?? 0) + 1;
    this.inFlight++;
    if (this.inFlight >= this.options.maxInFlight) this.slotFreeSince = undefined;
    const run = this.run(batch).finally(() => {
      this.running.delete(run);
    });
    this.running.add(run);
  }

  /** Runs one batch and hands each still-waiting caller its own result or the batch's error. */
  private async run(batch: RunningBatch<I, O>): Promise<void> {
    const items = batch.requests.map((pending) => pending.item);
    let results: unknown;
    let failure: Error | undefined;
    try {
      results = await this.runBatch(items, batch.controller.signal);
      if (!Array.isArray(results) || results.length !== items.length)
        failure = new BatchResultCountError(batch.id, items.length, results);
    } catch (err) {
      failure = new BatchFailedError(batch.id, err);
    }
    batch.done = true;
    batch.endedAt = this.clock.now();
    this.recordDuration(batch.endedAt - batch.startedAt);
    this.freeSlot(batch.endedAt);
    if (failure !== undefined) {
      for (const pending of batch.requests) this.fail(pending, failure, rejectReason(failure));
      return;
    }
    batch.requests.forEach((pending, i) => {
      this.deliver(pending, batch, (results as O[])[i] as O);
    });
  }

  /**
   * Frees the batch's in-flight slot and sends the next batch at once, before this one's callers
   * are answered: the device is the bottleneck, answering can wait for it to be busy again.
   */
  private freeSlot(at: number): void {
    this.inFlight--;
    if (this.inFlight === this.options.maxInFlight - 1) this.slotFreeSince = at;
    this.pump();
  }

  private deliver(pending: Pending<I, O>, batch: RunningBatch<I, O>, value: O): void {
    if (!this.settle(pending)) return;
    this.counters.completed++;
    const queueMs = batch.startedAt - pending.enqueuedAt;
    pending.resolve({
      value,
      queueMs,
      deviceWaitMs: Math.min(queueMs, Math.max(0, batch.slotFreeSince - pending.enqueuedAt)),
      batchSize: batch.requests.length,
      batchId: batch.id,
    });
  }

  private recordDuration(ms: number): void {
    this.recentBatchMs.push(ms);
    if (this.recentBatchMs.length > RECENT_BATCHES) this.recentBatchMs.shift();
  }
}

function rejectReason(error: Error): RejectReason {
  if (error instanceof QueueFullError) return 'queue_full';
  if (error instanceof BatcherClosedError) return 'closed';
  if (error instanceof BatchResultCountError) return 'batch_result_count';
  if (error instanceof InvalidSubmitOptionsError) return 'invalid_submit_options';
  return 'batch_failed';
}
