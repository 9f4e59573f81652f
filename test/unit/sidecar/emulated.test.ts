// The emulated device on fake timers: a batch takes fixed + per_item x B, the first tokens come
// out after the prefill share, tokens stream to the end, and each item gets its own answer.
import type { CompletionRequest } from '../../../src/sidecar/backend';
import {
  batchDurationMs,
  DEVICE_PROFILES,
  emulatedBackend,
  throughputLimit,
} from '../../../src/sidecar/backends/emulated';

const BENCH = DEVICE_PROFILES.bench as (typeof DEVICE_PROFILES)['bench'] & object;
const request = (i: number, maxTokens = 16): CompletionRequest => ({
  model: 'chimera',
  prompt: `p${i}`,
  maxTokens,
  inputTokens: 10 + i,
});

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('the limit B / (fixed + per_item x B): 1 -> 45.5/s, 8 -> 222/s on the bench profile', () => {
  expect(batchDurationMs(BENCH, 8)).toBe(36);
  expect(throughputLimit(BENCH, 1)).toBeCloseTo(1000 / 22, 9);
  expect(throughputLimit(BENCH, 8)).toBeCloseTo(8000 / 36, 9);
});

it('a batch of 4 ends at 28 ms with first tokens at 30 % of it; each item gets its own answer', async () => {
  const backend = emulatedBackend(BENCH);
  const firsts: number[] = [];
  const started = Date.now();
  let done = false;
  const run = backend
    .runBatch(
      [request(0), request(1, 2), request(2), request(3)],
      new AbortController().signal,
      (i, text) => {
        if (text === 'tok') firsts.push(i);
      },
    )
    .then((r) => {
      done = true;
      return r;
    });
  // Timers keep whole milliseconds: the first tokens (due at 8.4 ms) are out at 9, not at 7.
  await jest.advanceTimersByTimeAsync(7);
  expect(firsts).toEqual([]);
  await jest.advanceTimersByTimeAsync(2);
  expect(firsts).toEqual([0, 1, 2, 3]);
  await jest.advanceTimersByTimeAsync(18);
  expect(done).toBe(false);
  await jest.advanceTimersByTimeAsync(1);
  expect(done).toBe(true);
  const results = await run;
  expect(Date.now() - started).toBe(28);
  expect(results.map((r) => [r.inputTokens, r.outputTokens])).toEqual([
    [10, 16],
    [11, 2],
    [12, 16],
    [13, 16],
  ]);
  // The times are the device's as it measured them: first tokens at 9 ms, the end at 28.
  expect(results[0]?.ttftMs).toBe(9);
  expect(results[0]?.durationMs).toBe(28);
});

it('an aborted batch stops and rejects', async () => {
  const backend = emulatedBackend(BENCH);
  const controller = new AbortController();
  const run = backend.runBatch([request(0)], controller.signal);
  controller.abort(new Error('client gone'));
  await expect(run).rejects.toThrow('client gone');
});

it('without a token listener a batch ends at the same time, with the same answers', async () => {
  const backend = emulatedBackend(BENCH);
  let done = false;
  const run = backend
    .runBatch([request(0), request(1, 2)], new AbortController().signal)
    .then((r) => {
      done = true;
      return r;
    });
  await jest.advanceTimersByTimeAsync(23);
  expect(done).toBe(false);
  await jest.advanceTimersByTimeAsync(1);
  expect(done).toBe(true);
  const results = await run;
  expect(results.map((r) => [r.text, r.outputTokens, r.durationMs])).toEqual([
    [Array(16).fill('tok').join(' '), 16, 24],
    ['tok tok', 2, 24],
  ]);
  expect(results[0]?.ttftMs).toBe(8); // 30 % of 24 ms = 7.2, a whole-millisecond timer: 8
});
