// The group-commit writer: concurrent requests' rows merge into one INSERT per table per flush,
// and each request is answered only once its rows are committed. Modelled on opentelemetry-js
// BatchSpanProcessorBase (flush on size or timer, bounded queue, shutdown safe twice), except
// that a full queue refuses the caller (429) instead of dropping: the caller can retry.
import { createHash, randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock';
import { AppError } from '../errors';
import { encodeJsonEachRow } from '../store/repositories/ingest-rows';
import { INGEST_TABLES, type IngestTable, type RowSink, type TableRows } from './rows';

/** When the writer flushes and how much it holds. */
export interface WriterLimits {
  /** Flush as soon as this many rows (all tables) are pending. */
  maxBatchRows: number;
  /** ...or this long after the first pending row arrived. */
  maxDelayMs: number;
  /** JSON bytes held (pending + being inserted) beyond which writes are refused with 429. */
  maxQueueBytes: number;
  /** After a failed flush, writes are refused with 503 for this long (the store gets a rest). */
  cooldownMs: number;
}

/**
 * Defaults, from measurement on the embedded store (2 cores): an INSERT costs ~15 ms fixed per
 * table, ~40 ms with its materialized view, plus ~10-30 us per row. So under load the batch is
 * whatever arrived while the previous flush ran (group commit; 2,048 spans per flush at 8
 * concurrent 512-span requests) and the delay does not matter; idle, a lone request waits 5 ms
 * at most. 10,000 rows flush without waiting. 32 MiB of queued JSON is ~23,000 spans with two
 * scores each (1.5 KB per span): ~2.3 s of the measured end-to-end rate (~10,000 spans/s), well
 * inside an OTLP exporter's 10 s timeout — a deeper queue makes clients time out and resend
 * rows that were accepted after all.
 */
export const DEFAULT_WRITER_LIMITS: WriterLimits = {
  maxBatchRows: 10_000,
  maxDelayMs: 5,
  maxQueueBytes: 32 * 1024 * 1024,
  cooldownMs: 2_000,
};

/** Inserts one table's JSONEachRow text of one flush; resolves once committed. */
export type TableInserter = (table: IngestTable, body: Buffer, flushId: string) => Promise<void>;

/** One finished flush, for metrics and logs. */
export interface FlushEvent {
  rows: Record<IngestTable, number>;
  bytes: number;
  writes: number;
  durationMs: number;
  outcome: 'ok' | 'error';
  error?: unknown;
  /** Bytes still held after this flush (pending writes). */
  queuedBytes: number;
}

/** What the writer needs: where rows go, and optionally time, limits and a flush observer. */
export interface WriterOptions {
  insert: TableInserter;
  clock?: Clock;
  limits?: Partial<WriterLimits>;
  onFlush?: (event: FlushEvent) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (err: AppError) => void;
}

/** One write: its JSONEachRow text per table, and who waits for it. */
interface Entry {
  bodies: Partial<Record<IngestTable, Buffer>>;
  waiter: Waiter;
}

interface Batch {
  entries: Entry[];
  rows: Record<IngestTable, number>;
  rowCount: number;
  bytes: number;
}

function emptyBatch(): Batch {
  const rows = {} as Record<IngestTable, number>;
  for (const table of INGEST_TABLES) rows[table] = 0;
  return { entries: [], rows, rowCount: 0, bytes: 0 };
}

/** Pauses before retrying the tables a flush has not committed yet (the others did). */
const PARTIAL_RETRY_DELAYS_MS = [100, 500];

/**
 * How long, and for how many request-tables, the rows a failed flush did commit are remembered:
 * longer than exporters keep retrying one export (the OpenTelemetry SDK 10 s, the Collector 5 min).
 */
const COMMITTED_MEMORY_MS = 10 * 60_000;
const COMMITTED_MEMORY_MAX = 100_000;

// One request's rows of one table, as a resend of the same request carries them again.
const bodyDigest = (table: IngestTable, body: Buffer) =>
  createHash('sha256').update(table).update('\n').update(body).digest('base64');

// A store that answered "no" to the statement (500), rather than one that could not be reached.
const isRefusal = (err: unknown) => err instanceof AppError && err.status === 500;

/**
 * A RowSink that group-commits: `write` resolves once the rows are committed, rejects with 429
 * `ingest_saturated` when the queue is full, 503 `store_unavailable` when the flush failed or the
 * store failed moments ago, and 503 `ingest_stopped` after shutdown. All with retryAfterSeconds.
 * A flush that fails after committing some tables remembers those rows: when the refused request
 * comes again, only its other tables are inserted.
 */
export class IngestWriter implements RowSink {
  private readonly limits: WriterLimits;
  private readonly clock: Clock;
  private pending: Batch | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The timer fired while a flush was running: flush again as soon as it ends. */
  private due = false;
  private held = 0;
  /** Epoch ms until which the store is considered failing (the circuit is open). */
  private failingUntil = 0;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  /** Rows committed by flushes that then failed, by digest, with when to forget them (ms). */
  private readonly committedBeforeFailure = new Map<string, number>();

  constructor(private readonly options: WriterOptions) {
    this.limits = { ...DEFAULT_WRITER_LIMITS, ...options.limits };
    this.clock = options.clock ?? systemClock;
  }

  /** Returns the JSON bytes held: pending rows and the flush being inserted. */
  get queuedBytes(): number {
    return this.held;
  }

  /** Queues rows for the next flush; resolves once they are committed (see the class). */
  write(rows: TableRows): Promise<void> {
    if (this.stopped) {
      return Promise.reject(
        new AppError('ingest_stopped', 503, 'the ingest writer is shutting down; retry later', {
          retryAfterSeconds: 1,
        }),
      );
    }
    const failingFor = this.failingUntil - this.clock.now().getTime();
    if (failingFor > 0) return Promise.reject(storeFailing(failingFor));

    const bodies: [IngestTable, Buffer, number][] = [];
    let bytes = 0;
    for (const table of INGEST_TABLES) {
      const list = rows[table];
      if (list.length === 0) continue;
      const body = encodeJsonEachRow(list);
      if (this.committedBefore(table, body)) continue;
      bodies.push([table, body, list.length]);
      bytes += body.length;
    }
    if (bodies.length === 0) return Promise.resolve();
    // An empty queue takes any write, so a request larger than the bound is never refused forever.
    if (this.held > 0 && this.held + bytes > this.limits.maxQueueBytes) {
      return Promise.reject(
        new AppError(
          'ingest_saturated',
          429,
          `ingest queue full (${this.held} of ${this.limits.maxQueueBytes} bytes held); retry shortly`,
          { retryAfterSeconds: 1 },
        ),
      );
    }

    const batch = this.pending ?? emptyBatch();
    this.pending = batch;
    const entryBodies: Entry['bodies'] = {};
    for (const [table, body, count] of bodies) {
      entryBodies[table] = body;
      batch.rows[table] += count;
      batch.rowCount += count;
    }
    batch.bytes += bytes;
    this.held += bytes;
    const committed = new Promise<void>((resolve, reject) => {
      batch.entries.push({ bodies: entryBodies, waiter: { resolve, reject } });
    });
    if (batch.rowCount >= this.limits.maxBatchRows) this.startFlush();
    else this.armTimer();
    return committed;
  }

  /** Flushes everything accepted and refuses later writes; safe to call twice (same promise). */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      for (;;) {
        if (this.inFlight !== undefined) await this.inFlight;
        else if (this.pending !== undefined) this.startFlush();
        else break;
      }
      this.clearTimer();
    })();
    return this.stopping;
  }

  // Whether these rows of `table` were committed by a flush that failed on another table (its
  // client was answered 503 and sends them again).
  private committedBefore(table: IngestTable, body: Buffer): boolean {
    const memory = this.committedBeforeFailure;
    if (memory.size === 0) return false;
    const nowMs = this.clock.now().getTime();
    for (const [digest, forgetAt] of memory) {
      if (forgetAt > nowMs) break;
      memory.delete(digest);
    }
    return memory.has(bodyDigest(table, body));
  }

  // Remembers the rows of `tables` of each entry: they are committed, though the flush failed.
  private rememberCommitted(entries: readonly Entry[], tables: ReadonlySet<IngestTable>): void {
    const memory = this.committedBeforeFailure;
    const forgetAt = this.clock.now().getTime() + COMMITTED_MEMORY_MS;
    for (const entry of entries) {
      for (const table of tables) {
        const body = entry.bodies[table];
        if (body === undefined) continue;
        // Re-inserted, not updated in place: the map stays in expiry order for the sweep above.
        const digest = bodyDigest(table, body);
        memory.delete(digest);
        memory.set(digest, forgetAt);
      }
    }
    for (const digest of memory.keys()) {
      if (memory.size <= COMMITTED_MEMORY_MAX) break;
      memory.delete(digest);
    }
  }

  private armTimer(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.inFlight === undefined) this.startFlush();
      else this.due = true;
    }, this.limits.maxDelayMs);
    // Like BatchSpanProcessorBase: a pending flush alone does not keep the process alive.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startFlush(): void {
    const batch = this.pending;
    if (this.inFlight !== undefined || batch === undefined) return;
    this.pending = undefined;
    this.due = false;
    this.clearTimer();
    this.inFlight = this.commit(batch).then(() => {
      this.inFlight = undefined;
      const next = this.pending;
      if (next === undefined) return;
      if (this.due || this.stopped || next.rowCount >= this.limits.maxBatchRows) this.startFlush();
      else this.armTimer();
    });
  }

  // Inserts the entries' rows table by table under one flush id, skipping and recording the
  // tables already committed; returns the first failure.
  private async insertTables(
    entries: readonly Entry[],
    flushId: string,
    done: Set<IngestTable>,
  ): Promise<unknown> {
    try {
      for (const table of INGEST_TABLES) {
        if (done.has(table)) continue;
        const parts = entries.flatMap((e) => e.bodies[table] ?? []);
        if (parts.length > 0) await this.options.insert(table, Buffer.concat(parts), flushId);
        done.add(table);
      }
      return undefined;
    } catch (err) {
      return err;
    }
  }

  // Never rejects: the outcome goes to the batch's waiters.
  //  - All tables commit: every write resolves.
  //  - Some tables committed, then one failed: the rest is retried under the same flush id (a
  //    table sent twice is dropped by its deduplication token). If that fails too, the committed
  //    tables' rows are remembered, so the client's resend stores only the rest.
  //  - The store refused the statement (500): each write is inserted alone, so one bad request
  //    cannot fail the others; it alone is refused (400, not retried), and a write that met an
  //    unreachable store alone gets 503. If every write fails alone too, the store is failing,
  //    not the rows.
  //  - Otherwise (unreachable, or refused throughout): 503 to all and a cooldown.
  private async commit(batch: Batch): Promise<void> {
    const started = performance.now();
    const flushId = randomUUID();
    const done = new Set<IngestTable>();
    let failure = await this.insertTables(batch.entries, flushId, done);
    for (const delay of PARTIAL_RETRY_DELAYS_MS) {
      if (failure === undefined || done.size === 0) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
      failure = await this.insertTables(batch.entries, flushId, done);
    }
    let settled = false;
    if (failure !== undefined && isRefusal(failure) && batch.entries.length > 1) {
      const alone = await Promise.all(
        batch.entries.map(async (entry, i) => {
          const entryDone = new Set(done);
          const err = await this.insertTables([entry], `${flushId}-${i}`, entryDone);
          if (err !== undefined && entryDone.size > 0) this.rememberCommitted([entry], entryDone);
          return { entry, err };
        }),
      );
      const refused = alone.filter((a) => a.err !== undefined);
      if (refused.length < alone.length) {
        // Only the store's answer to the rows makes them refused (400, not retried); a request
        // that met a failing store alone is told to retry, and the circuit opens.
        for (const { entry, err } of alone) {
          if (err === undefined) entry.waiter.resolve();
          else if (isRefusal(err)) entry.waiter.reject(rowsRefused(err));
          else {
            this.failingUntil = this.clock.now().getTime() + this.limits.cooldownMs;
            entry.waiter.reject(storeFailing(this.limits.cooldownMs, err));
          }
        }
        settled = true;
        failure = undefined;
      }
    }
    this.held -= batch.bytes;
    if (failure === undefined) {
      if (!settled) for (const entry of batch.entries) entry.waiter.resolve();
    } else {
      if (done.size > 0) this.rememberCommitted(batch.entries, done);
      // Open the circuit: refuse new writes for the cooldown, and give back what was waiting
      // rather than pile it onto a failing store.
      this.failingUntil = this.clock.now().getTime() + this.limits.cooldownMs;
      const refusal = storeFailing(this.limits.cooldownMs, failure);
      for (const entry of batch.entries) entry.waiter.reject(refusal);
      const waiting = this.pending;
      if (waiting !== undefined && !this.stopped) {
        this.pending = undefined;
        this.clearTimer();
        this.held -= waiting.bytes;
        for (const entry of waiting.entries) entry.waiter.reject(refusal);
      }
    }
    this.options.onFlush?.({
      rows: { ...batch.rows },
      bytes: batch.bytes,
      writes: batch.entries.length,
      durationMs: performance.now() - started,
      outcome: failure === undefined ? 'ok' : 'error',
      ...(failure === undefined ? {} : { error: failure }),
      queuedBytes: this.held,
    });
  }
}

// One request's rows that the store refused on their own: retrying them cannot help.
function rowsRefused(cause: unknown): AppError {
  const detail = cause instanceof Error ? `: ${cause.message.slice(0, 300)}` : '';
  return new AppError('rows_refused', 400, `the store refused this request's rows${detail}`, {
    cause,
  });
}

// The caller learns that and when to retry; the store's own message (SQL, hosts) stays in the log.
function storeFailing(forMs: number, cause?: unknown): AppError {
  const why =
    cause === undefined
      ? 'an insert failed moments ago'
      : `insert failed (${cause instanceof AppError ? cause.code : 'error'})`;
  return new AppError('store_unavailable', 503, `the store cannot take rows now: ${why}`, {
    cause,
    retryAfterSeconds: Math.max(1, Math.ceil(forMs / 1000)),
  });
}
