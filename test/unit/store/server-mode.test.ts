// Server mode end to end through the real @clickhouse/client, against a fake ClickHouse HTTP server.

import { openStore } from '../../../src/store/open';
import { type Store, type StoreCallEvent, StoreError } from '../../../src/store/store';
import {
  type FakeClickHouse,
  type FakeHandler,
  type FakeRequest,
  startFakeClickHouse,
} from '../../helpers/fake-clickhouse';
import { rejection } from '../../helpers/rejection';

const DATABASE = 'insight_test';
const USER = 'reader';
const PASSWORD = 'p@ss:word';

const syntaxError: FakeHandler = () => ({
  kind: 'error',
  code: 62,
  type: 'SYNTAX_ERROR',
  message: "Syntax error: failed at position 1 ('SELEC'): SELEC 1. Expected one of: Query, SELECT",
});

let fake: FakeClickHouse | undefined;
let store: Store | undefined;
let calls: StoreCallEvent[] = [];

async function open(handler: FakeHandler): Promise<{ fake: FakeClickHouse; store: Store }> {
  fake = await startFakeClickHouse(handler);
  store = openStore(
    { kind: 'server', url: fake.url, username: USER, password: PASSWORD, database: DATABASE },
    (event) => calls.push(event),
  );
  return { fake, store };
}

// The statements the fake received (pings excluded).
const statements = (f: FakeClickHouse): FakeRequest[] => f.requests.filter((r) => r.path === '/');

const storeError = (promise: Promise<unknown>) => rejection(promise, StoreError);

afterEach(async () => {
  await store?.close();
  await fake?.close();
  store = undefined;
  fake = undefined;
  calls = [];
});

describe('Store in server mode', () => {
  it('sends the SQL, bound params, a tagged query_id and the credentials, and returns JSONEachRow rows', async () => {
    const rows = [
      { model: 'm1', n: 3 },
      { model: 'm2', n: 5 },
    ];
    const { fake, store } = await open(() => ({ kind: 'rows', rows }));
    const sql =
      'SELECT model, count() AS n FROM {db:Identifier}.spans WHERE model != {x:String} GROUP BY model';

    await expect(store.query({ tag: 'spans.count', sql, params: { x: "it's" } })).resolves.toEqual(
      rows,
    );

    const [request, ...rest] = statements(fake);
    expect(rest).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.sql).toBe(`${sql} \nFORMAT JSONEachRow`);
    expect(request?.params).toMatchObject({
      param_db: DATABASE,
      // The client escapes values for ClickHouse's text format; the server unescapes them.
      param_x: "it\\'s",
      enable_http_compression: '1',
      output_format_json_quote_64bit_integers: '0',
    });
    expect(request?.params.query_id).toMatch(/^insightagent:spans\.count:[0-9a-f-]{36}$/);
    expect(request?.user).toBe(USER);
    expect(request?.password).toBe(PASSWORD);
    expect(calls).toEqual([
      {
        tag: 'spans.count',
        kind: 'query',
        durationMs: expect.any(Number),
        attempts: 1,
        outcome: 'ok',
      },
    ]);
  });

  it('retries a connection reset and returns the second attempt rows', async () => {
    const rows = [{ ok: 1 }];
    const { fake, store } = await open((_request, index) =>
      index === 0 ? { kind: 'reset' } : { kind: 'rows', rows },
    );

    await expect(store.query({ tag: 'retry.reset', sql: 'SELECT 1 AS ok' })).resolves.toEqual(rows);

    const seen = statements(fake);
    expect(seen).toHaveLength(2);
    // Each attempt is its own query (a fresh query_id), under the same tag.
    expect(seen[0]?.params.query_id).not.toBe(seen[1]?.params.query_id);
    expect(seen.map((r) => r.params.query_id)).toEqual([
      expect.stringMatching(/^insightagent:retry\.reset:/),
      expect.stringMatching(/^insightagent:retry\.reset:/),
    ]);
    expect(calls).toEqual([
      {
        tag: 'retry.reset',
        kind: 'query',
        durationMs: expect.any(Number),
        attempts: 2,
        outcome: 'ok',
      },
    ]);
  });

  it('does not retry a ClickHouse error answer and fails with store_query_failed', async () => {
    const { fake, store } = await open(syntaxError);

    const err = await storeError(store.query({ tag: 'bad.sql', sql: 'SELEC 1' }));

    expect(statements(fake)).toHaveLength(1);
    expect(err.code).toBe('store_query_failed');
    expect(err.status).toBe(500);
    expect(err.message).toContain('bad.sql');
    expect(err.message).toContain("Syntax error: failed at position 1 ('SELEC')");
    expect(err.cause).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
    expect(calls).toEqual([
      {
        tag: 'bad.sql',
        kind: 'query',
        durationMs: expect.any(Number),
        attempts: 1,
        outcome: 'error',
      },
    ]);
  });

  it('does not retry a ClickHouse error answer to a command either', async () => {
    const { fake, store } = await open(syntaxError);

    const err = await storeError(
      store.command({ tag: 'bad.ddl', sql: 'CREAT TABLE {db:Identifier}.t' }),
    );

    expect(statements(fake)).toHaveLength(1);
    expect(err.code).toBe('store_query_failed');
  });

  it('gives up after 3 attempts when the server always resets: store_unavailable, 503', async () => {
    const { fake, store } = await open(() => ({ kind: 'reset' }));

    const err = await storeError(store.query({ tag: 'always.reset', sql: 'SELECT 1' }));

    expect(statements(fake)).toHaveLength(3);
    expect(err.code).toBe('store_unavailable');
    expect(err.status).toBe(503);
    expect(err.message).toContain('after 3 attempt(s)');
    expect(calls).toEqual([
      {
        tag: 'always.reset',
        kind: 'query',
        durationMs: expect.any(Number),
        attempts: 3,
        outcome: 'error',
      },
    ]);
  });

  it('inserts into <database>.<table> as gzip-compressed JSONEachRow lines', async () => {
    const { fake, store } = await open(() => ({ kind: 'rows', rows: [] }));
    const rows = [
      { trace_id: 'a1', model: 'm1', latency_ms: 12.5 },
      { trace_id: 'b2', model: 'm2', latency_ms: 40 },
    ];

    await store.insert({ tag: 'spans.insert', table: 'spans', rows });

    const [request, ...rest] = statements(fake);
    expect(rest).toHaveLength(0);
    expect(request?.sql).toBe(`INSERT INTO ${DATABASE}.spans FORMAT JSONEachRow`);
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.data).toBe(`${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    expect(request?.params.query_id).toMatch(/^insightagent:spans\.insert:/);
    expect(calls).toEqual([
      {
        tag: 'spans.insert',
        kind: 'insert',
        durationMs: expect.any(Number),
        attempts: 1,
        outcome: 'ok',
      },
    ]);
  });

  it('pings ok while the server runs, and not ok with an error once it is closed', async () => {
    const { fake, store } = await open(() => ({ kind: 'rows', rows: [] }));

    await expect(store.ping()).resolves.toEqual({ ok: true });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /ping']);

    await fake.close();
    const result = await store.ping();
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).not.toBe('');
  });
});
