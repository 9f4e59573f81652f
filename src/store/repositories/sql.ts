import {
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { AppError, errorMessage } from '../../errors';
import { quoteIdentifier } from '../cluster-ddl';
import type { ConnectionChoice } from '../connection';
import { isNetworkError } from '../network-errors';
import { checkReadOnlySql } from '../sql-guard';
import { StoreError } from '../store';

/** The fixed limits of every query run by the SQL endpoint. */
export interface SqlLimits {
  /** ClickHouse `max_execution_time`: the query fails with `query_timeout` after this. */
  maxExecutionSeconds: number;
  /** At most this many rows are returned; `truncated` says when the query produced more. */
  maxResultRows: number;
}

/** 10 s and 10,000 rows, as docs/api.md documents. */
export const DEFAULT_SQL_LIMITS: SqlLimits = { maxExecutionSeconds: 10, maxResultRows: 10_000 };

/** One result column, with its ClickHouse type. */
export interface SqlColumn {
  name: string;
  type: string;
}

/** The answer to a query: columns in order, rows as arrays in that order. */
export interface SqlResult {
  columns: SqlColumn[];
  rows: unknown[][];
  /** True when the query produced more than `maxResultRows` rows; `rows` holds the first ones. */
  truncated: boolean;
  maxResultRows: number;
  elapsedMs: number;
}

/** Runs read-only statements typed by a person over the store's database. */
export interface SqlRunner {
  readonly limits: SqlLimits;
  /** Returns the statement's rows, or throws AppError 400 naming what is wrong with it. */
  run(query: string, signal?: AbortSignal): Promise<SqlResult>;
  /** Closes the runner's own connection; safe to call twice. */
  close(): Promise<void>;
}

// ClickHouse error types (the name after the message) that get their own code.
const ERROR_CODES: Record<string, { code: string; lead: (limits: SqlLimits) => string }> = {
  READONLY: { code: 'read_only', lead: () => 'refused: the SQL endpoint is read-only' },
  TIMEOUT_EXCEEDED: {
    code: 'query_timeout',
    lead: (l) => `query ran longer than max_execution_time (${l.maxExecutionSeconds} s)`,
  },
  SYNTAX_ERROR: { code: 'sql_syntax', lead: () => 'syntax error' },
};

/**
 * Opens a connection of its own for the SQL endpoint (a second chDB session on the same data
 * directory, or a second HTTP client): its session is `readonly = 1` with the limits set before,
 * so no query can change them, and its current database is the store's. Throws StoreError
 * `store_locked` when another process owns the embedded data directory.
 */
export function openSqlRunner(
  choice: ConnectionChoice,
  limits: SqlLimits = DEFAULT_SQL_LIMITS,
): SqlRunner {
  // `limit` (not max_result_rows + result_overflow_mode=break, which stops at block boundaries:
  // 65,409 rows came back for a cap of 11) bounds the outermost query's rows exactly, and each
  // branch of a UNION, so more than maxResultRows rows back means the query produced more.
  const settings = {
    max_execution_time: limits.maxExecutionSeconds,
    limit: limits.maxResultRows + 1,
    // Exact 64-bit integers (ClickHouse's JSON default); JSON numbers would round past 2^53.
    output_format_json_quote_64bit_integers: 1,
  };
  const client = choice.kind === 'embedded' ? embedded(choice.path) : server(choice, settings);
  let session: Promise<void> | undefined;
  let closed = false;

  // Embedded: session-wide SETs on this connection only (a chDB session's settings are its own;
  // the store's session is untouched). readonly comes last: after it, nothing can be changed.
  const prepare = async () => {
    if (choice.kind !== 'embedded') return;
    const statements = [
      ...Object.entries(settings).map(([name, value]) => `SET ${name} = ${value}`),
      `USE ${quoteIdentifier(choice.database)}`,
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
            `database ${choice.database} does not exist yet: run "insightagent migrate" or start "insightagent serve"`,
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
  };

  return {
    limits,
    async run(query, signal) {
      if (closed) throw new StoreError('store_unavailable', 'the SQL runner is closed');
      const verdict = checkReadOnlySql(query);
      if (!verdict.ok) throw new AppError(verdict.code, 400, verdict.message);
      // Set up once, on first use: `serve` opens the runner before its migrations create the
      // database. A failed setup is tried again by the next query.
      session ??= prepare().catch((err) => {
        session = undefined;
        throw err;
      });
      await session;
      const started = performance.now();
      try {
        const result = await client.query({
          query: verdict.sql,
          format: 'JSONCompactEachRowWithNamesAndTypes',
          abort_signal: signal,
        });
        const [names = [], types = [], ...rows] = await result.json<unknown[]>();
        const columns = names.map((name, i) => ({ name: String(name), type: String(types[i]) }));
        return {
          columns,
          rows: rows.slice(0, limits.maxResultRows),
          truncated: rows.length > limits.maxResultRows,
          maxResultRows: limits.maxResultRows,
          elapsedMs: Math.round(performance.now() - started),
        };
      } catch (err) {
        throw queryError(err, limits);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

function embedded(path: string): ClickHouseClient {
  try {
    const connection = createChdbConnection({ path });
    // Same cast as open.ts: chDB's Connection type is @clickhouse/client-common's own copy.
    return createClient({
      connection: connection as unknown as ClickHouseClientConfigOptions['connection'],
    });
  } catch (err) {
    throw new StoreError(
      'store_locked',
      `cannot open the embedded store at ${path}: ${errorMessage(err)}. Another process (a running ` +
        '"insightagent serve"?) owns it: query that server over HTTP instead (POST /api/v1/sql).',
      err,
    );
  }
}

// Server: every request carries the settings (readonly last, so the ones before it are applied
// while changes are still allowed), and the store's database is the default one.
function server(
  choice: Extract<ConnectionChoice, { kind: 'server' }>,
  settings: Record<string, number>,
): ClickHouseClient {
  return createClient({
    url: choice.url,
    username: choice.username,
    password: choice.password,
    database: choice.database,
    application: 'insightagent-sql',
    request_timeout: (settings.max_execution_time ?? 10) * 1000 + 5_000,
    clickhouse_settings: { ...settings, readonly: '1' } as ClickHouseSettings,
    log: { level: ClickHouseLogLevel.OFF },
  });
}

// ClickHouseError's `type` (e.g. READONLY), read by shape: chDB throws client-common's own class.
function errorType(err: unknown): string | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}

// The caller's query failed: 400 with ClickHouse's message; the store failed: 503 or 500.
function queryError(err: unknown, limits: SqlLimits): AppError {
  if (err instanceof AppError) return err;
  const type = errorType(err);
  if (type !== undefined) {
    // The client adds `FORMAT …` on a line after the query: not the caller's text, so a syntax
    // error found there is reported as one at the end of the query.
    const message = errorMessage(err)
      .replace(/\s*FORMAT JSONCompactEachRowWithNamesAndTypes/g, '')
      .replace(/ \(line \d+, col \d+\): JSONCompactEachRowWithNamesAndTypes\./g, ': end of query.')
      .replaceAll('JSONCompactEachRowWithNamesAndTypes', 'end of query')
      .trim();
    const known = ERROR_CODES[type];
    if (known !== undefined)
      return new AppError(known.code, 400, `${known.lead(limits)}: ${message}`, { cause: err });
    return new AppError('query_failed', 400, `${type}: ${message}`, { cause: err });
  }
  if (isNetworkError(err))
    return new StoreError('store_unavailable', `store unreachable: ${errorMessage(err)}`, err);
  return new StoreError('store_query_failed', `sql query failed: ${errorMessage(err)}`, err);
}
