// The engine side of the SQL endpoint: a connection of its own whose session is `readonly = 1`
// with the limits set before it, and whose current database is the store's. It runs what it is
// given; the statement check (sql-guard) is the runner's (sql.ts), in front of this.
import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from '@clickhouse/client';
import { AppError, errorMessage } from '../../errors';
import { quoteIdentifier } from '../cluster-ddl';
import type { ConnectionChoice } from '../connection';
import { openEmbeddedClient } from '../open';
import { StoreError } from '../store';

/** The fixed limits of every query run by the SQL endpoint. */
export interface SqlLimits {
  /** ClickHouse `max_execution_time`: the query fails with `query_timeout` after this. */
  maxExecutionSeconds: number;
  /** At most this many rows are returned; `truncated` says when the query produced more. */
  maxResultRows: number;
  /** ClickHouse `max_memory_usage`: the query fails with `memory_limit` past this. */
  maxMemoryBytes: number;
}

/** 10 s, 10,000 rows and 1 GiB of memory, as docs/api.md documents. */
export const DEFAULT_SQL_LIMITS: SqlLimits = {
  maxExecutionSeconds: 10,
  maxResultRows: 10_000,
  maxMemoryBytes: 1024 * 1024 * 1024,
};

/** A statement's answer as the engine gives it: column names, types, rows as arrays. */
export interface SqlRows {
  names: string[];
  types: string[];
  rows: unknown[][];
}

/** The read-only engine session; errors are the engine's own (ClickHouseError) or StoreError. */
export interface SqlSession {
  /** Returns the rows of `sql` (the client adds its FORMAT); throws what the engine throws. */
  query(sql: string, signal?: AbortSignal): Promise<SqlRows>;
  /** Runs a statement that answers no rows; throws what the engine throws. */
  command(sql: string): Promise<void>;
  /** Closes the connection; safe to call twice. */
  close(): Promise<void>;
}

/** Returns the settings every query of the session runs with (readonly is set after them). */
export function sqlSettings(limits: SqlLimits): Record<string, number> {
  return {
    max_execution_time: limits.maxExecutionSeconds,
    // `limit` (not max_result_rows + result_overflow_mode=break, which stops at block boundaries:
    // 65,409 rows came back for a cap of 11) bounds the outermost query's rows exactly, and each
    // branch of a UNION, so more than maxResultRows rows back means the query produced more.
    limit: limits.maxResultRows + 1,
    // An answer's rows count too (1,000 rows of 100 kB stopped at 95 MiB of a 95 MiB limit).
    // max_result_bytes is not set: on chDB 26 it let 10 MB of strings past a 1 MiB limit and
    // stopped only answers of many small rows. max_bytes_to_read is not set: max_execution_time
    // already bounds a scan, and a byte cap would refuse a cheap count() over a large table.
    max_memory_usage: limits.maxMemoryBytes,
    // Exact 64-bit integers (ClickHouse's JSON default); JSON numbers would round past 2^53.
    output_format_json_quote_64bit_integers: 1,
  };
}

/**
 * Opens the session lazily (`serve` opens it before its migrations create the database). Throws
 * StoreError `store_locked` when another process owns the embedded data directory, AppError 503
 * `store_not_migrated` when the database does not exist yet.
 */
export function openSqlSession(choice: ConnectionChoice, limits: SqlLimits): SqlSession {
  const settings = sqlSettings(limits);
  if (choice.kind === 'server') return serverSession(choice, settings);
  // Fails now when another process owns the directory, so the CLI can go over HTTP instead.
  let client: ClickHouseClient | undefined = openEmbeddedClient(choice.path).client;
  let ready: Promise<ClickHouseClient> | undefined;
  let closed = false;
  const current = () => {
    if (closed) throw new StoreError('store_unavailable', 'the SQL session is closed');
    if (ready === undefined) {
      client ??= openEmbeddedClient(choice.path).client;
      ready = prepare(client, settings, choice.database).catch((err) => {
        ready = undefined;
        throw err;
      });
    }
    return ready;
  };
  // chDB keeps what a failed query had already written out and prepends it to the next answer
  // of the same session (a timeout after 5 rows: the next query got those 5 rows, then its own).
  // A failed query retires its session, closed once its last query is done; the next query
  // opens a new one.
  const inFlight = new Map<ClickHouseClient, number>();
  const retired = new Set<ClickHouseClient>();
  const settle = async (used: ClickHouseClient, failed: boolean) => {
    const left = (inFlight.get(used) ?? 1) - 1;
    if (left > 0) inFlight.set(used, left);
    else inFlight.delete(used);
    if (failed && client === used) {
      client = undefined;
      ready = undefined;
      retired.add(used);
    }
    if (left === 0 && retired.delete(used)) await used.close();
  };
  const guarded = async <T>(work: (c: ClickHouseClient) => Promise<T>): Promise<T> => {
    const c = await current();
    inFlight.set(c, (inFlight.get(c) ?? 0) + 1);
    try {
      const value = await work(c);
      await settle(c, false);
      return value;
    } catch (err) {
      await settle(c, true);
      throw err;
    }
  };
  return {
    query: (sql, signal) => guarded((c) => rowsOf(c, sql, signal)),
    command: (sql) => guarded(async (c) => void (await c.command({ query: sql }))),
    async close() {
      if (closed) return;
      closed = true;
      const open = [...new Set([client, ...retired])].filter((c) => c !== undefined);
      client = undefined;
      retired.clear();
      await Promise.all(open.map((c) => c.close()));
    },
  };
}

async function rowsOf(c: ClickHouseClient, sql: string, signal?: AbortSignal): Promise<SqlRows> {
  const result = await c.query({
    query: sql,
    format: 'JSONCompactEachRowWithNamesAndTypes',
    abort_signal: signal,
  });
  const [names = [], types = [], ...rows] = await result.json<unknown[]>();
  return { names: names.map(String), types: types.map(String), rows };
}

// Session-wide SETs on this connection only (a chDB session's settings are its own; the store's
// session is untouched). readonly comes last: after it, nothing can be changed.
async function prepare(
  client: ClickHouseClient,
  settings: Record<string, number>,
  database: string,
): Promise<ClickHouseClient> {
  const statements = [
    ...Object.entries(settings).map(([name, value]) => `SET ${name} = ${value}`),
    `USE ${quoteIdentifier(database)}`,
    'SET readonly = 1',
  ];
  for (const query of statements) {
    try {
      await client.command({ query });
    } catch (err) {
      if (errorType(err) === 'UNKNOWN_DATABASE') {
        throw new AppError(
          'store_not_migrated',
          503,
          `database ${database} does not exist yet: run "insightagent migrate" or start "insightagent serve"`,
          { cause: err },
        );
      }
      throw new StoreError(
        'store_query_failed',
        `sql session setup failed: ${errorMessage(err)}`,
        err,
      );
    }
  }
  return client;
}

// Server: every request carries the settings (readonly last, so the ones before it are applied
// while changes are still allowed), and the store's database is the default one. Each HTTP
// request is a query of its own: nothing carries over from a failed one.
function serverSession(
  choice: Extract<ConnectionChoice, { kind: 'server' }>,
  settings: Record<string, number>,
): SqlSession {
  const client = createClient({
    url: choice.url,
    username: choice.username,
    password: choice.password,
    database: choice.database,
    application: 'insightagent-sql',
    request_timeout: (settings.max_execution_time ?? 10) * 1000 + 5_000,
    clickhouse_settings: { ...settings, readonly: '1' } as ClickHouseSettings,
    log: { level: ClickHouseLogLevel.OFF },
  });
  let closed = false;
  return {
    query: (sql, signal) => rowsOf(client, sql, signal),
    command: async (sql) => void (await client.command({ query: sql })),
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

/** Returns a ClickHouseError's `type` (e.g. READONLY), read by shape: chDB throws its own class. */
export function errorType(err: unknown): string | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}
