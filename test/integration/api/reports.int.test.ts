// GET /api/v1/reports/insight over real HTTP on the real embedded store: an hour of a model that
// serves about half of what it is offered, with its targets from the reports: config; the report
// in each format, and the refusals (scope, missing model, bad window or format, unknown model).
import type { Server } from 'node:http';
import { createApp } from '../../../src/api/app';
import { closeServer, listen } from '../../../src/api/http-server';
import { parseTokens } from '../../../src/config/tokens';
import { createModelStats } from '../../../src/model-stats/service';
import { parseReportsConfig } from '../../../src/report/config';
import { createInsightReports } from '../../../src/report/service';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from '../../helpers/store';

const READ = 'read-secret-0123456789ab';
const INGEST = 'ingest-secret-0123456789';
const H = 3_600_000;
const END = Math.floor(Date.now() / H) * H - H;
const clock = { now: () => new Date(END) };

let store: Store;
let server: Server;
let base = '';

beforeAll(async () => {
  store = await openTestStore('reports_api');
  await migrate(store, loadMigrationFiles());
  // One hour before END: 10 requests/s offered; every other one answered (TTFT 1,200 ms after
  // 1,100 ms queued, alone on the device for 196 ms), the others shed with 503.
  await store.command({
    tag: 'test.traffic',
    sql: `INSERT INTO {db:Identifier}.inference_requests
            (ts, model, model_version, latency_ms, ttft_ms, queue_ms, batch_size, status, error_type)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + number * 100), 'UTC'), 'chimera', 'v1',
                 if(ok, 1296, 2), if(ok, 1200, NULL), if(ok, 1100, NULL), if(ok, 1, NULL),
                 if(ok, 'ok', 'error'), if(ok, '', 'shed')
          FROM (SELECT number, number % 2 = 0 AS ok FROM numbers(36000))`,
    params: { start: END - H },
  });
  const config = parseReportsConfig(
    { chimera: { targets: { throughput_rps: 10, ttft_mean_ms: 800 }, device: 'chimera' } },
    'test',
  );
  const app = createApp({
    tokens: parseTokens(`grafana:${READ}:read,app:${INGEST}:ingest`),
    log: createLogger('silent'),
    metrics: createMetrics(),
    readiness: async () => ({ ready: true }) as never,
    status: async () => ({}),
    effectiveConfig: () => ({}),
    reports: createInsightReports({
      store,
      stats: createModelStats(store, clock),
      clock,
      config,
    }),
  });
  const l = await listen(app, '127.0.0.1', 0);
  server = l.server;
  base = `http://127.0.0.1:${l.port}`;
});

afterAll(async () => {
  await closeServer(server, 1000);
  await closeTestStore(store);
});

const get = (query: string, token: string | null = READ) =>
  fetch(`${base}/api/v1/reports/insight${query}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

async function errorOf(res: Response, status: number): Promise<{ code: string; message: string }> {
  expect(res.status).toBe(status);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

it('answers JSON by default: the measured figures with their sources', async () => {
  const res = await get('?model=chimera');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const text = await res.text();
  const body = JSON.parse(text) as { model: string };
  expect(body.model).toBe('chimera');
  // Served 5 of the 10 offered per second; every figure names where it came from.
  expect(text).toMatch(/requests_1m: \(requests - errors\) \/ elapsed seconds/);
  expect(text).toContain('"value":5');
});

it('answers Markdown and a standalone HTML page', async () => {
  const md = await get('?model=chimera&format=md&window=1h');
  expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
  const markdown = await md.text();
  expect(markdown).toMatch(/chimera/);
  expect(markdown).toMatch(/Executive summary/i);
  expect(markdown).toMatch(/Recommendations/i);
  expect(markdown).toMatch(/Risk/i);
  const html = await get('?model=chimera&format=html');
  expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(html.headers.get('content-security-policy')).toBe(
    "default-src 'none'; style-src 'unsafe-inline'",
  );
  expect(await html.text()).toMatch(/^<!DOCTYPE html>/i);
});

it('reports over a window ending at `to`', async () => {
  const res = await get(`?model=chimera&window=30m&to=${END - H / 2}`);
  const body = (await res.json()) as { window: { from: string; to: string } };
  expect(body.window).toEqual({
    from: new Date(END - H).toISOString(),
    to: new Date(END - H / 2).toISOString(),
  });
});

it.each([
  ['', 'model: required'],
  [
    '?model=chimera&window=5x',
    'window: expected whole minutes such as 30m, 1h, 24h or 7d, at most 31d, got "5x"',
  ],
  ['?model=chimera&window=32d', 'window: expected whole minutes'],
  ['?model=chimera&format=pdf', 'format: expected one of json, md, html, got "pdf"'],
  ['?model=chimera&colour=red', 'unknown query parameter colour'],
])('refuses %s with 400 naming the parameter', async (query, message) => {
  const error = await errorOf(await get(query), 400);
  expect(error.code).toBe('invalid_parameter');
  expect(error.message).toContain(message);
});

it('404s a model never seen, and needs the read scope', async () => {
  expect((await errorOf(await get('?model=nobody'), 404)).code).toBe('model_not_found');
  expect((await get('?model=chimera', null)).status).toBe(401);
  expect((await get('?model=chimera', INGEST)).status).toBe(403);
});
