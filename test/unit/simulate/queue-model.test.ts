// The queue model against hand-computed cases: a device of 100 ms + 10 ms per item, no jitter,
// prefill half the batch time, 16 output tokens.
import type { DeviceProfile } from '../../../src/sidecar/backends/emulated';
import { DEVICE_PROFILES } from '../../../src/sidecar/backends/emulated';
import { type QueueResult, runQueueModel } from '../../../src/simulate/queue-model';
import type { SidecarSpec } from '../../../src/simulate/scenario';

const DEVICE: DeviceProfile = {
  fixedMs: 100,
  perItemMs: 10,
  jitterMs: 0,
  prefillShare: 0.5,
  outputTokens: 16,
};

const SIDECAR: SidecarSpec = {
  max_batch_size: 4,
  max_queue_delay_ms: 5,
  max_queue_size: 8,
  timeout_ms: 10_000,
  max_in_flight: 1,
};

interface Req {
  id: string;
  arrivalMs: number;
  maxTokens: number;
}

type Expected = Partial<Omit<QueueResult<Req>, 'request'>> & { id: string };

function run(arrivals: number[], sidecar: Partial<SidecarSpec> = {}, device = DEVICE) {
  const requests = arrivals.map((arrivalMs, i) => ({ id: `r${i}`, arrivalMs, maxTokens: 100 }));
  return [
    ...runQueueModel(requests, { sidecar: { ...SIDECAR, ...sidecar }, profile: device, seed: 1 }),
  ];
}

const cases: {
  name: string;
  arrivals: number[];
  sidecar?: Partial<SidecarSpec>;
  expected: Expected[];
}[] = [
  {
    name: 'a lone request waits max_queue_delay, then runs as a batch of 1',
    arrivals: [0],
    expected: [
      {
        id: 'r0',
        status: 'ok',
        httpStatus: 200,
        queueMs: 5,
        batchSize: 1,
        ttftMs: 5 + 55,
        latencyMs: 115,
        endMs: 115,
        outputTokens: 16,
      },
    ],
  },
  {
    name: 'requests within the delay leave together when the oldest has waited it',
    arrivals: [0, 3],
    expected: [
      { id: 'r0', status: 'ok', queueMs: 5, batchSize: 2, ttftMs: 65, latencyMs: 125 },
      { id: 'r1', status: 'ok', queueMs: 2, batchSize: 2, ttftMs: 62, latencyMs: 122 },
    ],
  },
  {
    name: 'a full batch leaves at once',
    arrivals: [0, 0, 0, 0],
    expected: ['r0', 'r1', 'r2', 'r3'].map((id) => ({
      id,
      status: 'ok' as const,
      queueMs: 0,
      batchSize: 4,
      ttftMs: 70,
      latencyMs: 140,
    })),
  },
  {
    name: 'queue full: the request that finds max_queue_size queued gets 503, before the others end',
    arrivals: [0, 1, 2, 3],
    sidecar: { max_batch_size: 1, max_queue_size: 2 },
    expected: [
      {
        id: 'r3',
        status: 'queue_full',
        httpStatus: 503,
        endMs: 3,
        queueMs: null,
        batchSize: null,
        ttftMs: null,
        outputTokens: null,
      },
      { id: 'r0', status: 'ok', queueMs: 0, latencyMs: 110 },
      { id: 'r1', status: 'ok', queueMs: 109, latencyMs: 219 },
      { id: 'r2', status: 'ok', queueMs: 218, latencyMs: 328 },
    ],
  },
  {
    // After r0 (110 ms) the predicted wait is (queued + 1) × 110 ms: r4 finds 2 queued, 330 > 329;
    // r3 is served 328 ms after it came, within its 329 ms.
    name: 'shed when the predicted wait exceeds the timeout',
    arrivals: [0, 120, 121, 122, 123],
    sidecar: { max_batch_size: 1, timeout_ms: 329 },
    expected: [
      { id: 'r0', status: 'ok', latencyMs: 110 },
      { id: 'r4', status: 'shed', httpStatus: 503, endMs: 123 },
      { id: 'r1', status: 'ok', queueMs: 0, endMs: 230 },
      { id: 'r2', status: 'ok', queueMs: 109, endMs: 340 },
      { id: 'r3', status: 'ok', queueMs: 218, endMs: 450 },
    ],
  },
  {
    name: 'at most max_in_flight batches: the third of a burst waits for a slot',
    arrivals: [0, 0, 0],
    sidecar: { max_batch_size: 1, max_in_flight: 2 },
    expected: [
      { id: 'r0', status: 'ok', queueMs: 0, endMs: 110 },
      { id: 'r1', status: 'ok', queueMs: 0, endMs: 110 },
      { id: 'r2', status: 'ok', queueMs: 110, endMs: 220 },
    ],
  },
  {
    name: 'with one batch in flight the same burst runs one after the other',
    arrivals: [0, 0, 0],
    sidecar: { max_batch_size: 1, max_in_flight: 1 },
    expected: [
      { id: 'r0', status: 'ok', queueMs: 0, endMs: 110 },
      { id: 'r1', status: 'ok', queueMs: 110, endMs: 220 },
      { id: 'r2', status: 'ok', queueMs: 220, endMs: 330 },
    ],
  },
  {
    // r1 starts at 110 and times out at 121 while running: its batch is aborted, r2 starts then.
    name: 'a running request past its timeout gets 504 and its lone batch frees the device',
    arrivals: [0, 1, 2],
    sidecar: { max_batch_size: 1, timeout_ms: 120 },
    expected: [
      { id: 'r0', status: 'ok', endMs: 110 },
      { id: 'r1', status: 'timeout', httpStatus: 504, endMs: 121, queueMs: 109, batchSize: 1 },
      { id: 'r2', status: 'timeout', httpStatus: 504, endMs: 122, queueMs: 119, batchSize: 1 },
    ],
  },
];

describe('runQueueModel: hand-computed cases', () => {
  test.each(cases)('$name', ({ arrivals, sidecar, expected }) => {
    const results = run(arrivals, sidecar);
    expect(results.map((r) => ({ id: r.request.id, ...r }))).toEqual(
      expected.map((e) => expect.objectContaining(e)),
    );
  });
});

describe('runQueueModel: stream properties', () => {
  const arrivals = Array.from({ length: 2000 }, (_, i) => i * 60.7);

  test('results come out in completion order, each request once', () => {
    const results = run(arrivals, { max_batch_size: 8 }, DEVICE_PROFILES.chimera);
    expect(results).toHaveLength(arrivals.length);
    expect(new Set(results.map((r) => r.request.id)).size).toBe(arrivals.length);
    expect(
      results.every((r, i) => i === 0 || r.endMs >= (results[i - 1] as QueueResult<Req>).endMs),
    ).toBe(true);
  });

  test('device time is the profile time plus jitter below jitterMs; the same seed gives the same run', () => {
    const chimera = DEVICE_PROFILES.chimera as DeviceProfile;
    const results = run(arrivals, { max_batch_size: 8 }, chimera);
    const within = results.every((r) => {
      const device = r.latencyMs - (r.queueMs as number);
      const base = chimera.fixedMs + chimera.perItemMs * (r.batchSize as number);
      const ttft = (r.queueMs as number) + device * chimera.prefillShare;
      return (
        device >= base &&
        device < base + chimera.jitterMs &&
        Math.abs((r.ttftMs as number) - ttft) < 1e-6
      );
    });
    expect(within).toBe(true);
    expect(run(arrivals, { max_batch_size: 8 }, chimera)).toEqual(results);
  });

  test('a latency regression multiplies the device time of batches that start after it', () => {
    const requests = [0, 1000].map((arrivalMs) => ({
      id: `${arrivalMs}`,
      arrivalMs,
      maxTokens: 4,
    }));
    const results = [
      ...runQueueModel(requests, {
        sidecar: SIDECAR,
        profile: DEVICE,
        seed: 1,
        deviceFactor: (atMs) => (atMs >= 500 ? 2 : 1),
      }),
    ];
    expect(results.map((r) => r.latencyMs - (r.queueMs as number))).toEqual([110, 220]);
    expect(results.map((r) => r.outputTokens)).toEqual([4, 4]);
  });
});
