// The SQL endpoint's engine session on the real embedded store, without the statement check in
// front: the engine's own `readonly = 1` refuses INSERT, ALTER, DROP, SYSTEM, file() and url()
// and nothing changes (url() reaches no server); and a query after one that failed mid-answer
// gets its own rows only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestRow } from '../../../src/ingest/rows';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import {
  DEFAULT_SQL_LIMITS,
  errorType,
  openSqlSession,
  type SqlSession,
} from '../../../src/store/repositories/sql-session';
import { checkReadOnlySql } from '../../../src/store/sql-guard';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { requestRow, tsText } from '../../helpers/telemetry-rows';

const NOW = Date.now() - 60_000;
const ROWS: RequestRow[] = [1, 2, 3].map((i) => requestRow({ ts: tsText(NOW + i), model: 'm' }));

let store: Store;
let session: SqlSession;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];

beforeAll(async () => {
  store = await openTestStore('sql_session');
  await migrate(store, loadMigrationFiles());
  await store.insert({
    tag: 'test.sql.rows',
    table: 'inference_requests',
    rows: ROWS as unknown as Record<string, unknown>[],
  });
  session = openSqlSession(
    { kind: 'embedded', path: ':memory:', database: store.database },
    { ...DEFAULT_SQL_LIMITS, maxExecutionSeconds: 1 },
  );
  receiver = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.end('line\n');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await session.close();
  await new Promise((resolve) => receiver.close(resolve));
  await closeTestStore(store);
});

const count = async () =>
  (
    await store.query<{ n: number }>({
      tag: 'test.sql.count',
      sql: 'SELECT toUInt32(count()) AS n FROM {db:Identifier}.inference_requests',
    })
  )[0]?.n;

// The store's tables with their columns and part counts: what a write would change.
const shape = async () =>
  store.query<{ name: string; columns: string; mutations: string }>({
    tag: 'test.sql.shape',
    sql: `SELECT t.name AS name,
             (SELECT arrayStringConcat(groupArray(c.name), ',') FROM system.columns AS c
               WHERE c.database = {db:String} AND c.table = t.name) AS columns,
             (SELECT toString(count()) FROM system.mutations AS m
               WHERE m.database = {db:String} AND m.table = t.name) AS mutations
           FROM system.tables AS t WHERE t.database = {db:String} ORDER BY name`,
    params: { db: store.database },
  });

describe('the SQL session (engine level, no statement check)', () => {
  it.each([
    ['INSERT', "INSERT INTO inference_requests (ts, model) VALUES (now(), 'x')"],
    ['INSERT', "INSERT INTO inference_requests (ts, model) SELECT now(), 'x'"],
    ['ALTER', 'ALTER TABLE inference_requests DELETE WHERE 1'],
    ['ALTER', 'ALTER TABLE inference_requests ADD COLUMN evil UInt8'],
    ['DROP', 'DROP TABLE inference_requests'],
    ['DROP', 'TRUNCATE TABLE inference_requests'],
    ['SYSTEM', 'SYSTEM DROP MARK CACHE'],
    ['SYSTEM', 'SYSTEM FLUSH LOGS'],
    ['SYSTEM', 'SYSTEM STOP MERGES inference_requests'],
  ])('refuses %s (%s) as READONLY and changes nothing', async (_kind, sql) => {
    const before = await shape();
    await expect(session.command(sql)).rejects.toMatchObject({ type: 'READONLY' });
    expect(await count()).toBe(ROWS.length);
    expect(await shape()).toEqual(before);
  });

  it('file(): the statement check lets the SELECT through; the engine refuses it', async () => {
    const sql = "SELECT * FROM file('/etc/hostname', 'LineAsString')";
    expect(checkReadOnlySql(sql).ok).toBe(true);
    const err = await session.query(sql).catch((e: unknown) => e);
    expect(errorType(err)).toBe('READONLY');
  });

  it('url(): the statement check lets the SELECT through; the engine refuses it and sends nothing', async () => {
    const sql = `SELECT * FROM url('${receiverUrl}/probe', 'LineAsString')`;
    expect(checkReadOnlySql(sql).ok).toBe(true);
    // The receiver answers when asked: a session without readonly reads it (the probe works).
    await store.query({
      tag: 'test.sql.url',
      sql: `SELECT * FROM url('${receiverUrl}/control', 'LineAsString')`,
    });
    expect(received).toContain('GET /control');
    const seen = received.length;
    const err = await session.query(sql).catch((e: unknown) => e);
    expect(errorType(err)).toBe('READONLY');
    const write = await session
      .command(`INSERT INTO FUNCTION url('${receiverUrl}/write', 'LineAsString') SELECT 'x'`)
      .catch((e: unknown) => e);
    expect(errorType(write)).toBe('READONLY');
    expect(received).toHaveLength(seen);
  });

  it('SYSTEM STOP MERGES without a table passes readonly = 1: only the statement check refuses it', async () => {
    // Found here: ClickHouse lets these SYSTEM statements through in readonly mode, so the
    // statement check (which runs only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, EXISTS) is the guard.
    expect(checkReadOnlySql('SYSTEM STOP MERGES')).toMatchObject({ ok: false, code: 'read_only' });
    await session.command('SYSTEM STOP MERGES');
    await session.command('SYSTEM START MERGES');
  });

  it('a query after one that failed mid-answer gets its own rows only', async () => {
    // Row 0 at once, then one every ~1 s, stopped by max_execution_time (1 s).
    const err = await session
      .query('SELECT number FROM numbers(1000000000000) WHERE number % 1000000000 = 0')
      .catch((e: unknown) => e);
    expect(errorType(err)).toBe('TIMEOUT_EXCEEDED');
    expect(await session.query("SELECT 'next' AS a")).toEqual({
      names: ['a'],
      types: ['String'],
      rows: [['next']],
    });
    // The new session is set up like the first: readonly, the store's database, the limits.
    expect(
      await session.query(
        "SELECT getSetting('readonly') AS r, currentDatabase() AS db, getSetting('max_memory_usage') AS m",
      ),
    ).toMatchObject({ rows: [[1, store.database, DEFAULT_SQL_LIMITS.maxMemoryBytes]] });
  });
});
