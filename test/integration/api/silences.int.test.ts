// POST/GET/DELETE /api/v1/silences and GET /api/v1/alerts over real HTTP on the real embedded
// store: create, list with state, update, expire; admin to write, read to list (401/403); bad
// bodies 400 naming the field; unknown ids 404; alerts filtered by state.
import type { Server } from 'node:http';
import express from 'express';
import { type AlertState, inactiveState } from '../../../src/alerts/state';
import { closeServer, listen } from '../../../src/api/http-server';
import { errorHandler } from '../../../src/api/middleware/errors';
import { alertRoutes } from '../../../src/api/routes/alerts';
import { silenceRoutes } from '../../../src/api/routes/silences';
import type { Clock } from '../../../src/clock';
import { parseTokens } from '../../../src/config/tokens';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { listAlerts, saveAlertStates } from '../../../src/store/repositories/alert-states';
import { listSilences, silenceRepository } from '../../../src/store/repositories/silences';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { closeTestStore, openTestStore } from '../../helpers/store';

const ADMIN = 'admin-secret-0123456789a';
const READ = 'read-secret-0123456789ab';
const INGEST = 'ingest-secret-0123456789';
const tokens = parseTokens(`ops:${ADMIN}:admin,grafana:${READ}:read,collector:${INGEST}:ingest`);
const MIN = 60_000;
const T0 = Date.parse('2026-11-28T08:00:00Z');
let now = T0;
const clock: Clock = { now: () => new Date(now) };

let store: Store;
let server: Server;
let base: string;

beforeAll(async () => {
  store = await openTestStore('silences_api');
  await migrate(store, loadMigrationFiles());
  const app = express();
  app.use(silenceRoutes(tokens, { repository: silenceRepository(store), clock }));
  app.use(alertRoutes(tokens, (q) => listAlerts(store, q)));
  app.use(errorHandler(createLogger('silent')));
  const l = await listen(app, '127.0.0.1', 0);
  server = l.server;
  base = `http://127.0.0.1:${l.port}`;
});

afterAll(async () => {
  await closeServer(server, 1000);
  await closeTestStore(store);
});

const call = (method: string, path: string, token: string | null, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const iso = (ms: number) => new Date(ms).toISOString();
const silence = (overrides: Record<string, unknown> = {}) => ({
  matchers: [{ name: 'model', value: 'chimera' }],
  startsAt: iso(now),
  endsAt: iso(now + 60 * MIN),
  createdBy: 'alice',
  comment: 'deploying chimera v2',
  ...overrides,
});

interface Listed {
  id: string;
  state: string;
  startsAt: string;
  endsAt: string;
  matchers: unknown[];
  comment: string;
}
const list = async (token = READ) =>
  ((await (await call('GET', '/api/v1/silences', token)).json()) as { silences: Listed[] })
    .silences;

describe('silences', () => {
  it('creates with admin (201 {id}), lists with state active|pending|expired, expires with DELETE', async () => {
    now = T0;
    const active = await call('POST', '/api/v1/silences', ADMIN, silence());
    expect(active.status).toBe(201);
    const { id: activeId } = (await active.json()) as { id: string };
    expect(activeId).toMatch(/^[0-9a-f-]{36}$/);
    const pendingRes = await call(
      'POST',
      '/api/v1/silences',
      ADMIN,
      silence({ startsAt: iso(T0 + 30 * MIN), endsAt: iso(T0 + 90 * MIN), comment: 'later' }),
    );
    expect(pendingRes.status).toBe(201);
    const { id: pendingId } = (await pendingRes.json()) as { id: string };

    const listed = await list();
    expect(listed.map((s) => [s.id, s.state])).toEqual([
      [activeId, 'active'],
      [pendingId, 'pending'],
    ]);
    expect(listed[0]).toEqual({
      id: activeId,
      state: 'active',
      matchers: [{ name: 'model', value: 'chimera', isRegex: false, isEqual: true }],
      startsAt: iso(T0),
      endsAt: iso(T0 + 60 * MIN),
      createdBy: 'alice',
      comment: 'deploying chimera v2',
      updatedAt: iso(T0),
    });
    expect((await listSilences(store, { activeAt: T0 })).map((s) => s.id)).toEqual([activeId]);

    // DELETE expires (Alertmanager): an active silence ends now, a pending one never starts.
    now = T0 + 10 * MIN;
    const del = await call('DELETE', `/api/v1/silences/${activeId}`, ADMIN);
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({
      silence: { id: activeId, state: 'expired', endsAt: iso(now) },
    });
    expect((await call('DELETE', `/api/v1/silences/${pendingId}`, ADMIN)).status).toBe(200);
    const after = new Map((await list()).map((s) => [s.id, s]));
    expect(after.get(activeId)).toMatchObject({ state: 'expired', startsAt: iso(T0) });
    expect(after.get(pendingId)).toMatchObject({
      state: 'expired',
      startsAt: iso(now),
      endsAt: iso(now),
    });
    expect(await listSilences(store, { activeAt: now })).toEqual([]);
    // Expiring again changes nothing.
    expect((await call('DELETE', `/api/v1/silences/${activeId}`, ADMIN)).status).toBe(200);
    expect((await list()).find((s) => s.id === activeId)?.endsAt).toBe(iso(now));
  });

  it('updates a silence in place when POSTed with its id; an expired one becomes a new silence', async () => {
    now = T0 + 100 * MIN;
    const { id } = (await (await call('POST', '/api/v1/silences', ADMIN, silence())).json()) as {
      id: string;
    };
    const update = await call(
      'POST',
      '/api/v1/silences',
      ADMIN,
      silence({ id, endsAt: iso(now + 120 * MIN), comment: 'longer' }),
    );
    expect(update.status).toBe(200);
    expect(await update.json()).toEqual({ id });
    expect((await list()).find((s) => s.id === id)).toMatchObject({
      state: 'active',
      endsAt: iso(now + 120 * MIN),
      comment: 'longer',
    });

    await call('DELETE', `/api/v1/silences/${id}`, ADMIN);
    const revived = await call('POST', '/api/v1/silences', ADMIN, silence({ id }));
    expect(revived.status).toBe(201);
    const { id: newId } = (await revived.json()) as { id: string };
    expect(newId).not.toBe(id);
    expect((await list()).find((s) => s.id === id)?.state).toBe('expired');
    expect((await list()).find((s) => s.id === newId)?.state).toBe('active');
  });

  it.each([
    ['no matchers', { matchers: [] }, 'matchers: expected at least one matcher'],
    [
      'a bad regex',
      { matchers: [{ name: 'model', value: '(', isRegex: true }] },
      'matchers[0].value: expected a valid regular expression',
    ],
    ['an end before the start', { endsAt: iso(T0 - MIN) }, 'endsAt: must be after startsAt'],
    ['no comment', { comment: '' }, 'comment: expected a comment saying why'],
    ['a bad date', { startsAt: 'tomorrow' }, 'startsAt: expected an ISO 8601 date-time'],
  ])('answers 400 naming the field for %s', async (_what, overrides, message) => {
    now = T0;
    const res = await call('POST', '/api/v1/silences', ADMIN, silence(overrides));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_silence');
    expect(body.error.message).toContain(message);
  });

  it('answers 404 for an unknown id, on DELETE and on an update', async () => {
    now = T0;
    const del = await call('DELETE', '/api/v1/silences/no-such-silence', ADMIN);
    expect(del.status).toBe(404);
    expect(await del.json()).toMatchObject({ error: { code: 'silence_not_found' } });
    const post = await call('POST', '/api/v1/silences', ADMIN, silence({ id: 'no-such-silence' }));
    expect(post.status).toBe(404);
  });

  it('needs admin to write and read to list: 401 without a token, 403 with too small a scope', async () => {
    now = T0;
    expect((await call('POST', '/api/v1/silences', null, silence())).status).toBe(401);
    expect((await call('POST', '/api/v1/silences', READ, silence())).status).toBe(403);
    expect((await call('DELETE', '/api/v1/silences/x', null)).status).toBe(401);
    expect((await call('DELETE', '/api/v1/silences/x', READ)).status).toBe(403);
    expect((await call('GET', '/api/v1/silences', null)).status).toBe(401);
    expect((await call('GET', '/api/v1/silences', INGEST)).status).toBe(403);
    expect((await call('GET', '/api/v1/silences', ADMIN)).status).toBe(200);
  });
});

describe('GET /api/v1/alerts', () => {
  beforeAll(async () => {
    const base = (severity: 'page' | 'ticket', model: string) => ({
      ...inactiveState('ttft', model, severity),
      updated_at_ms: T0,
    });
    const firing: AlertState = {
      ...base('page', 'chimera'),
      phase: 'firing',
      episode: 1,
      started_at_ms: T0 - 5 * MIN,
      notified_at_ms: T0 - 5 * MIN,
      owes_resolved: true,
      figures: { sli: 0.9, objective: 0.99, budget_remaining: 0.5, burn_rates: { '5m': 20 } },
    };
    const resolved: AlertState = {
      ...base('page', 'hydra'),
      phase: 'resolved',
      episode: 1,
      started_at_ms: T0 - 50 * MIN,
      resolved_at_ms: T0 - 10 * MIN,
    };
    // An older firing version of hydra's page: the newest (resolved) one must win.
    await saveAlertStates(store, [{ ...resolved, phase: 'firing', updated_at_ms: T0 - 20 * MIN }]);
    await saveAlertStates(store, [firing, resolved, base('ticket', 'chimera')]);
  });

  const alerts = async (query = '') =>
    (await (await call('GET', `/api/v1/alerts${query}`, READ)).json()) as {
      alerts: Array<Record<string, unknown>>;
    };

  it('lists the newest state of every fingerprint, filtered by state', async () => {
    const all = await alerts();
    expect(all.alerts.map((a) => [a.model, a.severity, a.state])).toEqual([
      ['chimera', 'page', 'firing'],
      ['chimera', 'ticket', 'inactive'],
      ['hydra', 'page', 'resolved'],
    ]);
    expect(all.alerts[0]).toEqual({
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      slo: 'ttft',
      model: 'chimera',
      severity: 'page',
      state: 'firing',
      episode: 1,
      started_at: iso(T0 - 5 * MIN),
      resolved_at: null,
      updated_at: iso(T0),
      figures: { sli: 0.9, objective: 0.99, budget_remaining: 0.5, burn_rates: { '5m': 20 } },
    });
    expect((await alerts('?state=firing')).alerts.map((a) => a.model)).toEqual(['chimera']);
    expect((await alerts('?state=resolved')).alerts).toEqual([
      expect.objectContaining({
        model: 'hydra',
        started_at: iso(T0 - 50 * MIN),
        resolved_at: iso(T0 - 10 * MIN),
      }),
    ]);
    expect((await alerts('?state=inactive')).alerts.map((a) => a.severity)).toEqual(['ticket']);
  });

  it.each([
    ['?state=pending', 'state: expected one of firing, resolved, inactive'],
    ['?state=firing&state=resolved', 'state: expected one of firing, resolved, inactive'],
    ['?status=firing', 'unknown query parameter status'],
  ])('%s answers 400: %s', async (query, message) => {
    const res = await call('GET', `/api/v1/alerts${query}`, READ);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_parameter', message } });
  });

  it('needs the read scope: 401 without a token, 403 with an ingest token', async () => {
    expect((await call('GET', '/api/v1/alerts', null)).status).toBe(401);
    expect((await call('GET', '/api/v1/alerts', INGEST)).status).toBe(403);
  });
});
