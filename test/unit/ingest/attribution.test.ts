import { createAttribution } from '../../../src/ingest/attribution';
import { createLogger } from '../../../src/telemetry/logger';

const log = createLogger('silent');

// A pending table of `n` attributable scores; each move takes up to `limit` of them.
function pendingTable(n: number) {
  let left = n;
  const calls: number[] = [];
  return {
    calls,
    left: () => left,
    move: async (limit: number) => {
      calls.push(limit);
      const taken = Math.min(limit, left);
      left -= taken;
      return { moved: taken, settled: taken };
    },
  };
}

describe('createAttribution', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runOnce moves batch after batch until a batch comes back short', async () => {
    const table = pendingTable(25);
    const attribution = createAttribution({ move: table.move, log, batchSize: 10 });
    expect(await attribution.runOnce()).toEqual({ moved: 25, settled: 25, batches: 3 });
    expect(table.calls).toEqual([10, 10, 10]);
    expect(await attribution.runOnce()).toEqual({ moved: 0, settled: 0, batches: 1 });
  });

  it('one pass is bounded by maxBatchesPerPass; the next pass goes on', async () => {
    const table = pendingTable(100);
    const attribution = createAttribution({
      move: table.move,
      log,
      batchSize: 10,
      maxBatchesPerPass: 3,
    });
    expect(await attribution.runOnce()).toEqual({ moved: 30, settled: 30, batches: 3 });
    expect(table.left()).toBe(70);
  });

  it('passes never overlap: a second runOnce waits for the first', async () => {
    let active = 0;
    let maxActive = 0;
    const attribution = createAttribution({
      log,
      move: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
        return { moved: 1, settled: 1 };
      },
    });
    await Promise.all([attribution.runOnce(), attribution.runOnce(), attribution.runOnce()]);
    expect(maxActive).toBe(1);
  });

  it('a failing pass rejects runOnce but does not block the next one', async () => {
    let fail = true;
    const attribution = createAttribution({
      log,
      move: async () => {
        if (fail) throw new Error('store down');
        return { moved: 2, settled: 2 };
      },
    });
    await expect(attribution.runOnce()).rejects.toThrow('store down');
    fail = false;
    expect(await attribution.runOnce()).toEqual({ moved: 2, settled: 2, batches: 1 });
  });

  it('start runs a pass every interval, survives failures, and stop ends it (twice is safe)', async () => {
    jest.useFakeTimers();
    let calls = 0;
    const attribution = createAttribution({
      log,
      intervalMs: 2_000,
      move: async () => {
        calls += 1;
        if (calls === 2) throw new Error('transient');
        return { moved: 0, settled: 0 };
      },
    });
    attribution.start();
    attribution.start(); // no second timer
    await jest.advanceTimersByTimeAsync(1_999);
    expect(calls).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(4_000);
    expect(calls).toBe(3);
    await attribution.stop();
    await attribution.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(3);
    // After stop, a final pass can still be run (shutdown).
    await attribution.runOnce();
    expect(calls).toBe(4);
  });
});
