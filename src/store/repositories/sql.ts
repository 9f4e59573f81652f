import { AppError, errorMessage } from '../../errors';
import type { ConnectionChoice } from '../connection';
import { isNetworkError, isUnavailableError } from '../network-errors';
import { checkReadOnlySql } from '../sql-guard';
import { StoreError } from '../store';
import { DEFAULT_SQL_LIMITS, errorType, openSqlSession, type SqlLimits } from './sql-session';

export { DEFAULT_SQL_LIMITS, type SqlLimits } from './sql-session';

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
  MEMORY_LIMIT_EXCEEDED: {
    code: 'memory_limit',
    lead: (l) => `query needed more memory than max_memory_usage (${l.maxMemoryBytes} bytes)`,
  },
};

/**
 * Returns the runner: each query passes the statement check (sql-guard), then runs on a session
 * of its own (sql-session: `readonly = 1`, the limits, the store's database). Throws StoreError
 * `store_locked` when another process owns the embedded data directory.
 */
export function openSqlRunner(
  choice: ConnectionChoice,
  limits: SqlLimits = DEFAULT_SQL_LIMITS,
): SqlRunner {
  const session = openSqlSession(choice, limits);
  let closed = false;
  return {
    limits,
    async run(query, signal) {
      if (closed) throw new StoreError('store_unavailable', 'the SQL runner is closed');
      const verdict = checkReadOnlySql(query);
      if (!verdict.ok) throw new AppError(verdict.code, 400, verdict.message);
      const started = performance.now();
      try {
        const { names, types, rows } = await session.query(verdict.sql, signal);
        const columns = names.map((name, i) => ({ name, type: String(types[i]) }));
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
      await session.close();
    },
  };
}

/** Returns the error a failed query answers: 400 with ClickHouse's message when the query is at
 * fault, 503 when the store is unreachable or said "not now", else 500. */
export function queryError(err: unknown, limits: SqlLimits): AppError {
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
    // The server said "not now" (too many queries, a replica without Keeper): not the query's fault.
    if (isUnavailableError(err))
      return new StoreError('store_unavailable', `store unavailable: ${type}: ${message}`, err);
    return new AppError('query_failed', 400, `${type}: ${message}`, { cause: err });
  }
  if (isNetworkError(err))
    return new StoreError('store_unavailable', `store unreachable: ${errorMessage(err)}`, err);
  return new StoreError('store_query_failed', `sql query failed: ${errorMessage(err)}`, err);
}
