// The batcher splits each caller's queue time into the part spent while every in-flight slot was
// busy (waiting for the device) and the rest (waiting for its batch to form): the sidecar's own
// share of a request's latency is the rest, so the bench and Server-Timing can tell them apart.
import { type BatchedResult, Batcher } from '../../../src/sidecar/batcher';

interface Call {
  items: string[];
  resolve(results: string[]): void;
}

function setup(maxInFlight: number, maxQueueDelayMs: number) {
  const calls: Call[] = [];
  const batcher = new Batcher<string, string>(
    (items) => new Promise<string[]>((resolve) => calls.push({ items, resolve })),
    { maxBatchSize: 4, maxQueueDelayMs, maxInFlight },
    { now: () => Date.now() },
  );
  const results: Record<string, BatchedResult<string>> = {};
  const submit = (item: string) =>
    void batcher.submit(item).then((r) => {
      results[item] = r;
    });
  return { calls, results, submit };
}

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const finish = (call: Call | undefined) => call?.resolve(call.items.map((s) => s.toUpperCase()));

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

test('a request that finds the device idle waits only its batching delay, none of it for the device', async () => {
  const { calls, results, submit } = setup(1, 5);
  submit('a');
  await advance(5);
  expect(calls).toHaveLength(1);
  finish(calls[0]);
  await advance(0);
  expect(results.a?.queueMs).toBe(5);
  expect(results.a?.deviceWaitMs).toBe(0);
});

test('a request queued behind a running batch counts the wait until the device frees as device wait', async () => {
  const { calls, results, submit } = setup(1, 5);
  submit('a');
  await advance(5); // batch 1 = [a] starts at t=5
  await advance(3);
  submit('b'); // t=8, device busy
  await advance(12);
  finish(calls[0]); // device free at t=20; b has waited 12 > 5 ms, so it leaves at once
  await advance(0);
  expect(calls).toHaveLength(2);
  finish(calls[1]);
  await advance(0);
  expect(results.b?.queueMs).toBe(12);
  expect(results.b?.deviceWaitMs).toBe(12);
});

test('a request that arrives just before the device frees waits the rest of its delay as batching time', async () => {
  const { calls, results, submit } = setup(1, 5);
  submit('a');
  await advance(5); // batch 1 starts at t=5
  await advance(13);
  submit('b'); // t=18
  await advance(2);
  finish(calls[0]); // device free at t=20: b waited 2 ms for it, then 3 ms more for its delay
  await advance(3);
  expect(calls).toHaveLength(2);
  finish(calls[1]);
  await advance(0);
  expect(results.b?.queueMs).toBe(5);
  expect(results.b?.deviceWaitMs).toBe(2);
});

test('with a second in-flight slot free, a request behind one running batch does not wait for the device', async () => {
  const { calls, results, submit } = setup(2, 5);
  submit('a');
  await advance(5);
  submit('b'); // one slot busy, the other free
  await advance(5);
  expect(calls).toHaveLength(2);
  finish(calls[1]);
  await advance(0);
  expect(results.b?.queueMs).toBe(5);
  expect(results.b?.deviceWaitMs).toBe(0);
});

test('the next batch leaves as soon as the backend returns, before the last batch is answered', async () => {
  const calls: Call[] = [];
  const batcher = new Batcher<string, string>(
    (items) => new Promise<string[]>((resolve) => calls.push({ items, resolve })),
    { maxBatchSize: 4, maxQueueDelayMs: 0, maxInFlight: 1 },
    { now: () => Date.now() },
  );
  let callsWhenAnswered = -1;
  const a = batcher.submit('a').then(() => {
    callsWhenAnswered = calls.length;
  });
  await advance(0);
  void batcher.submit('b');
  await advance(0);
  expect(calls).toHaveLength(1);
  finish(calls[0]);
  await a;
  expect(callsWhenAnswered).toBe(2);
  expect(batcher.stats().inFlightBatches).toBe(1);
});
