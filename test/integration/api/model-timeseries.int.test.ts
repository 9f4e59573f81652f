// GET /api/v1/models/:model/timeseries over real HTTP on the real embedded store
// (test/helpers/model-api.ts has the data set): steps aligned to the epoch, empty steps filled,
// quantile points within 1 % of numpy's quantile of each step's values, throughput of cut steps,
// 400s listing what is valid.
import type { RequestRow } from '../../../src/ingest/rows';
import type { ModelSummary } from '../../../src/model-stats/summary';
import type { Timeseries } from '../../../src/model-stats/timeseries';
import {
  EDGES,
  EVALUATIONS,
  EVEN,
  errorOf,
  HOUR,
  iso,
  json,
  M0,
  MINUTE,
  MODEL,
  mean,
  PER_MINUTE,
  SENT,
  setNow,
  sorted,
  stepStartsOf,
  useModelApi,
  within,
  withinAll,
} from '../../helpers/model-api';
import { numpyQuantile, relativeError } from '../../helpers/telemetry-rows';

useModelApi('model_timeseries_api');

describe('GET /api/v1/models/:model/timeseries', () => {
  const range = `from=${iso(M0 - 2 * MINUTE)}&to=${iso(M0 + 12 * MINUTE)}`;
  const series = (query: string) => json<Timeseries>(`/api/v1/models/${MODEL}/timeseries?${query}`);

  it('requests per minute: one point per minute of the window, empty minutes 0', async () => {
    const t = await series(`metric=requests&step=1m&${range}`);
    expect(t).toMatchObject({ model: MODEL, metric: 'requests', step_seconds: 60 });
    expect(t.points).toHaveLength(14);
    expect(t.points.map((p) => p.ts)).toEqual(
      Array.from({ length: 14 }, (_, i) => iso(M0 + (i - 2) * MINUTE)),
    );
    expect(t.points.map((p) => p.value)).toEqual([0, 1, ...Array(10).fill(PER_MINUTE), 1, 0]);
  });

  it('5-minute steps aligned to the epoch sum their minutes; means are null where nothing happened', async () => {
    const end = M0 + 15 * MINUTE;
    const t = await series(`metric=latency_ms_mean&step=5m&from=${M0}&to=${end}`);
    expect(t.step_seconds).toBe(300);
    const starts = stepStartsOf(M0, end, 5 * MINUTE);
    expect(t.points.map((p) => p.ts)).toEqual(starts.map(iso));
    t.points.forEach((point, i) => {
      const start = starts[i] as number;
      const rows = [...SENT, ...EDGES].filter(
        (s) => s.ms >= Math.max(start, M0) && s.ms < Math.min(start + 5 * MINUTE, end),
      );
      if (rows.length === 0) expect(point.value).toBeNull();
      else
        expect(
          relativeError(point.value as number, mean(rows.map((r) => r.row.latency_ms))),
        ).toBeLessThan(1e-12);
    });
  });

  it.each([
    ['latency_ms_p95', '5m', (r: RequestRow) => r.latency_ms, 0.95],
    ['latency_ms_p50', '1m', (r: RequestRow) => r.latency_ms, 0.5],
    ['ttft_ms_p99', '3m', (r: RequestRow) => r.ttft_ms, 0.99],
    ['queue_ms_p90', '10m', (r: RequestRow) => r.queue_ms, 0.9],
  ] as const)(
    "%s per %s step is within 1 % of numpy's quantile of the step's values",
    async (metric, step, pick, q) => {
      const end = M0 + 10 * MINUTE;
      const t = await series(`metric=${metric}&step=${step}&from=${M0}&to=${end}`);
      const stepMs = t.step_seconds * 1000;
      expect(t.points.map((p) => p.ts)).toEqual(stepStartsOf(M0, end, stepMs).map(iso));
      for (const point of t.points) {
        const start = Date.parse(point.ts);
        const values = sorted(within(Math.max(start, M0), start + stepMs).map((s) => pick(s.row)));
        if (values.length === 0) expect(point.value).toBeNull();
        else
          expect(relativeError(point.value as number, numpyQuantile(values, q))).toBeLessThan(0.01);
      }
    },
  );

  it('a quantile point equals the summary over the same minutes', async () => {
    // An odd M0 makes the first and last 2-minute steps stick out of the window: clip them.
    const end = M0 + 10 * MINUTE;
    const t = await series(`metric=latency_ms_p99&step=2m&from=${M0}&to=${end}`);
    for (const point of t.points) {
      const start = Math.max(Date.parse(point.ts), M0);
      const stop = Math.min(Date.parse(point.ts) + 2 * MINUTE, end);
      const s = await json<ModelSummary>(
        `/api/v1/models/${MODEL}/summary?from=${start}&to=${stop}`,
      );
      // The same levels over the same states; merge order may still move the last Float32 bit.
      expect(relativeError(point.value as number, s.latency_ms.p99 as number)).toBeLessThan(1e-6);
    }
  });

  it('score:<name> is the mean per step, null where nothing was scored', async () => {
    const t = await series(`metric=score:accuracy&step=1m&${range}`);
    expect(t.points).toHaveLength(14);
    t.points.forEach((point, i) => {
      const start = M0 + (i - 2) * MINUTE;
      const values = EVALUATIONS.filter(
        (e) => e.row.name === 'accuracy' && e.ms >= start && e.ms < start + MINUTE,
      ).map((e) => e.row.value);
      if (values.length === 0) expect(point.value).toBeNull();
      else expect(relativeError(point.value as number, mean(values))).toBeLessThan(1e-12);
    });
  });

  it('throughput divides by the part of each step inside the window and before now', async () => {
    const nowMs = M0 + 7 * MINUTE + 30_000;
    setNow(nowMs);
    const end = M0 + 20 * MINUTE;
    const t = await series(`metric=throughput_rps&step=1h&from=${M0}&to=${end}`);
    const starts = stepStartsOf(M0, end, HOUR);
    expect(t.points.map((p) => p.ts)).toEqual(starts.map(iso));
    for (const [i, point] of t.points.entries()) {
      const start = Math.max(starts[i] as number, M0);
      const stop = Math.min((starts[i] as number) + HOUR, end);
      const seconds = (Math.min(stop, nowMs) - start) / 1000;
      if (seconds <= 0) expect(point.value).toBeNull();
      else expect(point.value).toBeCloseTo(withinAll(start, stop).length / seconds, 12);
    }
  });

  it.each([
    [
      'metric=nope',
      /^metric: unknown metric "nope"; expected one of requests, errors, error_rate, throughput_rps, .*latency_ms_p95.*, or score:<name>$/,
    ],
    ['step=1m', /^metric: required$/],
    [
      'metric=requests&step=90s',
      /^step: expected a whole number of minutes such as 1m, 5m, 1h, 1d or 300 \(seconds\), got "90s"$/,
    ],
    ['metric=requests&step=five', /^step: expected a whole number of minutes/],
    [
      `metric=requests&step=1m&from=${EVEN - 2 * 1440 * MINUTE}&to=${EVEN}`,
      /^step: 1 min over .* gives 2880 points, more than 1440; use a step of at least 2m$/,
    ],
    ['metric=score:', /^metric: expected score:<name> with a name of 1-255 characters/],
  ])('400 naming the parameter: %s', async (query, message) => {
    expect(await errorOf(`/api/v1/models/${MODEL}/timeseries?${query}`, 400)).toMatch(message);
  });

  it('a model never seen is 404', async () => {
    await errorOf('/api/v1/models/nobody/timeseries?metric=requests', 404, 'model_not_found');
  });
});
