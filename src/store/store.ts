import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';
import { AppError, errorMessage } from '../errors';
import { quoteIdentifier } from './cluster-ddl';
import { isUnavailableError } from './network-errors';

/** How a failed network call is retried; `attempts` counts the first try. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** No retries: the embedded store has no network between us and it. */
export const NO_RETRY: RetryPolicy = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
/** Server mode: three tries, 200 ms then 400 ms apart (with jitter). */
export const SERVER_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 };

/** One finished store call, for metrics and logs. */
export interface StoreCallEvent {
  tag: string;
  kind: 'query' | 'command' | 'insert';
  durationMs: number;
  attempts: number;
  outcome: 'ok' | 'error';
}

/** A statement and its bound values. `{db:Identifier}` is always bound to the store's database. */
export interface Statement {
  /** Short fixed name of the call site, e.g. `migrations.applied`; used in metrics and query ids. */
  tag: string;
  sql: string;
  params?: Record<string, unknown>;
  signal?: AbortSignal;
}

/** The Retry-After of a 503 answered because the store is unreachable. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The store failed: `store_unavailable` (503) when unreachable or it said "not now", else 500. */
export class StoreError extends AppError {
  constructor(
    code: 'store_unavailable' | 'store_query_failed' | 'store_locked',
    message: string,
    cause?: unknown,
  ) {
    // An unreachable store is a 503 a client may retry; Retry-After says when, as on every
    // other 503 of the API.
    super(code, code === 'store_query_failed' ? 500 : 503, message, {
      cause,
      ...(code === 'store_unavailable' ? { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS } : {}),
    });
    this.name = 'StoreError';
  }
}

/** Settings of one INSERT (e.g. insert_deduplication_token), by setting name. */
export type InsertSettings = Readonly<Record<string, string | number>>;

const SETTING_NAME = /^[a-z_][a-z0-9_]*$/;

/** Options of a Store; see openStore for how they are chosen. */
export interface StoreOptions {
  mode: 'embedded' | 'server';
  database: string;
  cluster?: string;
  retry: RetryPolicy;
  onCall?: (event: StoreCallEvent) => void;
  /** Embedded only: chDB's zero-copy insert of a payload Buffer (see insertJsonEachRow). */
  rawInsert?: RawInsert;
}

/** An INSERT of pre-serialised rows handed to the engine as bytes (chDB's rawInsert). */
export type RawInsert = (params: {
  table: string;
  values: Buffer;
  format: 'JSONEachRow';
  settings: InsertSettings;
}) => Promise<unknown>;

/**
 * The one wrapper every repository uses: values only as bound parameters, a tag on every call,
 * typed rows, and retries while the store is unavailable (server mode only).
 */
export class Store {
  readonly mode: 'embedded' | 'server';
  readonly database: string;
  readonly cluster: string | undefined;
  private closed = false;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: StoreOptions,
  ) {
    this.mode = options.mode;
    this.database = options.database;
    this.cluster = options.cluster;
  }

  /** Runs a SELECT and returns its rows, validated by `schema` when one is given. */
  async query<Row>(statement: Statement & { schema?: z.ZodType<Row> }): Promise<Row[]> {
    return this.call('query', statement, async (queryId) => {
      const result = await this.client.query({
        query: statement.sql,
        query_params: this.bind(statement.params),
        query_id: queryId,
        format: 'JSONEachRow',
        abort_signal: statement.signal,
      });
      const rows = await result.json<unknown>();
      const schema = statement.schema;
      return schema === undefined ? (rows as Row[]) : rows.map((row) => schema.parse(row));
    });
  }

  /** Runs a statement that returns no rows (DDL, ALTER, INSERT ... SELECT). */
  async command(statement: Statement): Promise<void> {
    await this.call('command', statement, (queryId) =>
      this.client.command({
        query: statement.sql,
        query_params: this.bind(statement.params),
        query_id: queryId,
        abort_signal: statement.signal,
      }),
    );
  }

  /** Inserts rows into a table of this store's database, in one INSERT. */
  async insert<Row extends Record<string, unknown>>(batch: {
    tag: string;
    table: string;
    rows: readonly Row[];
    signal?: AbortSignal;
  }): Promise<void> {
    if (batch.rows.length === 0) return;
    await this.call('insert', { tag: batch.tag, sql: '' }, (queryId) =>
      this.client.insert({
        table: `${this.database}.${batch.table}`,
        values: batch.rows as Row[],
        format: 'JSONEachRow',
        query_id: queryId,
        abort_signal: batch.signal,
      }),
    );
  }

  /**
   * Inserts pre-serialised JSONEachRow text (one JSON object per line) into a table of this
   * store's database, in one INSERT whose `settings` apply to that statement only.
   */
  async insertJsonEachRow(batch: {
    tag: string;
    table: string;
    body: Buffer;
    settings?: InsertSettings;
    signal?: AbortSignal;
  }): Promise<void> {
    if (batch.body.length === 0) return;
    const raw = this.options.rawInsert;
    if (raw !== undefined) {
      // Embedded: the bytes go to the engine as they are (no SQL text built around them, no
      // string conversion on the event loop); chDB renders the settings as the statement's own
      // SETTINGS clause, and the table is validated by it as an identifier.
      quoteIdentifier(batch.table); // throws unless a plain identifier; the database was checked
      const table = `${this.database}.${batch.table}`;
      await this.call('insert', { tag: batch.tag, sql: '' }, () =>
        raw({ table, values: batch.body, format: 'JSONEachRow', settings: batch.settings ?? {} }),
      );
      return;
    }
    // The settings travel as a SETTINGS clause with bound values, not as client
    // `clickhouse_settings`: chDB's connection turns those into session-wide `SET`s that outlive
    // the statement (an insert_deduplication_token would then silently drop later inserts).
    const params: Record<string, unknown> = { table: batch.table };
    const clauses = Object.entries(batch.settings ?? {}).map(([name, value], i) => {
      if (!SETTING_NAME.test(name)) throw new Error(`not a setting name: ${JSON.stringify(name)}`);
      params[`setting_${i}`] = value;
      return `${name} = {setting_${i}:${typeof value === 'number' ? 'Int64' : 'String'}}`;
    });
    const settings = clauses.length === 0 ? '' : ` SETTINGS ${clauses.join(', ')}`;
    const sql = `INSERT INTO {db:Identifier}.{table:Identifier}${settings} FORMAT JSONEachRow`;
    await this.call('insert', { tag: batch.tag, sql }, async (queryId) => {
      const result = await this.client.exec({
        query: sql,
        query_params: this.bind(params),
        // A fresh stream per attempt: a retry must send the whole body again.
        values: Readable.from([batch.body]),
        query_id: queryId,
        abort_signal: batch.signal,
      });
      // Nothing useful in the answer, but the connection is released only once it is read.
      result.stream.resume();
      await finished(result.stream);
    });
  }

  /** Returns whether the store answers a trivial query, and the error when it does not. */
  async ping(): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.closed) return { ok: false, error: 'store is closed' };
    const result = await this.client.ping();
    return result.success ? { ok: true } : { ok: false, error: errorMessage(result.error) };
  }

  /** Closes the connection; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  private bind(params: Record<string, unknown> | undefined): Record<string, unknown> {
    return { ...params, db: this.database };
  }

  private async call<T>(
    kind: StoreCallEvent['kind'],
    statement: Statement,
    run: (queryId: string) => Promise<T>,
  ): Promise<T> {
    if (this.closed)
      throw new StoreError('store_unavailable', `store is closed (${statement.tag})`);
    const { attempts, baseDelayMs, maxDelayMs } = this.options.retry;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await run(`insightagent:${statement.tag}:${randomUUID()}`);
        this.report(kind, statement.tag, started, attempt, 'ok');
        return value;
      } catch (err) {
        const unavailable = isUnavailableError(err);
        if (unavailable && attempt < attempts && !statement.signal?.aborted) {
          const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          await sleep(backoff / 2 + Math.random() * (backoff / 2));
          continue;
        }
        this.report(kind, statement.tag, started, attempt, 'error');
        if (unavailable) {
          throw new StoreError(
            'store_unavailable',
            `store unavailable during ${statement.tag} after ${attempt} attempt(s): ${errorMessage(err)}`,
            err,
          );
        }
        throw new StoreError(
          'store_query_failed',
          `store ${kind} ${statement.tag} failed: ${errorMessage(err)}`,
          err,
        );
      }
    }
  }

  private report(
    kind: StoreCallEvent['kind'],
    tag: string,
    started: number,
    attempts: number,
    outcome: 'ok' | 'error',
  ) {
    this.options.onCall?.({
      tag,
      kind,
      durationMs: performance.now() - started,
      attempts,
      outcome,
    });
  }
}
