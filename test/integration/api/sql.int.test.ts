// POST /api/v1/sql over real HTTP on the real embedded store: SELECT rows in the store's database
// as JSON, CSV and a table; writes refused (by the statement check, and by the session's own
// readonly = 1 underneath) with nothing changed; SETTINGS cannot lift readonly or the limits;
// one statement only; rows truncated at the limit; a timeout, the memory and answer-size limits;
// admin scope only.
import type { Server } from 'node:http';
import { createApp } from '../../../src/api/app';
import { closeServer, listen } from '../../../src/api/http-server';
import { parseTokens } from '../../../src/config/tokens';
import type { RequestRow } from '../../../src/ingest/rows';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { openSqlRunner, type SqlRunner } from '../../../src/store/repositories/sql';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { requestRow, tsText } from '../../helpers/telemetry-rows';

const ADMIN = 'admin-secret-0123456789a';
const READ = 'read-secret-0123456789ab';
const tokens = parseTokens(`ops:${ADMIN}:admin,grafana:${READ}:read`);
const MAX_ROWS = 5;
const MAX_SECONDS = 2;
const MAX_MEMORY = 64 * 1024 * 1024;
const NOW = Date.now() - 60_000;
const ROWS: RequestRow[] = [1, 2, 3].map((i) =>
  requestRow({ ts: tsText(NOW + i), model: i === 3 ? 'other' : 'chimera', latency_ms: 10 * i }),
);

let store: Store;
let runner: SqlRunner;
let server: Server;
let base: string;

beforeAll(async () => {
  store = await openTestStore('sql_api');
  await migrate(store, loadMigrationFiles());
  await store.insert({
    tag: 'test.sql.rows',
    table: 'inference_requests',
    rows: ROWS as unknown as Record<string, unknown>[],
  });
  runner = openSqlRunner(
    { kind: 'embedded', path: ':memory:', database: store.database },
    {
      maxExecutionSeconds: MAX_SECONDS,
      maxResultRows: MAX_ROWS,
      maxMemoryBytes: MAX_MEMORY,
    },
  );
  const app = createApp({
    tokens,
    log: createLogger('silent'),
    metrics: createMetrics(),
    readiness: async () => ({ ready: true }) as never,
    status: async () => ({}),
    effectiveConfig: () => ({}),
    sql: runner,
  });
  const l = await listen(app, '127.0.0.1', 0);
  server = l.server;
  base = `http://127.0.0.1:${l.port}`;
});

afterAll(async () => {
  await closeServer(server, 1000);
  await runner.close();
  await closeTestStore(store);
});

const post = (body: unknown, token: string | null = ADMIN) =>
  fetch(`${base}/api/v1/sql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });

async function refused(query: string): Promise<{ code: string; message: string }> {
  const res = await post({ query });
  expect(res.status).toBe(400);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

const count = async () =>
  (
    await store.query<{ n: number }>({
      tag: 'test.sql.count',
      sql: 'SELECT toUInt32(count()) AS n FROM {db:Identifier}.inference_requests',
    })
  )[0]?.n;

const tables = async () =>
  (
    await store.query<{ name: string }>({
      tag: 'test.sql.tables',
      sql: 'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
      params: { db: store.database },
    })
  ).map((r) => r.name);

describe('POST /api/v1/sql', () => {
  it('runs a SELECT in the store database and answers JSON rows with columns and types', async () => {
    const res = await post({
      query:
        'SELECT model, count() AS n, avg(latency_ms) AS mean FROM inference_requests GROUP BY model ORDER BY model',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-insightagent-truncated')).toBe('false');
    expect(await res.json()).toMatchObject({
      columns: [
        { name: 'model', type: 'LowCardinality(String)' },
        { name: 'n', type: 'UInt64' },
        { name: 'mean', type: 'Float64' },
      ],
      // 64-bit integers come as strings, exact (ClickHouse's JSON default).
      rows: [
        { model: 'chimera', n: '2', mean: 15 },
        { model: 'other', n: '1', mean: 30 },
      ],
      rowCount: 2,
      truncated: false,
      maxResultRows: MAX_ROWS,
    });
  });

  it('answers RFC 4180 CSV and an aligned table', async () => {
    const query = `SELECT model, toUInt8(count()) AS n, 'say "hi", twice' AS note FROM inference_requests GROUP BY model ORDER BY model`;
    const csv = await post({ query, format: 'csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe(
      'model,n,note\r\nchimera,2,"say ""hi"", twice"\r\nother,1,"say ""hi"", twice"\r\n',
    );
    const table = await post({ query, format: 'table' });
    expect(table.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await table.text()).toBe(
      [
        'model    n  note',
        '-------  -  ---------------',
        'chimera  2  say "hi", twice',
        'other    1  say "hi", twice',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('runs SHOW and DESCRIBE against the store database', async () => {
    const res = await post({ query: "SHOW TABLES LIKE 'inference%'" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: Array<{ name: string }> };
    expect(body.rows.map((r) => r.name)).toContain('inference_requests');
  });

  it.each([
    ['INSERT', "INSERT INTO inference_requests (ts, model) VALUES (now(), 'x')"],
    ['ALTER', 'ALTER TABLE inference_requests DELETE WHERE 1'],
    ['DROP', 'DROP TABLE inference_requests'],
    ['CREATE', 'CREATE TABLE evil (x UInt8) ENGINE = Memory'],
    ['TRUNCATE', '  /* hi */ truncate table inference_requests'],
    ['KILL', 'KILL QUERY WHERE 1'],
    ['USE', 'USE system'],
    ['SET', 'SET readonly = 0'],
    // readonly = 1 lets this one through (test/integration/store/sql-session): the check must not.
    ['SYSTEM', 'SYSTEM STOP MERGES'],
  ])('refuses %s with read_only and changes nothing', async (keyword, query) => {
    const before = await tables();
    const error = await refused(query);
    expect(error.code).toBe('read_only');
    expect(error.message).toContain(`${keyword} statements are refused`);
    expect(error.message).toContain('read-only');
    expect(await count()).toBe(ROWS.length);
    expect(await tables()).toEqual(before);
  });

  it('the session itself is readonly = 1: what passes the statement check is still read-only', async () => {
    const res = await post({
      query: "SELECT getSetting('readonly') AS r, currentDatabase() AS db",
    });
    expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([
      { r: 1, db: store.database },
    ]);
    // A SELECT to the check; ClickHouse refuses table functions that reach files in readonly mode.
    const error = await refused("SELECT count() FROM file('/etc/hostname', 'LineAsString')");
    expect(error.code).toBe('read_only');
    expect(error.message).toMatch(/^refused: the SQL endpoint is read-only: .*readonly mode/);
    expect(await count()).toBe(ROWS.length);
  });

  it('refuses INTO OUTFILE', async () => {
    const error = await refused("SELECT 1 INTO OUTFILE '/tmp/insightagent-sql-test.csv'");
    expect(error).toEqual({
      code: 'read_only',
      message: 'INTO OUTFILE is refused: the SQL endpoint never writes files',
    });
  });

  it.each([
    'SELECT count() FROM inference_requests SETTINGS readonly = 0',
    "SELECT * FROM (SELECT count() FROM file('/etc/hostname', 'LineAsString') SETTINGS readonly = 0)",
    'SELECT number FROM numbers(100) settings limit = 1000',
  ])('SETTINGS cannot lift readonly or the limits: %s', async (query) => {
    const error = await refused(query);
    expect(error.code).toBe('settings_not_allowed');
    expect(error.message).toMatch(/^SETTINGS clauses are refused/);
  });

  it.each([
    'SELECT 1; SELECT 2',
    'SELECT 1; DROP TABLE inference_requests',
    "SELECT ';' AS a; USE system",
  ])('refuses two statements: %s', async (query) => {
    const before = await tables();
    const error = await refused(query);
    expect(error).toEqual({
      code: 'multiple_statements',
      message: 'one statement per call: the query holds 2 statements separated by ";"',
    });
    expect(await tables()).toEqual(before);
  });

  it('accepts one trailing ";" and a ";" inside a string', async () => {
    const res = await post({ query: "SELECT 'a;b' AS s;  " });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([{ s: 'a;b' }]);
  });

  it('truncates at max_result_rows and says so', async () => {
    const res = await post({ query: 'SELECT number FROM numbers(1000) ORDER BY number DESC' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-insightagent-truncated')).toBe('true');
    const body = (await res.json()) as { rows: unknown[]; truncated: boolean; rowCount: number };
    expect(body.rows).toEqual(['999', '998', '997', '996', '995'].map((number) => ({ number })));
    expect(body).toMatchObject({ rowCount: MAX_ROWS, truncated: true });
    // Exactly the limit is not truncated; a UNION's rows count together.
    const exact = await post({ query: `SELECT number FROM numbers(${MAX_ROWS})` });
    expect(exact.headers.get('x-insightagent-truncated')).toBe('false');
    const union = await post({
      query: 'SELECT number FROM numbers(3) UNION ALL SELECT number FROM numbers(3)',
    });
    expect(await union.json()).toMatchObject({ rowCount: MAX_ROWS, truncated: true });
    // Subqueries are not cut: the row limit applies to the answer only.
    const inner = await post({
      query: 'SELECT count() AS n FROM (SELECT number FROM numbers(1000))',
    });
    expect(((await inner.json()) as { rows: unknown[] }).rows).toEqual([{ n: '1000' }]);
    const table = await post({ query: 'SELECT number FROM numbers(10)', format: 'table' });
    expect(await table.text()).toMatch(/\n\(first 5 rows: truncated at max_result_rows = 5\)\n$/);
  });

  it('stops a query at max_execution_time with query_timeout', async () => {
    const started = performance.now();
    const error = await refused(
      'SELECT count() FROM numbers(1000000000000) WHERE NOT ignore(sipHash64(number))',
    );
    expect(error.code).toBe('query_timeout');
    expect(error.message).toMatch(/^query ran longer than max_execution_time \(2 s\): /);
    expect(performance.now() - started).toBeLessThan(MAX_SECONDS * 1000 + 5_000);
  });

  it('stops a query past max_memory_usage with memory_limit, and the next query runs', async () => {
    // 20 million UInt64 in one array: 160 MB, over the 64 MiB limit.
    const error = await refused('SELECT length(groupArray(number)) AS n FROM numbers(20000000)');
    expect(error.code).toBe('memory_limit');
    expect(error.message).toMatch(
      /^query needed more memory than max_memory_usage \(67108864 bytes\): .*memory limit exceeded/i,
    );
    const res = await post({ query: 'SELECT length(groupArray(number)) AS n FROM numbers(1000)' });
    expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([{ n: '1000' }]);
  });

  it('stops an answer past max_memory_usage with memory_limit', async () => {
    // 5 rows of 20 MB (repeat() stops at 1 million): 100 MB of answer, over the 64 MiB limit.
    const error = await refused(
      "SELECT arrayStringConcat(arrayMap(i -> repeat('x', 1000000), range(20))) AS s FROM numbers(5)",
    );
    expect(error.code).toBe('memory_limit');
  });

  it('a query after one that failed mid-answer answers its own rows only', async () => {
    // Row 0 at once, then one every ~1 s (fewer than the row limit), stopped by max_execution_time.
    const error = await refused(
      'SELECT number FROM numbers(1000000000000) WHERE number % 1000000000 = 0',
    );
    expect(error.code).toBe('query_timeout');
    const res = await post({ query: "SELECT 'next' AS a" });
    expect(await res.json()).toMatchObject({
      columns: [{ name: 'a', type: 'String' }],
      rows: [{ a: 'next' }],
      rowCount: 1,
    });
  });

  it('answers 400 with ClickHouse message for a syntax error and an unknown table', async () => {
    const syntax = await refused('SELEC 1');
    expect(syntax.code).toBe('read_only');
    const bad = await refused('SELECT FROM WHERE');
    expect(bad.code).toBe('sql_syntax');
    expect(bad.message).toMatch(/^syntax error: .*Syntax error/);
    expect(bad.message).not.toContain('JSONCompactEachRowWithNamesAndTypes');
    expect(bad.message).toContain('end of query');
    const unknown = await refused('SELECT * FROM no_such_table');
    expect(unknown.code).toBe('query_failed');
    expect(unknown.message).toMatch(/^UNKNOWN_TABLE: .*no_such_table/);
  });

  it.each([
    [{ query: '' }, 'empty_query', 'query is empty: send one SELECT statement'],
    [
      { query: ' -- only a comment\n ;' },
      'empty_query',
      'query is empty: send one SELECT statement',
    ],
    [{}, 'invalid_body', 'query: expected a string holding one SELECT statement'],
    [
      { query: 'SELECT 1', format: 'xml' },
      'invalid_body',
      'format: expected one of json, csv, table',
    ],
    [{ query: 'SELECT 1', limit: 3 }, 'invalid_body', 'unknown field limit'],
  ])('refuses a bad body %j with %s', async (body, code, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code, message } });
  });

  it('needs the admin scope: 401 without a token, 403 with a read token', async () => {
    expect((await post({ query: 'SELECT 1' }, null)).status).toBe(401);
    const res = await post({ query: 'SELECT 1' }, READ);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: { code: 'forbidden', message: 'token "grafana" lacks the "admin" scope' },
    });
  });
});
