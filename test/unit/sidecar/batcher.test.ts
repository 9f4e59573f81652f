import { type BatchedResult, Batcher, type SubmitOptions } from '../../../src/sidecar/batcher';
import {
  BatcherClosedError,
  BatchFailedError,
  BatchResultCountError,
  QueueFullError,
  RequestCancelledError,
  RequestTimeoutError,
} from '../../../src/sidecar/batcher-errors';
import type { BatcherOptions } from '../../../src/sidecar/batcher-options';

interface Call {
  items: string[];
  signal: AbortSignal;
  resolve(results: unknown[]): void;
  reject(error: unknown): void;
}

interface Tracked {
  status: 'pending' | 'fulfilled' | 'rejected';
  result?: BatchedResult<string>;
  error?: unknown;
}

/** A backend whose batches finish only when the test says so. */
function setup(options: BatcherOptions = {}) {
  const calls: Call[] = [];
  const runBatch = (items: string[], signal: AbortSignal) =>
    new Promise<string[]>((resolve, reject) =>
      calls.push({ items, signal, resolve: resolve as Call['resolve'], reject }),
    );
  const batcher = new Batcher(runBatch, options, { now: () => Date.now() });
  const submit = (item: string, opts?: SubmitOptions) => track(batcher.submit(item, opts));
  return { batcher, calls, submit };
}

function track(promise: Promise<BatchedResult<string>>): Tracked {
  const t: Tracked = { status: 'pending' };
  promise.then(
    (result) => Object.assign(t, { status: 'fulfilled', result }),
    (error) => Object.assign(t, { status: 'rejected', error }),
  );
  return t;
}

const upper = (items: string[]) => items.map((s) => s.toUpperCase());
const tick = () => jest.advanceTimersByTimeAsync(0);

function call(calls: Call[], i: number): Call {
  const c = calls[i];
  if (c === undefined) throw new Error(`no call ${i}; ${calls.length} made`);
  return c;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.clearAllTimers();
  jest.useRealTimers();
});

describe('Batcher dispatch', () => {
  it('dispatches a full batch of 8 at once, without waiting the delay', async () => {
    const { calls, submit } = setup({ maxBatchSize: 8, maxQueueDelayMs: 5 });
    const start = Date.now();
    const tracked = 'abcdefgh'.split('').map((s) => submit(s));
    await tick();
    expect(Date.now() - start).toBe(0);
    expect(calls.map((c) => c.items)).toEqual([['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']]);
    call(calls, 0).resolve(upper(call(calls, 0).items));
    await tick();
    expect(tracked.map((t) => t.result)).toEqual(
      'ABCDEFGH'
        .split('')
        .map((value) => ({ value, queueMs: 0, deviceWaitMs: 0, batchSize: 8, batchId: 1 })),
    );
  });

  it('dispatches a partial batch of 3 after exactly 5 ms, not at 4', async () => {
    const { calls, submit } = setup({ maxBatchSize: 8, maxQueueDelayMs: 5 });
    const tracked = ['a', 'b', 'c'].map((s) => submit(s));
    await jest.advanceTimersByTimeAsync(4);
    expect(calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([['a', 'b', 'c']]);
    call(calls, 0).resolve(upper(call(calls, 0).items));
    await tick();
    expect(tracked.map((t) => [t.result?.batchSize, t.result?.queueMs])).toEqual([
      [3, 5],
      [3, 5],
      [3, 5],
    ]);
  });

  it('sends the largest preferred size the queue fills at once; the rest waits the delay', async () => {
    const { calls, submit } = setup({
      maxBatchSize: 8,
      preferredBatchSizes: [2, 4],
      maxQueueDelayMs: 5,
      maxInFlight: 2,
    });
    for (const s of ['a', 'b', 'c', 'd', 'e']) submit(s);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([['a', 'b', 'c', 'd']]);
    await jest.advanceTimersByTimeAsync(4);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([['a', 'b', 'c', 'd'], ['e']]);
  });

  it('waits the delay when the queue is below every preferred size', async () => {
    const { calls, submit } = setup({ maxBatchSize: 8, preferredBatchSizes: [4] });
    for (const s of ['a', 'b', 'c']) submit(s);
    await jest.advanceTimersByTimeAsync(4);
    expect(calls).toHaveLength(0);
    submit('d');
    await tick();
    expect(calls.map((c) => c.items)).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('takes a later high-priority request into the next batch before earlier low-priority ones', async () => {
    const { calls, submit } = setup({ maxBatchSize: 2, priorityLevels: 2, maxInFlight: 1 });
    submit('low1', { priority: 1 });
    submit('low2', { priority: 1 });
    await tick();
    submit('low3', { priority: 1 });
    submit('low4', { priority: 1 });
    submit('high', { priority: 0 });
    await tick();
    expect(calls.map((c) => c.items)).toEqual([['low1', 'low2']]);
    call(calls, 0).resolve(['L1', 'L2']);
    await tick();
    expect(call(calls, 1).items).toEqual(['high', 'low3']);
    call(calls, 1).resolve(['H', 'L3']);
    await jest.advanceTimersByTimeAsync(5);
    expect(call(calls, 2).items).toEqual(['low4']);
  });

  it('measures the delay from the oldest request of any priority', async () => {
    const { calls, submit } = setup({ priorityLevels: 2, maxQueueDelayMs: 5 });
    submit('low', { priority: 1 });
    await jest.advanceTimersByTimeAsync(3);
    submit('high', { priority: 0 });
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([['high', 'low']]);
  });

  it('gives requests without a priority the lowest level', async () => {
    const { batcher, submit } = setup({ priorityLevels: 3 });
    submit('x');
    expect(batcher.stats().queueDepthByPriority).toEqual([0, 0, 1]);
  });
});

describe('Batcher limits', () => {
  it('rejects the (maxQueueSize+1)th request with QueueFullError and a positive retryAfterMs', async () => {
    const { batcher, submit } = setup({ maxQueueSize: 3 });
    const accepted = ['a', 'b', 'c'].map((s) => submit(s));
    const refused = submit('d');
    await tick();
    expect(accepted.map((t) => t.status)).toEqual(['pending', 'pending', 'pending']);
    expect(refused.error).toBeInstanceOf(QueueFullError);
    expect((refused.error as QueueFullError).retryAfterMs).toBeGreaterThan(0);
    expect((refused.error as QueueFullError).status).toBe(429);
    expect(batcher.stats().counters.rejected.queue_full).toBe(1);
  });

  it('estimates retryAfterMs from recent batch durations', async () => {
    const { calls, submit } = setup({ maxBatchSize: 1, maxQueueSize: 2, maxInFlight: 1 });
    submit('warm');
    await tick();
    await jest.advanceTimersByTimeAsync(200);
    call(calls, 0).resolve(['W']);
    await tick();
    submit('busy');
    await tick();
    submit('a');
    submit('b');
    const refused = submit('c');
    await tick();
    // Three batches of one ahead (a, b, c itself), one at a time, 200 ms each.
    expect((refused.error as QueueFullError).retryAfterMs).toBe(600);
  });

  it('starts a second batch only when the first finishes under maxInFlight 1', async () => {
    const { batcher, calls, submit } = setup({ maxBatchSize: 2, maxInFlight: 1 });
    for (const s of ['a', 'b', 'c', 'd']) submit(s);
    await jest.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.items)).toEqual([['a', 'b']]);
    expect(batcher.stats()).toMatchObject({ inFlightBatches: 1, queueDepth: 2 });
    call(calls, 0).resolve(['A', 'B']);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('runs two batches at once under maxInFlight 2', async () => {
    const { batcher, calls, submit } = setup({ maxBatchSize: 2, maxInFlight: 2 });
    for (const s of ['a', 'b', 'c', 'd']) submit(s);
    await tick();
    expect(calls).toHaveLength(2);
    expect(batcher.stats().inFlightBatches).toBe(2);
  });
});

describe('Batcher timeouts', () => {
  it('removes a queued request at its deadline and rejects it with RequestTimeoutError', async () => {
    const { batcher, calls, submit } = setup({ maxBatchSize: 1, maxInFlight: 1 });
    submit('blocker');
    await tick();
    const late = submit('late', { timeoutMs: 20 });
    await jest.advanceTimersByTimeAsync(19);
    expect(late.status).toBe('pending');
    expect(batcher.stats().queueDepth).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(late.error).toBeInstanceOf(RequestTimeoutError);
    expect(batcher.stats()).toMatchObject({ queueDepth: 0, counters: { timeouts: 1 } });
    call(calls, 0).resolve(['B']);
    await jest.advanceTimersByTimeAsync(10);
    expect(calls).toHaveLength(1);
  });

  it('rejects an in-flight request at its deadline, discards its result, leaves the others', async () => {
    const { calls, submit } = setup({ maxQueueDelayMs: 5 });
    const short = submit('short', { timeoutMs: 10 });
    const other = submit('other');
    await jest.advanceTimersByTimeAsync(5);
    expect(call(calls, 0).items).toEqual(['short', 'other']);
    await jest.advanceTimersByTimeAsync(4);
    expect(short.status).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(short.error).toBeInstanceOf(RequestTimeoutError);
    expect(call(calls, 0).signal.aborted).toBe(false);
    call(calls, 0).resolve(['SHORT', 'OTHER']);
    await tick();
    expect(short.result).toBeUndefined();
    expect(other.result?.value).toBe('OTHER');
  });
});

describe('Batcher results', () => {
  it('maps results to their own callers when batches finish out of order', async () => {
    const { calls, submit } = setup({ maxBatchSize: 2, maxInFlight: 2 });
    const first = [submit('a1'), submit('a2')];
    await tick();
    const second = [submit('b1'), submit('b2')];
    await tick();
    expect(calls.map((c) => c.items)).toEqual([
      ['a1', 'a2'],
      ['b1', 'b2'],
    ]);
    call(calls, 1).resolve(upper(call(calls, 1).items));
    await tick();
    expect(first.map((t) => t.status)).toEqual(['pending', 'pending']);
    expect(second.map((t) => [t.result?.value, t.result?.batchId])).toEqual([
      ['B1', 2],
      ['B2', 2],
    ]);
    call(calls, 0).resolve(upper(call(calls, 0).items));
    await tick();
    expect(first.map((t) => [t.result?.value, t.result?.batchId])).toEqual([
      ['A1', 1],
      ['A2', 1],
    ]);
  });

  it('rejects every item of a batch whose runBatch rejects, with the cause', async () => {
    const { batcher, calls, submit } = setup({ maxBatchSize: 2 });
    const tracked = [submit('a'), submit('b')];
    await tick();
    const boom = new Error('CUDA out of memory');
    call(calls, 0).reject(boom);
    await tick();
    for (const t of tracked) {
      expect(t.error).toBeInstanceOf(BatchFailedError);
      expect((t.error as Error).message).toContain('CUDA out of memory');
      expect((t.error as Error).cause).toBe(boom);
    }
    expect(batcher.stats().counters.rejected.batch_failed).toBe(2);
  });

  it('rejects every item of a batch whose runBatch throws synchronously', async () => {
    const batcher = new Batcher<string, string>(
      () => {
        throw new Error('backend gone');
      },
      { maxBatchSize: 1 },
      { now: () => Date.now() },
    );
    await expect(batcher.submit('a')).rejects.toBeInstanceOf(BatchFailedError);
  });

  it('rejects every item of a batch whose runBatch returns the wrong number of results', async () => {
    const { batcher, calls, submit } = setup({ maxBatchSize: 3 });
    const tracked = [submit('a'), submit('b'), submit('c')];
    await tick();
    call(calls, 0).resolve(['A', 'B']);
    await tick();
    for (const t of tracked) {
      expect(t.error).toBeInstanceOf(BatchResultCountError);
      expect((t.error as Error).message).toContain('returned 2 results for 3 items');
    }
    expect(batcher.stats().counters.rejected.batch_result_count).toBe(3);
  });
});

describe('Batcher cancellation', () => {
  it('removes a queued request when its signal aborts; the batch goes without it', async () => {
    const { batcher, calls, submit } = setup();
    const controller = new AbortController();
    const gone = submit('gone', { signal: controller.signal });
    submit('stays');
    controller.abort();
    await tick();
    expect(gone.error).toBeInstanceOf(RequestCancelledError);
    expect(batcher.stats()).toMatchObject({ queueDepth: 1, counters: { cancellations: 1 } });
    await jest.advanceTimersByTimeAsync(5);
    expect(calls.map((c) => c.items)).toEqual([['stays']]);
  });

  it('discards the result of a dispatched request whose signal aborts; the others get theirs', async () => {
    const { calls, submit } = setup({ maxBatchSize: 2 });
    const controller = new AbortController();
    const gone = submit('gone', { signal: controller.signal });
    const stays = submit('stays');
    await tick();
    controller.abort();
    await tick();
    expect(gone.error).toBeInstanceOf(RequestCancelledError);
    expect(call(calls, 0).signal.aborted).toBe(false);
    call(calls, 0).resolve(['GONE', 'STAYS']);
    await tick();
    expect(gone.result).toBeUndefined();
    expect(stays.result?.value).toBe('STAYS');
  });

  it('aborts the batch signal once every caller of a running batch has gone', async () => {
    const { calls, submit } = setup({ maxBatchSize: 1 });
    const controller = new AbortController();
    submit('only', { signal: controller.signal });
    await tick();
    controller.abort();
    expect(call(calls, 0).signal.aborted).toBe(true);
  });

  it('refuses a request whose signal has already aborted', async () => {
    const { batcher, submit } = setup();
    const gone = submit('x', { signal: AbortSignal.abort() });
    await tick();
    expect(gone.error).toBeInstanceOf(RequestCancelledError);
    expect(batcher.stats().queueDepth).toBe(0);
  });
});

describe('Batcher close', () => {
  it('rejects queued requests, waits for in-flight batches and leaves no timers', async () => {
    const { batcher, calls, submit } = setup({ maxBatchSize: 2, maxInFlight: 1 });
    const running = [submit('a', { timeoutMs: 1000 }), submit('b')];
    await tick();
    const queued = submit('c', { timeoutMs: 1000 });
    await tick();
    let closed = false;
    const closing = batcher.close().then(() => {
      closed = true;
    });
    await tick();
    expect(queued.error).toBeInstanceOf(BatcherClosedError);
    expect(closed).toBe(false);
    call(calls, 0).resolve(['A', 'B']);
    await closing;
    expect(running.map((t) => t.result?.value)).toEqual(['A', 'B']);
    expect(jest.getTimerCount()).toBe(0);
    expect(calls).toHaveLength(1);
    await expect(batcher.submit('d')).rejects.toBeInstanceOf(BatcherClosedError);
    await expect(batcher.close()).resolves.toBeUndefined();
    expect(batcher.stats().counters.rejected.closed).toBe(2);
  });
});

describe('Batcher stats', () => {
  it('counts submissions, batches by size, rejections, timeouts and cancellations', async () => {
    const { batcher, calls, submit } = setup({ maxBatchSize: 2, maxQueueSize: 4, maxInFlight: 2 });
    for (const s of ['a', 'b', 'c']) submit(s);
    await jest.advanceTimersByTimeAsync(5);
    for (const c of calls) c.resolve(upper(c.items));
    submit('t', { timeoutMs: 1 });
    submit('x', { signal: AbortSignal.abort() });
    await jest.advanceTimersByTimeAsync(1);
    expect(batcher.stats()).toEqual({
      queueDepth: 0,
      queueDepthByPriority: [0],
      inFlightBatches: 0,
      counters: {
        submitted: 5,
        completed: 3,
        dispatchedBatches: 2,
        batchSizes: { 1: 1, 2: 1 },
        rejected: {
          queue_full: 0,
          closed: 0,
          batch_failed: 0,
          batch_result_count: 0,
          invalid_submit_options: 0,
        },
        timeouts: 1,
        cancellations: 1,
      },
    });
  });

  it('rejects a priority outside the configured levels', async () => {
    const { batcher } = setup({ priorityLevels: 2 });
    await expect(batcher.submit('x', { priority: 2 })).rejects.toThrow('priority 2');
    expect(batcher.stats().counters.rejected.invalid_submit_options).toBe(1);
  });

  it('refuses options that contradict each other, naming the field', () => {
    expect(() => setup({ maxBatchSize: 4, preferredBatchSizes: [2, 8] })).toThrow(
      'preferredBatchSizes',
    );
    expect(() => setup({ preferredBatchSizes: [4, 2] })).toThrow('ascending');
  });
});
