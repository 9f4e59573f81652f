// Oversized bodies against every route that reads one — a real `serve` (OTLP and /api/v1) and a
// sidecar — and a large body against routes that read none. A declared body over the limit is
// answered 413, naming the limit, before the client has sent it (the test never finishes
// sending it); a chunked body (no Content-Length) and a gzip bomb get the same 413 once past
// the limit; a route without a body answers without waiting for one; both servers stay healthy.
// The route tables are checked against the routes the code defines.

import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../src/api/routes/drift';
import { MAX_QUERY_CHARS } from '../../src/api/routes/sql';
import { OTLP_PATHS } from '../../src/ingest/otlp-http';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/ingest/settings';
import { BODY_LIMIT_BYTES } from '../../src/sidecar/routes/direct';
import { reliabilitySize } from '../helpers/reliability';
import { closeSidecars, startTestSidecar } from '../helpers/sidecar';
import {
  killAll,
  removeTempDirs,
  type ServeUnderTest,
  startServe,
  stop,
} from '../helpers/spawn-cli';

const INGEST = 'ingest-secret-0123456789ab';
const ADMIN = 'admin-secret-0123456789abc';
const KIB = 1024;
const MIB = 1024 * KIB;

type Server = 'api' | 'otlp' | 'sidecar';
/** A route that reads a body: server, method, path, the token it needs, Content-Type, limit. */
type BodyRoute = [Server, string, string, string | undefined, string, number];

const OTLP = (path: string): BodyRoute => [
  'otlp',
  'POST',
  path,
  INGEST,
  'application/json',
  DEFAULT_MAX_BODY_BYTES,
];
const BODY_ROUTES: BodyRoute[] = [
  OTLP('/v1/traces'),
  OTLP('/v1/logs'),
  OTLP('/v1/metrics'),
  ['api', 'POST', '/api/v1/feedback', INGEST, 'application/json', 8 * MIB],
  ['api', 'POST', '/api/v1/silences', ADMIN, 'application/json', 64 * KIB],
  ['api', 'POST', '/api/v1/sql', ADMIN, 'application/json', MAX_QUERY_CHARS * 4],
  ['api', 'POST', '/api/v1/drift/run', ADMIN, 'application/json', 64 * KIB],
  ['api', 'POST', '/api/v1/references', ADMIN, 'application/json', 64 * KIB],
  ['api', 'POST', '/api/v1/references', ADMIN, 'text/csv', DEFAULT_MAX_UPLOAD_BYTES],
  ['sidecar', 'POST', '/v1/completions', undefined, 'application/json', BODY_LIMIT_BYTES],
  ['sidecar', 'POST', '/v1/chat/completions', undefined, 'application/json', BODY_LIMIT_BYTES],
  ['sidecar', 'POST', '/v2/models/chimera/infer', undefined, 'application/json', BODY_LIMIT_BYTES],
  ['sidecar', 'POST', '/admin/cache/flush', undefined, 'application/json', BODY_LIMIT_BYTES],
];

/** Routes that read no body: they answer without waiting for one. */
const NO_BODY_ROUTES: Array<[Server, string, string]> = [
  ['api', 'DELETE', '/api/v1/silences/x'],
  ['api', 'GET', '/api/v1/models'],
  ['api', 'GET', '/api/v1/status'],
  ['api', 'GET', '/healthz'],
  ['api', 'GET', '/metrics'],
  ['api', 'GET', '/'],
  ['otlp', 'GET', '/v1/traces'],
  ['sidecar', 'GET', '/v1/models'],
  ['sidecar', 'GET', '/v2/health/ready'],
];

// `router.<method>('/…'` in a routes folder, and the sidecar's direct routes.
function definedRoutes(dir: string, prefix: string): string[] {
  const root = join(__dirname, '..', '..', 'src', ...dir.split('/'));
  return readdirSync(root).flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [
      ...[...text.matchAll(/router\.(post|put|patch|delete)\(\s*'([^']*)'/g)].map(
        (m) => `${(m[1] as string).toUpperCase()} ${m[2]}`,
      ),
      ...[...text.matchAll(/(?:exact|model)Route\(\s*'([^']*)'(?:,\s*'([^']*)')?/g)].map(
        (m) => `POST ${m[1]}${m[2] === undefined ? '' : `:model${m[2]}`}`,
      ),
    ].filter((route) => route.includes(` ${prefix}`));
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Bytes of the body sent when the answer had come in full. */
  sent: number;
}

/**
 * Sends headers declaring `declared` bytes (undefined: chunked), then `send` bytes of body, and
 * ends the body only if `finish`; resolves with the answer. Rejects when no answer comes within
 * 10 s, so a server that waits for the rest of a body it will refuse fails here.
 */
function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: { declared?: number; send: number; finish: boolean; data?: Buffer },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = request(url, {
      method,
      headers: {
        ...headers,
        ...(body.declared === undefined ? {} : { 'content-length': String(body.declared) }),
      },
    });
    let sent = 0;
    let answered = false;
    const guard = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${path}: no answer within 10 s (${sent} body bytes sent)`));
    }, 10_000);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        answered = true;
        clearTimeout(guard);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, sent });
        req.destroy();
      });
    });
    // The server may close the connection after answering, while this side still writes.
    req.on('error', (err) => {
      if (!answered) {
        clearTimeout(guard);
        reject(err);
      }
    });
    const data = body.data ?? Buffer.alloc(body.send, 0x20);
    const chunk = 64 * KIB;
    const pump = () => {
      while (!answered && sent < data.length) {
        const piece = data.subarray(sent, sent + chunk);
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered && body.finish) req.end();
    };
    pump();
  });
}

const auth = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

const errorMessage = (server: Server, answer: Answer): string => {
  const parsed = JSON.parse(answer.body) as { message?: string; error?: { message?: string } };
  return (server === 'otlp' ? parsed.message : parsed.error?.message) ?? '';
};

let serve: ServeUnderTest;
let sidecarUrl: string;
const base = (server: Server) =>
  server === 'api' ? serve.apiBase : server === 'otlp' ? serve.otlpBase : sidecarUrl;

beforeAll(async () => {
  serve = await startServe('body-limits', {
    env: { INSIGHTAGENT_TOKENS: `i:${INGEST}:ingest,a:${ADMIN}:admin` },
  });
  sidecarUrl = (await startTestSidecar({ models: { chimera: {} } })).url;
}, 60_000);

afterAll(async () => {
  await closeSidecars();
  await killAll();
  await removeTempDirs();
});

it('the tables name every route that takes a body', () => {
  const named = BODY_ROUTES.map(([, m, p]) =>
    `${m} ${p}`.replace('/chimera/', '/:model/').replace('/silences/x', '/silences/:id'),
  );
  const noBody = NO_BODY_ROUTES.filter(([, m]) => m !== 'GET').map(([, m, p]) =>
    `${m} ${p}`.replace('/silences/x', '/silences/:id'),
  );
  const defined = [
    ...definedRoutes('api/routes', '/api/v1/'),
    ...definedRoutes('sidecar/routes', '/'),
    ...Object.keys(OTLP_PATHS).map((p) => `POST ${p}`),
  ];
  expect([...new Set([...named, ...noBody])].sort()).toEqual([...new Set(defined)].sort());
});

describe.each(BODY_ROUTES)('%s %s %s', (server, method, path, token, type, limit) => {
  it(`a declared body over the limit: 413 naming ${limit} bytes, before the body is sent`, async () => {
    const declared = limit + 64 * MIB;
    const answer = await call(
      base(server),
      method,
      path,
      { ...auth(token), 'content-type': type },
      {
        declared,
        send: 256 * KIB,
        finish: false,
      },
    );
    expect(answer.status).toBe(413);
    expect(errorMessage(server, answer)).toBe(
      `request body too large (${declared} bytes): the limit is ${limit} bytes`,
    );
    expect(answer.sent).toBeLessThan(declared);
  });
});

// Streaming the whole limit takes time for the 64-100 MiB limits: those only in the full run.
const CHUNKED = BODY_ROUTES.filter(
  ([, , , , , limit]) => limit <= reliabilitySize(MIB, Number.POSITIVE_INFINITY),
);

describe.each(CHUNKED)('%s %s %s', (server, method, path, token, type, limit) => {
  it(`a chunked body one byte over the limit: 413 naming ${limit} bytes`, async () => {
    const answer = await call(
      base(server),
      method,
      path,
      { ...auth(token), 'content-type': type },
      {
        send: limit + 1,
        finish: true,
      },
    );
    expect(answer.status).toBe(413);
    expect(errorMessage(server, answer)).toBe(
      `request body too large: the limit is ${limit} bytes`,
    );
  });
});

it('a gzip body that inflates past the OTLP limit: 413 naming the limit', async () => {
  const bomb = gzipSync(Buffer.alloc(DEFAULT_MAX_BODY_BYTES + 1, 0x20), { level: 1 });
  const answer = await call(
    serve.otlpBase,
    'POST',
    '/v1/traces',
    { ...auth(INGEST), 'content-type': 'application/json', 'content-encoding': 'gzip' },
    { declared: bomb.length, send: bomb.length, finish: true, data: bomb },
  );
  expect(answer.status).toBe(413);
  expect(errorMessage('otlp', answer)).toBe(
    `request body too large: the limit is ${DEFAULT_MAX_BODY_BYTES} bytes`,
  );
});

it.each(NO_BODY_ROUTES)(
  '%s %s %s reads no body: it answers before the body is sent',
  async (server, method, path) => {
    const declared = 256 * MIB;
    const answer = await call(
      base(server),
      method,
      path,
      {
        ...auth(server === 'sidecar' ? undefined : ADMIN),
        // A JSON body: what a JSON parser in front of every route would read.
        'content-type': 'application/json',
      },
      { declared, send: 256 * KIB, finish: false },
    );
    expect(answer.status).not.toBe(413);
    expect(answer.sent).toBeLessThan(declared);
  },
);

it('both servers stay healthy: probes answer and a small request of each kind works', async () => {
  const small = (
    server: Server,
    method: string,
    path: string,
    token: string | undefined,
    json: unknown,
  ) =>
    fetch(new URL(path, base(server)), {
      method,
      headers: { ...auth(token), 'content-type': 'application/json' },
      body: JSON.stringify(json),
    }).then(async (res) => ({ status: res.status, body: await res.text() }));
  expect((await fetch(`${serve.apiBase}/healthz`)).status).toBe(200);
  expect(
    await small('api', 'POST', '/api/v1/sql', ADMIN, { query: 'SELECT 1 AS one' }),
  ).toMatchObject({
    status: 200,
  });
  expect((await small('otlp', 'POST', '/v1/traces', INGEST, { resourceSpans: [] })).status).toBe(
    200,
  );
  expect(
    (
      await small('sidecar', 'POST', '/v1/completions', undefined, {
        model: 'chimera',
        prompt: 'hi',
        max_tokens: 2,
      })
    ).status,
  ).toBe(200);
  expect((await stop(serve.cli, 'SIGTERM', 15_000)).code).toBe(0);
});
