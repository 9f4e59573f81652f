// The real app over real HTTP on a loopback port, wired as `serve` wires it, on the real embedded
// store: probes before and after migrate, token scopes on /api/v1, JSON errors.
import type { Server } from 'node:http';
import { createApp } from '../../../src/api/app';
import { closeServer, listen } from '../../../src/api/http-server';
import type { ErrorBody } from '../../../src/api/middleware/errors';
import { parseEnv } from '../../../src/config/env';
import { emptyFileConfig } from '../../../src/config/file';
import { redactedConfig } from '../../../src/config/redact';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { checkReadiness } from '../../../src/store/readiness';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from '../../helpers/store';

const SECRETS = {
  ingest: 'ingest-secret-0123456789',
  read: 'read-secret-0123456789ab',
  admin: 'admin-secret-0123456789a',
};
const ENV = {
  INSIGHTAGENT_TOKENS: `collector:${SECRETS.ingest}:ingest,grafana:${SECRETS.read}:read,ops:${SECRETS.admin}:admin`,
  INSIGHTAGENT_API_PORT: '0',
  LOG_LEVEL: 'silent',
};

const files = loadMigrationFiles();
let store: Store;
let server: Server;
let base: string;

async function get(path: string, token?: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as ErrorBody;
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.error.message).not.toBe('');
  return body.error.message;
}

beforeAll(async () => {
  // The tokens go through INSIGHTAGENT_TOKENS parsing (parseTokens) as in `serve`.
  const env = parseEnv(ENV);
  expect(env.tokens.map((t) => t.name)).toEqual(['collector', 'grafana', 'ops']);
  store = await openTestStore('readiness');
  const app = createApp({
    tokens: env.tokens,
    log: createLogger('silent'),
    metrics: createMetrics(),
    readiness: () => checkReadiness(store, files),
    status: async () => ({
      store: { mode: store.mode, database: store.database },
      readiness: await checkReadiness(store, files),
    }),
    effectiveConfig: () => redactedConfig(env, emptyFileConfig()),
  });
  const listening = await listen(app, '127.0.0.1', 0);
  server = listening.server;
  base = `http://127.0.0.1:${listening.port}`;
});

afterAll(async () => {
  if (server !== undefined) await closeServer(server, 1_000);
  if (store !== undefined) await closeTestStore(store);
});

describe('probes on the real store', () => {
  // In order: the first test runs before the schema exists, the second applies it.
  it('/readyz is 503 before migrate, saying how many migrations are pending; /healthz is 200', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      ready: false,
      checks: { store: 'ok', migrations: `${files.length} of ${files.length} pending` },
    });

    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 after migrate; /healthz is still 200', async () => {
    await migrate(store, files);

    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      checks: { store: 'ok', migrations: `current (${files.length} applied)` },
    });

    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});

describe('token scopes on /api/v1', () => {
  it('/api/v1/status without a token is 401 with a WWW-Authenticate challenge', async () => {
    const response = await get('/api/v1/status');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="insightagent"');
    expect(await expectError(response, 401, 'unauthenticated')).toMatch(/missing bearer token/);
  });

  it('/api/v1/status with an unknown token is 401 with an invalid_token challenge', async () => {
    const response = await get('/api/v1/status', 'not-a-configured-token-at-all');
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="insightagent", error="invalid_token"',
    );
    await expectError(response, 401, 'unauthenticated');
  });

  it('/api/v1/status with the ingest-only token is 403', async () => {
    const response = await get('/api/v1/status', SECRETS.ingest);
    expect(await expectError(response, 403, 'forbidden')).toMatch(/"collector" lacks the "read"/);
  });

  it('/api/v1/status with the read token is 200 with the store and its readiness', async () => {
    const response = await get('/api/v1/status', SECRETS.read);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      store: { mode: 'embedded', database: store.database },
      readiness: { checks: { store: 'ok' } },
    });
  });

  it('/api/v1/admin/config with the read token is 403', async () => {
    const response = await get('/api/v1/admin/config', SECRETS.read);
    expect(await expectError(response, 403, 'forbidden')).toMatch(/"grafana" lacks the "admin"/);
  });

  it('/api/v1/admin/config with the admin token is 200, token names without secrets', async () => {
    const response = await get('/api/v1/admin/config', SECRETS.admin);
    expect(response.status).toBe(200);
    const text = await response.text();
    const config = JSON.parse(text) as { env: { INSIGHTAGENT_TOKENS: unknown } };
    expect(config.env.INSIGHTAGENT_TOKENS).toEqual([
      { name: 'collector', scopes: ['ingest'] },
      { name: 'grafana', scopes: ['read'] },
      { name: 'ops', scopes: ['admin'] },
    ]);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });
});

describe('unknown routes', () => {
  it('an unknown path is 404 with a JSON error naming it', async () => {
    const response = await get('/no/such/path');
    expect(await expectError(response, 404, 'not_found')).toBe('no route for GET /no/such/path');
  });
});
