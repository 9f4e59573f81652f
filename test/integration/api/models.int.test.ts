// The read side over real HTTP on the real embedded store: rows with a known distribution go into
// inference_requests / evaluations (through a test sink that inserts via Store.insert), the
// materialized views fill the minute rollups, and /api/v1/models/... must answer exact counts and
// means, and quantiles within 1 % of numpy's default (linear) quantiles of the raw values.
import type { Server } from 'node:http';
import { createApp } from '../../../src/api/app';
import { closeServer, listen } from '../../../src/api/http-server';
import type { ErrorBody } from '../../../src/api/middleware/errors';
import { parseTokens } from '../../../src/config/tokens';
import type { EvaluationRow, RequestRow } from '../../../src/ingest/rows';
import { createModelStats } from '../../../src/model-stats/service';
import type { ModelSummary } from '../../../src/model-stats/summary';
import type { Timeseries } from '../../../src/model-stats/timeseries';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { storeSink } from '../../helpers/store-sink';
import {
  evaluationRow,
  normal,
  numpyQuantile,
  relativeError,
  requestRow,
  seededRandom,
  tsText,
} from '../../helpers/telemetry-rows';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const MODEL = 'chimera';
const READ = 'read-secret-0123456789ab';
const INGEST = 'ingest-secret-0123456789';
// Ten whole minutes, half an hour ago: inside every TTL.
const M0 = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
const PER_MINUTE = 50;
// A minute boundary that is also a 2-minute boundary.
const EVEN = Math.floor(M0 / (2 * MINUTE)) * 2 * MINUTE;

interface Sent {
  ms: number;
  row: RequestRow;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const random = seededRandom(7);
const SENT: Sent[] = [];
for (let m = 0; m < 10; m++) {
  for (let i = 0; i < PER_MINUTE; i++) {
    const ms = M0 + m * MINUTE + i * 1000 + 123.456;
    const index = m * PER_MINUTE + i;
    const latency = round3(Math.exp(Math.log(120) + 0.6 * normal(random)));
    SENT.push({
      ms,
      row: requestRow({
        ts: tsText(ms),
        model: MODEL,
        model_version: m < 5 ? 'v1' : 'v2',
        service: i % 2 === 0 ? 'a' : 'b',
        status: index % 7 === 0 ? 'error' : 'ok',
        latency_ms: latency,
        ttft_ms: i % 5 === 0 ? null : round3(latency * (0.2 + 0.1 * random())),
        queue_ms: i % 2 === 0 ? round3(5 + 20 * random()) : null,
        batch_size: i % 3 === 0 ? 1 + (i % 8) : null,
        input_tokens: 100 + i,
        output_tokens: i % 4 === 0 ? null : 10 * i,
      }),
    });
  }
}
// Just outside [M0, M0 + 10 min) on either side, with latencies no other row has.
const EDGES: Sent[] = [M0 - 30_000, M0 + 10 * MINUTE + 5_000].map((ms, i) => ({
  ms,
  row: requestRow({ ts: tsText(ms), model: MODEL, latency_ms: 5000 + i }),
}));
const QUIET_MS = M0 - 180 * MINUTE;
const QUIET = requestRow({ ts: tsText(QUIET_MS), model: 'quiet', model_version: '3' });

const EVALUATIONS: Array<{ ms: number; row: EvaluationRow }> = SENT.flatMap(({ ms, row }, i) => {
  const rows: EvaluationRow[] = [];
  const at = { ts: row.ts, model: MODEL, model_version: row.model_version };
  if (i % 2 === 0) rows.push(evaluationRow({ ...at, name: 'accuracy', value: round3(random()) }));
  if (i % 5 === 0) rows.push(evaluationRow({ ...at, name: 'coherence', value: random() }));
  if (i % 10 === 0) rows.push(evaluationRow({ ...at, name: 'verdict', label: 'good' }));
  return rows.map((r) => ({ ms, row: r }));
});

let nowMs = M0 + 40 * MINUTE;
let store: Store;
let server: Server;
let base: string;

async function get(path: string, token = READ): Promise<Response> {
  return fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

async function json<T>(path: string): Promise<T> {
  const response = await get(path);
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function errorOf(path: string, status: number, code = 'invalid_parameter'): Promise<string> {
  const response = await get(path);
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  return body.error.message;
}

const iso = (ms: number) => new Date(ms).toISOString();
const rounded = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)),
  );
const stepStartsOf = (fromMs: number, toMs: number, stepMs: number) => {
  const starts: number[] = [];
  for (let t = Math.floor(fromMs / stepMs) * stepMs; t < toMs; t += stepMs) starts.push(t);
  return starts;
};
const within = (fromMs: number, toMs: number) => SENT.filter((s) => s.ms >= fromMs && s.ms < toMs);
const withinAll = (fromMs: number, toMs: number) =>
  [...SENT, ...EDGES].filter((s) => s.ms >= fromMs && s.ms < toMs);
const sorted = (values: Array<number | null>) =>
  values.filter((v): v is number => v !== null).sort((a, b) => a - b);
const sum = (values: Array<number | null>) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
const mean = (values: Array<number | null>) => {
  const present = sorted(values);
  return sum(present) / present.length;
};

beforeAll(async () => {
  store = await openTestStore('models_api');
  await migrate(store, loadMigrationFiles());
  const sink = storeSink(store);
  // One write per minute, so the rollup merges states from many parts.
  for (let m = 0; m < 10; m++) {
    const inMinute = (ms: number) => ms >= M0 + m * MINUTE && ms < M0 + (m + 1) * MINUTE;
    await sink.write({
      inference_requests: SENT.filter((s) => inMinute(s.ms)).map((s) => s.row),
      evaluations: EVALUATIONS.filter((e) => inMinute(e.ms)).map((e) => e.row),
      pending_evaluations: [],
      metric_points: [],
    });
  }
  await sink.write({
    inference_requests: [...EDGES.map((e) => e.row), QUIET],
    evaluations: [],
    pending_evaluations: [],
    metric_points: [],
  });
  const app = createApp({
    tokens: parseTokens(`grafana:${READ}:read,collector:${INGEST}:ingest`),
    log: createLogger('silent'),
    metrics: createMetrics(),
    readiness: async () => ({ ready: true, checks: { store: 'ok', migrations: 'ok' } }),
    status: async () => ({}),
    effectiveConfig: () => ({}),
    modelStats: createModelStats(store, { now: () => new Date(nowMs) }),
  });
  const listening = await listen(app, '127.0.0.1', 0);
  server = listening.server;
  base = `http://127.0.0.1:${listening.port}`;
});

afterAll(async () => {
  if (server !== undefined) await closeServer(server, 1_000);
  if (store !== undefined) await closeTestStore(store);
});

beforeEach(() => {
  nowMs = M0 + 40 * MINUTE;
});

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
    expect((await fetch(`${base}/api/v1/models`)).status).toBe(401);
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
    nowMs = M0 + 10 * MINUTE + 15_000;
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
    [`from=${nowMs + MINUTE}`, /^from must be before now \(the default to\)/],
    ['from=1&from=2', /^from: expected a single value$/],
    ['form=1', /^unknown query parameter form$/],
  ])('400 naming the parameter: %s', async (query, message) => {
    expect(await errorOf(`/api/v1/models/${MODEL}/summary?${query}`, 400)).toMatch(message);
  });
});

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
    const t = await series(`metric=latency_ms_p99&step=2m&from=${M0}&to=${M0 + 10 * MINUTE}`);
    for (const point of t.points) {
      const start = Math.max(Date.parse(point.ts), M0);
      const s = await json<ModelSummary>(
        `/api/v1/models/${MODEL}/summary?from=${start}&to=${Date.parse(point.ts) + 2 * MINUTE}`,
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
    nowMs = M0 + 7 * MINUTE + 30_000;
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
