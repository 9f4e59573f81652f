import type { Server } from 'node:http';
import express from 'express';
import { closeServer, listen } from '../../../src/api/http-server';
import { requireScope } from '../../../src/api/middleware/auth';
import { errorHandler } from '../../../src/api/middleware/errors';
import { parseTokens } from '../../../src/config/tokens';
import { createLogger } from '../../../src/telemetry/logger';

const SECRETS = {
  ingest: 'ingest-secret-0123456789',
  read: 'read-secret-0123456789ab',
  admin: 'admin-secret-0123456789a',
};
const tokens = parseTokens(
  `collector:${SECRETS.ingest}:ingest,grafana:${SECRETS.read}:read,ops:${SECRETS.admin}:admin`,
);

// One route per scope, guarded exactly as the real routes are.
function appWith(configured: typeof tokens) {
  const app = express();
  for (const scope of ['ingest', 'read', 'admin'] as const) {
    app.get(`/${scope}`, requireScope(configured, scope), (_req, res) => {
      res.json({ scope, principal: res.locals.principal?.name ?? null });
    });
  }
  app.use(errorHandler(createLogger('silent')));
  return app;
}

describe('token auth', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const l = await listen(appWith(tokens), '127.0.0.1', 0);
    server = l.server;
    base = `http://127.0.0.1:${l.port}`;
  });
  afterAll(async () => {
    await closeServer(server, 1000);
  });

  const cases: Array<[string, string | undefined, string, number, string]> = [
    ['no header', undefined, 'read', 401, 'unauthenticated'],
    ['a malformed header', 'Basic abc', 'read', 401, 'unauthenticated'],
    ['an unknown token', 'Bearer not-a-real-token-at-all', 'read', 401, 'unauthenticated'],
    ['the ingest token', `Bearer ${SECRETS.ingest}`, 'ingest', 200, ''],
    ['the ingest token', `Bearer ${SECRETS.ingest}`, 'read', 403, 'forbidden'],
    ['the ingest token', `Bearer ${SECRETS.ingest}`, 'admin', 403, 'forbidden'],
    ['the read token', `Bearer ${SECRETS.read}`, 'read', 200, ''],
    ['the read token', `Bearer ${SECRETS.read}`, 'ingest', 403, 'forbidden'],
    ['the read token', `Bearer ${SECRETS.read}`, 'admin', 403, 'forbidden'],
    ['the admin token', `Bearer ${SECRETS.admin}`, 'admin', 200, ''],
    ['the admin token', `Bearer ${SECRETS.admin}`, 'read', 200, ''],
    ['the admin token', `Bearer ${SECRETS.admin}`, 'ingest', 200, ''],
  ];

  it.each(cases)(
    'with %s, GET /%s answers %d',
    async (_label, authorization, scope, status, code) => {
      const res = await fetch(`${base}/${scope}`, {
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(status);
      const body = (await res.json()) as {
        error?: { code: string; message: string };
        principal?: string;
      };
      if (status === 200) {
        expect(body.principal).toBeTruthy();
      } else {
        expect(body.error?.code).toBe(code);
        expect(body.error?.message).toBeTruthy();
      }
      if (status === 401)
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="insightagent"/);
    },
  );

  it('names the token and the missing scope in a 403', async () => {
    const res = await fetch(`${base}/admin`, {
      headers: { authorization: `Bearer ${SECRETS.read}` },
    });
    expect(await res.json()).toEqual({
      error: { code: 'forbidden', message: 'token "grafana" lacks the "admin" scope' },
    });
  });

  it('admits every request when no tokens are configured', async () => {
    const l = await listen(appWith([]), '127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${l.port}/admin`);
      expect(res.status).toBe(200);
    } finally {
      await closeServer(l.server, 1000);
    }
  });
});
