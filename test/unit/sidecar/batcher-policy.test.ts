import { batchSizeToDispatch, estimateRetryAfterMs } from '../../../src/sidecar/batcher-policy';

describe('batchSizeToDispatch', () => {
  const policy = { maxBatchSize: 8, preferredBatchSizes: [2, 4], maxQueueDelayMs: 5 };
  it.each([
    ['an empty queue', 0, 100, 0],
    ['a full batch without waiting', 8, 0, 8],
    ['at most maxBatchSize', 20, 0, 8],
    ['the largest preferred size that fits', 7, 0, 4],
    ['the smallest preferred size', 3, 0, 2],
    ['nothing below every preferred size before the delay', 1, 4.9, 0],
    ['everything once the oldest has waited the delay', 1, 5, 1],
  ])('sends %s', (_name, queued, waited, expected) => {
    expect(batchSizeToDispatch(queued, waited, policy)).toBe(expected);
  });

  it('without preferred sizes waits the delay for a partial batch', () => {
    const plain = { ...policy, preferredBatchSizes: [] };
    expect(batchSizeToDispatch(7, 4, plain)).toBe(0);
    expect(batchSizeToDispatch(7, 5, plain)).toBe(7);
  });
});

describe('estimateRetryAfterMs', () => {
  const base = { maxBatchSize: 4, maxInFlight: 1, maxQueueDelayMs: 5 };
  it.each([
    ['the delay before any batch has run', { queued: 0, recentBatchMs: [] }, 5],
    ['one batch of the recent mean', { queued: 3, recentBatchMs: [10, 30] }, 20],
    ['the batches needed to drain the queue', { queued: 8, recentBatchMs: [20] }, 60],
    ['at least 1 ms', { queued: 0, recentBatchMs: [0] }, 1],
  ])('is %s', (_name, input, expected) => {
    expect(estimateRetryAfterMs({ ...base, ...input })).toBe(expected);
  });

  it('divides the batches ahead among maxInFlight', () => {
    expect(estimateRetryAfterMs({ ...base, maxInFlight: 3, queued: 8, recentBatchMs: [20] })).toBe(
      20,
    );
  });
});
