// The model read API over real HTTP on the real embedded store, with a known data set: ten whole
// minutes of 50 requests (lognormal latencies, TTFT, queue, batch, tokens, errors), one request
// just either side, a second model seen hours earlier, and scores. Rows go in through a test sink
// that inserts via Store.insert; the materialized views fill the minute rollups. Shared by the
// summary and timeseries suites.
import type { Server } from 'node:http';
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/http-server';
import type { ErrorBody } from '../../src/api/middleware/errors';
import { parseTokens } from '../../src/config/tokens';
import type { EvaluationRow, RequestRow } from '../../src/ingest/rows';
import { createModelStats } from '../../src/model-stats/service';
import { migrate } from '../../src/store/migrate';
import { loadMigrationFiles } from '../../src/store/migration-plan';
import type { Store } from '../../src/store/store';
import { createLogger } from '../../src/telemetry/logger';
import { createMetrics } from '../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from './store';
import { storeSink } from './store-sink';
import { evaluationRow, normal, requestRow, seededRandom, tsText } from './telemetry-rows';

/** One minute and one hour in ms. */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** The model with data, and the tokens of the app. */
export const MODEL = 'chimera';
export const READ = 'read-secret-0123456789ab';
export const INGEST = 'ingest-secret-0123456789';
// Ten whole minutes, half an hour ago: inside every TTL.
export const M0 = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
export const PER_MINUTE = 50;
// A minute boundary that is also a 2-minute boundary.
export const EVEN = Math.floor(M0 / (2 * MINUTE)) * 2 * MINUTE;

/** A request row and its time in epoch ms. */
export interface Sent {
  ms: number;
  row: RequestRow;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const random = seededRandom(7);
/** The 500 requests of minutes M0 .. M0 + 9. */
export const SENT: Sent[] = [];
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
export const EDGES: Sent[] = [M0 - 30_000, M0 + 10 * MINUTE + 5_000].map((ms, i) => ({
  ms,
  row: requestRow({ ts: tsText(ms), model: MODEL, latency_ms: 5000 + i }),
}));
/** The second model's only request, hours before M0. */
export const QUIET_MS = M0 - 180 * MINUTE;
const QUIET = requestRow({ ts: tsText(QUIET_MS), model: 'quiet', model_version: '3' });

/** Scores of the requests: accuracy, coherence, label-only verdicts. */
export const EVALUATIONS: Array<{ ms: number; row: EvaluationRow }> = SENT.flatMap(
  ({ ms, row }, i) => {
    const rows: EvaluationRow[] = [];
    const at = { ts: row.ts, model: MODEL, model_version: row.model_version };
    if (i % 2 === 0) rows.push(evaluationRow({ ...at, name: 'accuracy', value: round3(random()) }));
    if (i % 5 === 0) rows.push(evaluationRow({ ...at, name: 'coherence', value: random() }));
    if (i % 10 === 0) rows.push(evaluationRow({ ...at, name: 'verdict', label: 'good' }));
    return rows.map((r) => ({ ms, row: r }));
  },
);

/** The clock of the app unless a test moves it: ten minutes after the data's window ends. */
export const DEFAULT_NOW = M0 + 40 * MINUTE;
let nowMs = DEFAULT_NOW;
let store: Store;
let server: Server;
let base: string;

/** Returns the app's base URL (http://127.0.0.1:<port>). */
export function baseUrl(): string {
  return base;
}

/** Sets the app's clock for the current test (reset before each test). */
export function setNow(ms: number): void {
  nowMs = ms;
}

/** GETs a path with a bearer token (read by default). */
export async function get(path: string, token = READ): Promise<Response> {
  return fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

/** GETs a path and returns its JSON body; throws unless 200. */
export async function json<T>(path: string): Promise<T> {
  const response = await get(path);
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** GETs a path, asserts the status and error code, and returns the error message. */
export async function errorOf(
  path: string,
  status: number,
  code = 'invalid_parameter',
): Promise<string> {
  const response = await get(path);
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  return body.error.message;
}

/** Returns the ISO text of epoch ms. */
export const iso = (ms: number) => new Date(ms).toISOString();
/** Returns a value with every number rounded to 12 significant digits. */
export const rounded = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)),
  );
/** Returns the epoch-aligned step starts covering [fromMs, toMs). */
export const stepStartsOf = (fromMs: number, toMs: number, stepMs: number) => {
  const starts: number[] = [];
  for (let t = Math.floor(fromMs / stepMs) * stepMs; t < toMs; t += stepMs) starts.push(t);
  return starts;
};
/** Returns the SENT rows in [fromMs, toMs). */
export const within = (fromMs: number, toMs: number) =>
  SENT.filter((s) => s.ms >= fromMs && s.ms < toMs);
/** Returns the SENT and EDGES rows in [fromMs, toMs). */
export const withinAll = (fromMs: number, toMs: number) =>
  [...SENT, ...EDGES].filter((s) => s.ms >= fromMs && s.ms < toMs);
/** Returns the non-null values, ascending. */
export const sorted = (values: Array<number | null>) =>
  values.filter((v): v is number => v !== null).sort((a, b) => a - b);
/** Returns the sum of the non-null values. */
export const sum = (values: Array<number | null>) =>
  values.reduce<number>((a, v) => a + (v ?? 0), 0);
/** Returns the mean of the non-null values. */
export const mean = (values: Array<number | null>) => {
  const present = sorted(values);
  return sum(present) / present.length;
};

/** Registers the suite's hooks: store with the data set, the app on a loopback port, clock reset. */
export function useModelApi(suite: string): void {
  beforeAll(async () => {
    store = await openTestStore(suite);
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
    nowMs = DEFAULT_NOW;
  });
}
