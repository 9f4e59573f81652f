// The drift API over real HTTP on the real embedded store, for the drift route suites: a suite
// database with "chimera" traffic (2,000 requests an hour for 4 hours; input_tokens x1.3 and
// another lang mix from hour 2; a numeric feature named <script>), three monitors, a fixed clock
// (4 h 5 s after START), an admin and a read token, and request helpers.
import type { Server } from 'node:http';
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/http-server';
import type { Clock } from '../../src/clock';
import { parseTokens } from '../../src/config/tokens';
import { parseDriftMonitors } from '../../src/drift/config';
import { migrate } from '../../src/store/migrate';
import { loadMigrationFiles } from '../../src/store/migration-plan';
import type { Store } from '../../src/store/store';
import { createLogger } from '../../src/telemetry/logger';
import { createMetrics } from '../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from './store';

export const ADMIN = 'admin-secret-0123456789a';
export const READ = 'read-secret-0123456789ab';
export const H = 3_600_000;
export const START = Date.parse('2026-11-20T00:00:00Z');
const PER_HOUR = 2000;

/** Returns the ISO-8601 text of epoch ms. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** Monitors: "pinned" (hours 0–2), "trained" (uploaded profile "training"), "everyone" (`*`). */
export const MONITORS = parseDriftMonitors(
  [
    {
      name: 'pinned',
      model: 'chimera',
      window: '1h',
      reference: { from: iso(START), to: iso(START + 2 * H) },
    },
    { name: 'trained', model: 'chimera', window: '1h', reference: { profile: 'training' } },
    { name: 'everyone', model: '*', window: '1h', reference: { profile: 'nothing' } },
  ],
  'test',
);

/** A running drift API and its store. */
export interface DriftApi {
  store: Store;
  call(
    method: string,
    path: string,
    options?: { body?: string; type?: string; token?: string | null },
  ): Promise<Response>;
  postJson(path: string, body: unknown, token?: string | null): Promise<Response>;
  get(path: string, token?: string | null): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the API (uploads limited to 1 MiB) over a new suite database with the traffic. */
export async function startDriftApi(suite: string): Promise<DriftApi> {
  const store = await openTestStore(suite);
  await migrate(store, loadMigrationFiles());
  await store.command({
    tag: 'test.traffic',
    sql: `INSERT INTO {db:Identifier}.inference_requests
            (ts, model, latency_ms, status, input_tokens, request_type, features_num, features_cat)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + number * 3600000 / {per_hour:UInt32}), 'UTC'),
                 'chimera', 500, 'ok',
                 toUInt32(round((150 + cityHash64(number, 't') % 101) * if(shifted, 1.3, 1))),
                 if(cityHash64(number, 'r') % 10 < 6, 'chat', 'completion'),
                 map('<script>', toFloat64(cityHash64(number, 's') % 50)),
                 map('lang', multiIf(l < if(shifted, 40, 70), 'en', l < if(shifted, 80, 90), 'de', 'fr'))
          FROM (SELECT number, cityHash64(number, 'l') % 100 AS l, intDiv(number, {per_hour:UInt32}) >= 2 AS shifted
                FROM numbers({rows:UInt64}))`,
    params: { start: START, per_hour: PER_HOUR, rows: 4 * PER_HOUR },
  });
  const clock: Clock = { now: () => new Date(START + 4 * H + 5_000) };
  const app = createApp({
    tokens: parseTokens(`ops:${ADMIN}:admin,grafana:${READ}:read`),
    log: createLogger('silent'),
    metrics: createMetrics(),
    readiness: async () => ({ ready: true }) as never,
    status: async () => ({}),
    effectiveConfig: () => ({}),
    drift: { store, monitors: MONITORS, clock, maxUploadBytes: 1024 * 1024 },
  });
  const l = await listen(app, '127.0.0.1', 0);
  const server: Server = l.server;
  const base = `http://127.0.0.1:${l.port}`;
  const call: DriftApi['call'] = (method, path, options = {}) => {
    const token = options.token === undefined ? ADMIN : options.token;
    return fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.type !== undefined ? { 'content-type': options.type } : {}),
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
  };
  return {
    store,
    call,
    postJson: (path, body, token) =>
      call('POST', path, { body: JSON.stringify(body), type: 'application/json', token }),
    get: (path, token = READ) => call('GET', path, { token }),
    async close() {
      await closeServer(server, 1000);
      await closeTestStore(store);
    },
  };
}

/** Expects an error answer of `status`; returns its code and message. */
export async function errorOf(
  res: Response,
  status: number,
): Promise<{ code: string; message: string }> {
  expect(res.status).toBe(status);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}
