import {
  MAX_POINTS,
  minimalStep,
  parseMetric,
  parseStep,
  pointCount,
  REQUEST_METRICS,
  requestPoints,
  scorePoints,
  stepLevels,
  stepStarts,
  withQuantiles,
} from '../../../src/model-stats/timeseries';
import type { RequestStep } from '../../../src/model-stats/types';

const H = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;

function step(startMs: number, sums: Partial<RequestStep>): RequestStep {
  return {
    startMs,
    requests: 0,
    errors: 0,
    latency_sum_ms: 0,
    latency_max_ms: 0,
    ttft_count: 0,
    ttft_sum_ms: 0,
    queue_count: 0,
    queue_sum_ms: 0,
    batched: 0,
    batch_size_sum: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_lookups: 0,
    cache_hits: 0,
    quantile: null,
    ...sums,
  };
}

describe('parseStep', () => {
  it.each([
    ['60', 60],
    ['1m', 60],
    ['5m', 300],
    ['300s', 300],
    ['1h', 3600],
    ['1d', 86_400],
  ])('%s -> %d s', (text, seconds) => {
    expect(parseStep(text)).toEqual({ seconds });
  });

  it.each(['30s', '90', '0m', '1.5m', 'm', '1w', '-1m', ''])('refuses %j', (text) => {
    expect(parseStep(text)).toEqual({
      error: expect.stringMatching(/^expected a whole number of minutes/),
    });
  });
});

describe('parseMetric', () => {
  it('knows the request metrics, quantiles with their digest column and level', () => {
    expect(parseMetric('requests')).toEqual({ kind: 'request', name: 'requests' });
    expect(parseMetric('ttft_ms_p95')).toEqual({
      kind: 'request',
      name: 'ttft_ms_p95',
      quantile: { column: 'ttft', level: 0.95 },
    });
    expect(parseMetric('score:accuracy')).toEqual({
      kind: 'score',
      name: 'score:accuracy',
      score: 'accuracy',
    });
  });

  it.each(['nope', 'toString', '__proto__', 'score:', `score:${'x'.repeat(256)}`])(
    'refuses %j',
    (text) => {
      expect(parseMetric(text)).toEqual({ error: expect.any(String) });
    },
  );

  it('the error lists every valid metric', () => {
    const result = parseMetric('nope');
    for (const name of Object.keys(REQUEST_METRICS)) expect(JSON.stringify(result)).toContain(name);
    expect(JSON.stringify(result)).toContain('score:<name>');
  });
});

describe('steps', () => {
  it('are aligned to multiples of the step since the epoch; the first may start before the window', () => {
    const window = { fromMs: H + 7 * MIN, toMs: H + 20 * MIN };
    expect(stepStarts(window, 300)).toEqual([H + 5 * MIN, H + 10 * MIN, H + 15 * MIN]);
    expect(pointCount(window, 300)).toBe(3);
    expect(pointCount({ fromMs: H, toMs: H }, 60)).toBe(0);
  });

  it('minimalStep keeps a window within MAX_POINTS', () => {
    const day = { fromMs: H, toMs: H + 1440 * MIN };
    expect(minimalStep(day)).toBe(60);
    const twoDays = { fromMs: H + MIN, toMs: H + MIN + 2880 * MIN };
    const seconds = minimalStep(twoDays);
    expect(pointCount(twoDays, seconds)).toBeLessThanOrEqual(MAX_POINTS);
    expect(pointCount(twoDays, seconds - 60)).toBeGreaterThan(MAX_POINTS);
  });
});

describe('requestPoints', () => {
  const window = { fromMs: H, toMs: H + 3 * MIN };
  const steps = [step(H, { requests: 4, errors: 1, latency_sum_ms: 40, quantile: 12 })];

  it.each([
    ['requests', [4, 0, 0]],
    ['errors', [1, 0, 0]],
    ['error_rate', [0.25, null, null]],
    ['latency_ms_mean', [10, null, null]],
    ['latency_ms_p95', [12, null, null]],
    ['ttft_ms_mean', [null, null, null]],
    ['throughput_rps', [4 / 60, 0, null]],
  ])('%s fills empty steps', (metric, values) => {
    const nowMs = H + 2 * MIN; // the last minute has not begun
    const points = requestPoints({ metric, window, stepSeconds: 60, nowMs, steps });
    expect(points.map((p) => p.ts)).toEqual(
      [H, H + MIN, H + 2 * MIN].map((t) => new Date(t).toISOString()),
    );
    expect(points.map((p) => p.value)).toEqual(values);
  });

  it('throughput of a step cut by the window divides by the part inside it', () => {
    const cut = { fromMs: H + 2 * MIN, toMs: H + 5 * MIN };
    const points = requestPoints({
      metric: 'throughput_rps',
      window: cut,
      stepSeconds: 600,
      nowMs: H + 60 * MIN,
      steps: [step(H, { requests: 36 })],
    });
    expect(points).toEqual([{ ts: new Date(H).toISOString(), value: 36 / 180 }]);
  });
});

describe('scorePoints', () => {
  it('is the mean per step, null where nothing was scored', () => {
    const points = scorePoints({
      window: { fromMs: H, toMs: H + 2 * MIN },
      stepSeconds: 60,
      steps: [{ startMs: H + MIN, scored: 4, valueSum: 3 }],
    });
    expect(points.map((p) => p.value)).toEqual([null, 0.75]);
  });
});

describe("per-step quantiles at numpy's rank", () => {
  const steps = [step(H, { requests: 4, ttft_count: 2 }), step(H + MIN, { requests: 0 })];

  it('stepLevels asks each step with values for its own two levels', () => {
    expect(stepLevels(steps, 'latency', 0.5)).toEqual([{ startMs: H, levels: [0.375, 0.625] }]);
    expect(stepLevels(steps, 'ttft', 0.5)).toEqual([{ startMs: H, levels: [0.25, 0.75] }]);
    expect(stepLevels(steps, 'queue', 0.5)).toEqual([]);
  });

  it('withQuantiles interpolates the answers; null for steps without values or without a quantile', () => {
    const answers = new Map([[H, [20, 30]]]);
    const filled = withQuantiles(steps, { column: 'latency', level: 0.5 }, answers);
    expect(filled.map((s) => s.quantile)).toEqual([25, null]);
    expect(withQuantiles(steps, undefined, answers).map((s) => s.quantile)).toEqual([null, null]);
  });
});
