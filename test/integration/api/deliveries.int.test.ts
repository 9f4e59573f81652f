// GET /api/v1/deliveries over real HTTP on the real embedded store: outbox messages newest first
// with state, attempts and last error; filter by status; read scope; 400s; no URL or secret.
import type { Server } from 'node:http';
import express from 'express';
import { renderNotification } from '../../../src/alerts/channels/index';
import { closeServer, listen } from '../../../src/api/http-server';
import { errorHandler } from '../../../src/api/middleware/errors';
import { deliveryRoutes } from '../../../src/api/routes/deliveries';
import { parseTokens } from '../../../src/config/tokens';
import { listDeliveries } from '../../../src/store/repositories/outbox';
import { createLogger } from '../../../src/telemetry/logger';
import { openOutboxHarness } from '../../helpers/outbox';
import { firing, NOW, resolved, SECRET } from '../../unit/alerts/channels/fixtures';

const READ = 'read-secret-0123456789ab';
const INGEST = 'ingest-secret-0123456789';
const tokens = parseTokens(`grafana:${READ}:read,collector:${INGEST}:ingest`);
const URL_SECRET = 'hooks/tok3n-in-the-path';

let h: Awaited<ReturnType<typeof openOutboxHarness>>;
let server: Server;
let base: string;
const ids: string[] = [];

beforeAll(async () => {
  h = await openOutboxHarness('deliveries_api', NOW.getTime());
  await h.reset();
  const config = {
    name: 'bridge',
    kind: 'webhook' as const,
    // Nothing listens on port 9 of loopback: the attempt fails with a network error.
    url: `http://127.0.0.1:9/${URL_SECRET}`,
    secret: [SECRET],
  };
  h.channels.set('bridge', config);
  const outbox = h.outbox();
  for (const n of [firing, resolved]) {
    const { id } = await outbox.enqueue({
      channel: 'bridge',
      kind: `alert.${n.status}`,
      request: renderNotification(n, config, h.clock.now()),
    });
    ids.push(id);
  }
  await outbox.runOnce();
  const app = express();
  app.use(deliveryRoutes(tokens, (q) => listDeliveries(h.store, q)));
  app.use(errorHandler(createLogger('silent')));
  const l = await listen(app, '127.0.0.1', 0);
  server = l.server;
  base = `http://127.0.0.1:${l.port}`;
});

afterAll(async () => {
  await closeServer(server, 1000);
  await h.close();
});

const get = (path: string, token: string | null = READ) =>
  fetch(`${base}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

describe('GET /api/v1/deliveries', () => {
  it('lists messages newest first with state, attempts, next attempt and last error', async () => {
    const res = await get('/api/v1/deliveries');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { deliveries: Array<Record<string, unknown>> };
    expect(body.deliveries.map((d) => d.id)).toEqual([ids[1], ids[0]]);
    expect(body.deliveries[1]).toEqual({
      id: ids[0],
      channel: 'bridge',
      kind: 'alert.firing',
      destination: expect.stringMatching(/^webhook:[0-9a-f]{16}$/),
      status: 'pending',
      attempts: 1,
      next_attempt_at: new Date(NOW.getTime() + 500).toISOString(),
      last_status_code: null,
      last_error: expect.stringMatching(/fetch failed/),
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    });
    expect(body.deliveries[0]).toMatchObject({ status: 'pending', attempts: 0 });
    const text = JSON.stringify(body);
    expect(text).not.toContain(URL_SECRET);
    expect(text).not.toContain(SECRET.slice(6));
  });

  it('filters by status and limits the count', async () => {
    const pending = (await (await get('/api/v1/deliveries?status=pending&limit=1')).json()) as {
      deliveries: unknown[];
    };
    expect(pending.deliveries).toHaveLength(1);
    const delivered = (await (await get('/api/v1/deliveries?status=delivered')).json()) as {
      deliveries: unknown[];
    };
    expect(delivered.deliveries).toEqual([]);
  });

  it.each([
    ['?status=sent', 'status: expected one of pending, delivered, failed, disabled'],
    ['?limit=0', 'limit: expected an integer from 1 to 1000'],
    ['?limit=abc', 'limit: expected an integer from 1 to 1000'],
    ['?limit=1&limit=2', 'limit: expected a single value'],
    ['?state=failed', 'unknown query parameter state'],
  ])('%s answers 400: %s', async (query, message) => {
    const res = await get(`/api/v1/deliveries${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_parameter', message } });
  });

  it('needs the read scope: 401 without a token, 403 with an ingest token', async () => {
    expect((await get('/api/v1/deliveries', null)).status).toBe(401);
    expect((await get('/api/v1/deliveries', INGEST)).status).toBe(403);
  });
});
