// Every API route of a real `serve` with tokens, against no token, a bad token, a token of the
// wrong scope and one of the right scope: 401, 401, 403, and neither 401 nor 403. The table below
// must name every route the code defines (read from src/api/routes), so a new route without its
// scope in this table fails the test instead of going unchecked.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killAll, removeTempDirs, startServe, stop } from '../helpers/spawn-cli';

type Scope = 'read' | 'ingest' | 'admin';
const TOKENS: Record<Scope, string> = {
  read: 'read-secret-0123456789abcd',
  ingest: 'ingest-secret-0123456789ab',
  admin: 'admin-secret-0123456789abc',
};
// A scope that must be refused for each (admin may do everything).
const WRONG: Record<Scope, Scope> = { read: 'ingest', ingest: 'read', admin: 'read' };

/** Every /api/v1 route with the scope it needs; `:x` params are filled with `x`. */
const ROUTES: Array<[method: string, path: string, scope: Scope]> = [
  ['GET', '/api/v1/status', 'read'],
  ['GET', '/api/v1/admin/config', 'admin'],
  ['GET', '/api/v1/models', 'read'],
  ['GET', '/api/v1/models/:model/summary', 'read'],
  ['GET', '/api/v1/models/:model/timeseries', 'read'],
  ['POST', '/api/v1/feedback', 'ingest'],
  ['GET', '/api/v1/slos', 'read'],
  ['GET', '/api/v1/deliveries', 'read'],
  ['POST', '/api/v1/silences', 'admin'],
  ['GET', '/api/v1/silences', 'read'],
  ['DELETE', '/api/v1/silences/:id', 'admin'],
  ['GET', '/api/v1/alerts', 'read'],
  ['GET', '/api/v1/retrain/triggers', 'read'],
  ['POST', '/api/v1/sql', 'admin'],
  ['GET', '/api/v1/drift/reports', 'read'],
  ['GET', '/api/v1/drift/reports/:id', 'read'],
  ['POST', '/api/v1/drift/run', 'admin'],
  ['GET', '/api/v1/references', 'read'],
  ['POST', '/api/v1/references', 'admin'],
  ['GET', '/api/v1/reports/insight', 'read'],
];

// The routes the code defines: `router.<method>(` followed by a quoted /api/v1 path.
function definedRoutes(): string[] {
  const dir = join(__dirname, '..', '..', 'src', 'api', 'routes');
  return readdirSync(dir).flatMap((file) =>
    [
      ...readFileSync(join(dir, file), 'utf8').matchAll(
        /router\.(get|post|put|patch|delete)\(\s*'(\/api\/v1\/[^']*)'/g,
      ),
    ].map((m) => `${(m[1] as string).toUpperCase()} ${m[2]}`),
  );
}

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

it('names every route the code defines', () => {
  expect(ROUTES.map(([m, p]) => `${m} ${p}`).sort()).toEqual(definedRoutes().sort());
});

it('every route: 401 without or with a bad token, 403 with the wrong scope, passes with its own', async () => {
  const { cli, apiBase: base } = await startServe('auth-matrix', {
    env: {
      INSIGHTAGENT_TOKENS: `r:${TOKENS.read}:read,i:${TOKENS.ingest}:ingest,a:${TOKENS.admin}:admin`,
    },
  });
  const call = (method: string, path: string, token?: string) =>
    fetch(`${base}${path.replace(/:(\w+)/g, '$1')}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(method === 'POST' ? { body: '{}' } : {}),
    }).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });
  const seen: string[] = [];
  for (const [method, path, scope] of ROUTES) {
    const row = [
      await call(method, path),
      await call(method, path, 'not-a-token-0123456789'),
      await call(method, path, TOKENS[WRONG[scope]]),
      await call(method, path, TOKENS[scope]),
    ];
    seen.push(`${method} ${path} ${row.join(' ')}`);
    expect([method, path, row.slice(0, 3)]).toEqual([method, path, [401, 401, 403]]);
    expect([method, path, [401, 403].includes(row[3] as number)]).toEqual([method, path, false]);
    // Admin may do everything.
    const asAdmin = await call(method, path, TOKENS.admin);
    expect([method, path, [401, 403].includes(asAdmin)]).toEqual([method, path, false]);
  }
  // The open endpoints stay open (probes, Prometheus, the UI's files).
  for (const path of ['/healthz', '/readyz', '/metrics', '/'])
    expect([path, await call('GET', path)]).toEqual([path, 200]);
  console.info(seen.join('\n'));
  expect((await stop(cli, 'SIGTERM', 15_000)).code).toBe(0);
}, 90_000);
