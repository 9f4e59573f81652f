// `serve` wiring of ingest, in-process (runServe) against a ClickHouse server stand-in (the
// embedded store binds one directory per process, and jest reuses worker processes): the OTLP
// port answers during startup migrations with 503 until the schema is there, takes rows after,
// and shutdown lets in-flight requests commit before the store closes.

import { ALL_ROLES } from '../../../src/cli/roles';
import { runServe } from '../../../src/cli/serve';
import { encodeExportRequest } from '../../../src/ingest/otlp';
import {
  type FakeClickHouse,
  type FakeRequest,
  startFakeClickHouse,
} from '../../helpers/fake-clickhouse';
import { freePort } from '../../helpers/net';
import { genaiTraces, post, statusOf } from '../../helpers/otlp-client';
import { removeTempDirs, tempDir } from '../../helpers/spawn-cli';

const PROTO = { 'content-type': 'application/x-protobuf' };

let fake: FakeClickHouse;
let releaseMigrations: () => void = () => {};
let insertDelayMs = 0;
const ingestInserts = (): FakeRequest[] =>
  fake.requests.filter((r) => r.sql.startsWith('INSERT INTO {db:Identifier}.{table:Identifier}'));

beforeAll(async () => {
  const migrationsMayRun = new Promise<void>((resolve) => {
    releaseMigrations = resolve;
  });
  fake = await startFakeClickHouse(async (request) => {
    if (request.sql.startsWith('CREATE')) await migrationsMayRun;
    if (request.sql.startsWith('INSERT INTO {db:Identifier}.{table:Identifier}')) {
      await new Promise((r) => setTimeout(r, insertDelayMs));
    }
    return { kind: 'rows', rows: [] };
  });
});

afterAll(async () => {
  releaseMigrations();
  await fake.close();
  await removeTempDirs();
});

it('serves OTLP beside the API: 503 during migrations, rows after, in-flight requests finished on shutdown', async () => {
  const [apiPort, otlpPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${otlpPort}/v1/traces`;
  const started = runServe(
    { insecure: false, migrate: true, roles: new Set(ALL_ROLES) },
    {
      CLICKHOUSE_URL: fake.url,
      INSIGHTAGENT_DATA_DIR: await tempDir('serve-ingest'),
      INSIGHTAGENT_API_PORT: String(apiPort),
      INSIGHTAGENT_OTLP_PORT: String(otlpPort),
      LOG_LEVEL: 'silent',
    },
  );
  const body = () => encodeExportRequest('traces', 'protobuf', genaiTraces(3, 'chimera').request);

  // Migrations are held: the receiver listens but takes no rows yet.
  let early: Awaited<ReturnType<typeof post>> | undefined;
  while (early === undefined) {
    early = await post(url, body(), PROTO).catch(() => undefined);
    if (early === undefined) await new Promise((r) => setTimeout(r, 20));
  }
  expect(early.status).toBe(503);
  expect(early.headers.get('retry-after')).toBe('1');
  expect(statusOf(early)).toEqual({ code: 14, message: expect.stringMatching(/schema/) });
  expect(ingestInserts()).toEqual([]);

  releaseMigrations();
  const shutdown = await started;
  const ok = await post(url, body(), PROTO);
  expect(ok.status).toBe(200);
  expect(ingestInserts().map((r) => r.params.param_table)).toEqual([
    'inference_requests',
    'evaluations',
  ]);

  // A request whose rows are still being inserted when shutdown starts is answered 200.
  insertDelayMs = 300;
  const inFlight = post(url, body(), PROTO);
  while (ingestInserts().length < 3) await new Promise((r) => setTimeout(r, 5));
  const code = await shutdown();
  expect((await inFlight).status).toBe(200);
  expect(code).toBe(0);
  expect(ingestInserts()).toHaveLength(4);
  await expect(post(url, body(), PROTO)).rejects.toThrow();
});
