// The direct path takes only a POST to exactly one of its routes; everything else goes to the app.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from '../../../src/api/http-server';
import { directListener, exactRoute, modelRoute } from '../../../src/sidecar/routes/direct';
import { createLogger } from '../../../src/telemetry/logger';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const seen: string[] = [];
let base = '';
beforeAll(async () => {
  const app: RequestListener = (req, res) => {
    seen.push(`app ${req.method} ${req.url}`);
    res.end();
  };
  base = await serve(
    directListener(
      [
        exactRoute('/v1/completions', async (req, res) => {
          seen.push(`direct ${JSON.stringify(req.body)}`);
          sendJson(res, { ok: true });
        }),
        modelRoute('/v2/models/', '/infer', async (req, res) => {
          seen.push(`direct model=${req.params.model}`);
          sendJson(res, { ok: true });
        }),
      ],
      app,
      createLogger('silent'),
    ),
  );
});
beforeEach(() => {
  seen.length = 0;
});

it.each([
  ['POST', '/v1/completions', 'direct {"a":1}'],
  ['POST', '/v1/completions?x=1', 'direct {"a":1}'],
  ['POST', '/v2/models/chimera/infer', 'direct model=chimera'],
  ['POST', '/v1/completions/', 'app POST /v1/completions/'],
  ['POST', '/V1/completions', 'app POST /V1/completions'],
  ['GET', '/v1/completions', 'app GET /v1/completions'],
  ['POST', '/v2/models/a%2Fb/infer', 'app POST /v2/models/a%2Fb/infer'],
  ['POST', '/v2/models//infer', 'app POST /v2/models//infer'],
  ['POST', '/v2/models/x/y/infer', 'app POST /v2/models/x/y/infer'],
])('%s %s is served by: %s', async (method, path, expected) => {
  await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: '{"a":1}' } : {}),
  }).then((res) => res.text());
  expect(seen).toEqual([expected]);
});

it('a handler that rejects answers the error as JSON, not a hung request', async () => {
  const url = await serve(
    directListener(
      [
        exactRoute('/boom', async () => {
          throw new Error('boom');
        }),
      ],
      (_req, res) => res.end(),
      createLogger('silent'),
    ),
  );
  const res = await fetch(`${url}/boom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(500);
  expect(await res.json()).toEqual({
    error: { code: 'internal_error', message: 'internal error; see the server log' },
  });
});
