// GET /api/v1/models and /api/v1/models/:model/summary over real HTTP on the real embedded store
// (test/helpers/model-api.ts has the data set): exact counts and means, quantiles within 1 % of
// numpy's default (linear) quantiles of the raw values, window edges, 404 and 400s.
import type { ModelSummary } from '../../../src/model-stats/summary';
import {
  baseUrl,
  DEFAULT_NOW,
  EDGES,
  EVALUATIONS,
  errorOf,
  get,
  INGEST,
  iso,
  json,
  M0,
  MINUTE,
  MODEL,
  mean,
  QUIET_MS,
  rounded,
  SENT,
  setNow,
  sorted,
  sum,
  useModelApi,
  within,
} from '../../helpers/model-api';
import { numpyQuantile, relativeError } from '../../helpers/telemetry-rows';

useModelApi('models_api');

describe('GET /api/v1/models', () => {
  it('lists every model seen with its first and last minute, versions and requests', async () => {
    expect(await json('/api/v1/models')).toEqual({
      models: [
        {
          model: MODEL,
          first_seen: iso(M0 - MINUTE),
          last_seen: iso(M0 + 10 * MINUTE),
          versions: ['v1', 'v2'],
          requests: SENT.length + EDGES.length,
        },
        {
          model: 'quiet',
          first_seen: iso(QUIET_MS),
          last_seen: iso(QUIET_MS),
          versions: ['3'],
          requests: 1,
        },
      ],
    });
  });

  it('needs the read scope: 401 without a token, 403 with an ingest token', async () => {
    expect((await fetch(`${baseUrl()}/api/v1/models`)).status).toBe(401);
    expect((await get('/api/v1/models', INGEST)).status).toBe(403);
  });
});

describe('GET /api/v1/models/:model/summary', () => {
  const from = M0;
  const to = M0 + 10 * MINUTE;
  const path = `/api/v1/models/${MODEL}/summary?from=${iso(from)}&to=${iso(to)}`;

  it('counts, error rate, token totals, means and throughput over an aligned window are exact', async () => {
    const s = await json<ModelSummary>(path);
    const rows = within(from, to).map((x) => x.row);
    expect(rows).toHaveLength(500);
    const errors = rows.filter((r) => r.status === 'error').length;
    expect(s).toMatchObject({
      model: MODEL,
      from: iso(from),
      to: iso(to),
      requests: 500,
      errors,
      error_rate: errors / 500,
      tokens: {
        input: sum(rows.map((r) => r.input_tokens)),
        output: sum(rows.map((r) => r.output_tokens)),
      },
    });
    // The window is in the past: throughput divides by its whole 600 s.
    expect(s.throughput_rps).toBeCloseTo(500 / 600, 12);
    expect(
      relativeError(s.latency_ms.mean as number, mean(rows.map((r) => r.latency_ms))),
    ).toBeLessThan(1e-12);
    expect(relativeError(s.ttft_ms.mean as number, mean(rows.map((r) => r.ttft_ms)))).toBeLessThan(
      1e-12,
    );
    expect(
      relativeError(s.queue_ms.mean as number, mean(rows.map((r) => r.queue_ms))),
    ).toBeLessThan(1e-12);
    expect(
      relativeError(s.batch_size_mean as number, mean(rows.map((r) => r.batch_size))),
    ).toBeLessThan(1e-12);
  });

  it("latency, TTFT and queue quantiles are within 1 % of numpy's linear quantiles of the raw values", async () => {
    const s = await json<ModelSummary>(path);
    const rows = within(from, to).map((x) => x.row);
    const latency = sorted(rows.map((r) => r.latency_ms));
    const ttft = sorted(rows.map((r) => r.ttft_ms));
    const queue = sorted(rows.map((r) => r.queue_ms));
    const checks: Array<[number | null, number]> = [
      [s.latency_ms.p50, numpyQuantile(latency, 0.5)],
      [s.latency_ms.p95, numpyQuantile(latency, 0.95)],
      [s.latency_ms.p99, numpyQuantile(latency, 0.99)],
      [s.ttft_ms.p50, numpyQuantile(ttft, 0.5)],
      [s.ttft_ms.p95, numpyQuantile(ttft, 0.95)],
      [s.ttft_ms.p99, numpyQuantile(ttft, 0.99)],
      [s.queue_ms.p95, numpyQuantile(queue, 0.95)],
    ];
    for (const [actual, expected] of checks)
      expect(relativeError(actual as number, expected)).toBeLessThan(0.01);
  });

  it("a window of 100 values gives numpy's quantiles exactly: the merged digest holds single values", async () => {
    const s = await json<ModelSummary>(
      `/api/v1/models/${MODEL}/summary?from=${iso(M0 + 3 * MINUTE)}&to=${iso(M0 + 5 * MINUTE)}`,
    );
    const latency = sorted(within(M0 + 3 * MINUTE, M0 + 5 * MINUTE).map((x) => x.row.latency_ms));
    expect(s.requests).toBe(100);
    // Exact up to the Float32 the digest stores values in.
    expect(relativeError(s.latency_ms.p50 as number, numpyQuantile(latency, 0.5))).toBeLessThan(
      1e-6,
    );
    expect(relativeError(s.latency_ms.p95 as number, numpyQuantile(latency, 0.95))).toBeLessThan(
      1e-6,
    );
    expect(relativeError(s.latency_ms.p99 as number, numpyQuantile(latency, 0.99))).toBeLessThan(
      1e-6,
    );
  });

  it('scores: mean and count of the numeric values per name; label-only names are left out', async () => {
    const s = await json<ModelSummary>(path);
    const values = (name: string) =>
      EVALUATIONS.filter((e) => e.row.name === name && e.ms >= from && e.ms < to).map(
        (e) => e.row.value,
      );
    expect(Object.keys(s.scores)).toEqual(['accuracy', 'coherence']);
    for (const name of ['accuracy', 'coherence']) {
      expect(s.scores[name]?.count).toBe(values(name).length);
      expect(relativeError(s.scores[name]?.mean as number, mean(values(name)))).toBeLessThan(1e-12);
    }
  });

  it('an unaligned window covers the minutes whose start lies in [from, to), and reports them', async () => {
    const s = await json<ModelSummary>(
      `/api/v1/models/${MODEL}/summary?from=${iso(M0 + 30_000)}&to=${iso(M0 + 2 * MINUTE + 30_000)}`,
    );
    // Minute M0 starts before from: out. Minute M0 + 2 min starts before to: in, all of it.
    expect(s.from).toBe(iso(M0 + MINUTE));
    expect(s.to).toBe(iso(M0 + 3 * MINUTE));
    expect(s.requests).toBe(within(M0 + MINUTE, M0 + 3 * MINUTE).length);
    expect(s.requests).toBe(100);
    expect(s.throughput_rps).toBeCloseTo(100 / 120, 12);
  });

  it('the edge rows fall in or out by their minute', async () => {
    const before = await json<ModelSummary>(
      `/api/v1/models/${MODEL}/summary?from=${iso(M0 - MINUTE)}&to=${iso(M0)}`,
    );
    expect(before).toMatchObject({ requests: 1, latency_ms: { mean: 5000, p50: 5000, p99: 5000 } });
    const after = await json<ModelSummary>(
      `/api/v1/models/${MODEL}/summary?from=${iso(M0 + 10 * MINUTE)}&to=${iso(M0 + 10 * MINUTE + 1)}`,
    );
    expect(after).toMatchObject({
      requests: 1,
      to: iso(M0 + 11 * MINUTE),
      latency_ms: { mean: 5001 },
    });
  });

  it('epoch milliseconds and ISO-8601 (with an offset) give the same answer', async () => {
    const byIso = await json<ModelSummary>(path);
    const byEpoch = await json<ModelSummary>(
      `/api/v1/models/${MODEL}/summary?from=${from}&to=${to}`,
    );
    const offset = new Date(from)
      .toISOString()
      .replace(/(\d\d):(\d\d):00\.000Z$/, '$1:$2:00+00:00');
    const byOffset = await json<ModelSummary>(
      `/api/v1/models/${MODEL}/summary?from=${encodeURIComponent(offset)}&to=${to}`,
    );
    // Float sums merge parts in no fixed order: the last bit of a mean may differ between reads.
    expect(rounded(byEpoch)).toEqual(rounded(byIso));
    expect(rounded(byOffset)).toEqual(rounded(byIso));
  });

  it('without from/to: the last hour up to now, the current minute included, throughput over the time elapsed', async () => {
    const nowMs = M0 + 10 * MINUTE + 15_000;
    setNow(nowMs);
    const s = await json<ModelSummary>(`/api/v1/models/${MODEL}/summary`);
    const fromMs = M0 - 49 * MINUTE; // ceil(now - 1 h)
    expect(s.from).toBe(iso(fromMs));
    expect(s.to).toBe(iso(M0 + 11 * MINUTE));
    expect(s.requests).toBe(SENT.length + EDGES.length);
    expect(s.throughput_rps).toBeCloseTo(
      (SENT.length + EDGES.length) / ((nowMs - fromMs) / 1000),
      12,
    );
  });

  it('a known model with no data in the window answers zeros and nulls', async () => {
    expect(await json(`/api/v1/models/quiet/summary?from=${from}&to=${to}`)).toEqual({
      model: 'quiet',
      from: iso(from),
      to: iso(to),
      requests: 0,
      errors: 0,
      error_rate: null,
      throughput_rps: 0,
      latency_ms: { mean: null, p50: null, p95: null, p99: null },
      ttft_ms: { mean: null, p50: null, p95: null, p99: null },
      queue_ms: { mean: null, p95: null },
      batch_size_mean: null,
      tokens: { input: 0, output: 0 },
      scores: {},
    });
  });

  it('a model never seen is 404', async () => {
    expect(await errorOf('/api/v1/models/nobody/summary', 404, 'model_not_found')).toBe(
      'model "nobody" has never been seen',
    );
  });

  it.each([
    ['from=yesterday', /^from: expected an ISO-8601 time with a zone .* got "yesterday"$/],
    ['to=2026-01-01T00:00:00', /^to: expected an ISO-8601 time/],
    [`from=${M0}&to=${M0}`, /^from must be before to/],
    [`from=${M0 + 1}&to=${M0}`, /^from must be before to/],
    [`from=${DEFAULT_NOW + MINUTE}`, /^from must be before now \(the default to\)/],
    ['from=1&from=2', /^from: expected a single value$/],
    ['form=1', /^unknown query parameter form$/],
  ])('400 naming the parameter: %s', async (query, message) => {
    expect(await errorOf(`/api/v1/models/${MODEL}/summary?${query}`, 400)).toMatch(message);
  });
});
