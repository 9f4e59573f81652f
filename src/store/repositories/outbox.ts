// outbox (migrations/0008): one row per outbound message, newest version wins (ReplacingMergeTree
// on `version`, read with FINAL). Every state change is a new row with version + 1, so the
// history is an append-only log until merges fold it.
import { z } from 'zod';
import type { Store } from '../store';

/** Where a message stands. */
export const OUTBOX_STATUSES = ['pending', 'delivered', 'failed', 'disabled'] as const;

/** Where a message stands. */
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** One version of an outbox message. Times are epoch milliseconds. */
export interface OutboxRow {
  id: string;
  version: number;
  destinationKey: string;
  channel: string;
  kind: string;
  /** JSON of the stored request (no URL, no secrets). */
  request: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAtMs: number;
  /** 0 when no HTTP answer was received. */
  lastStatusCode: number;
  lastError: string;
  createdAtMs: number;
  updatedAtMs: number;
}

const dt = (ms: number) => (ms / 1000).toFixed(3);

const COLUMNS = `id, version, destination_key, channel, kind, request, toString(status) AS status,
  attempts, toUnixTimestamp64Milli(next_attempt_at) AS next_attempt_at_ms, last_status_code,
  last_error, toUnixTimestamp64Milli(created_at) AS created_at_ms,
  toUnixTimestamp64Milli(updated_at) AS updated_at_ms`;

const num = z.coerce.number();
const rowSchema = z
  .object({
    id: z.string(),
    version: num,
    destination_key: z.string(),
    channel: z.string(),
    kind: z.string(),
    request: z.string(),
    status: z.enum(OUTBOX_STATUSES),
    attempts: num,
    next_attempt_at_ms: num,
    last_status_code: num,
    last_error: z.string(),
    created_at_ms: num,
    updated_at_ms: num,
  })
  .transform(
    (r): OutboxRow => ({
      id: r.id,
      version: r.version,
      destinationKey: r.destination_key,
      channel: r.channel,
      kind: r.kind,
      request: r.request,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAtMs: r.next_attempt_at_ms,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      createdAtMs: r.created_at_ms,
      updatedAtMs: r.updated_at_ms,
    }),
  );

/** Writes versions of messages in one INSERT; the insert resolving means they are stored. */
export async function insertOutboxRows(store: Store, rows: readonly OutboxRow[]): Promise<void> {
  await store.insert({
    tag: 'outbox.write',
    table: 'outbox',
    rows: rows.map((r) => ({
      id: r.id,
      version: r.version,
      destination_key: r.destinationKey,
      channel: r.channel,
      kind: r.kind,
      request: r.request,
      status: r.status,
      attempts: r.attempts,
      next_attempt_at: dt(r.nextAttemptAtMs),
      last_status_code: r.lastStatusCode,
      last_error: r.lastError,
      created_at: dt(r.createdAtMs),
      updated_at: dt(r.updatedAtMs),
    })),
  });
}

/** Returns the newest version of the messages with these ids (absent ids are left out). */
export async function findOutboxMessages(
  store: Store,
  ids: readonly string[],
): Promise<OutboxRow[]> {
  if (ids.length === 0) return [];
  return store.query({
    tag: 'outbox.find',
    sql: `SELECT ${COLUMNS} FROM {db:Identifier}.outbox FINAL WHERE id IN {ids:Array(String)}`,
    params: { ids },
    schema: rowSchema,
  });
}

/**
 * Returns the first `perDestination` pending messages of each destination, oldest first
 * (created_at, then id) — the heads of the per-destination queues, due or not — ordered by
 * destination; at most `limit` rows.
 */
export async function pendingQueueHeads(
  store: Store,
  options: { perDestination: number; limit: number },
): Promise<OutboxRow[]> {
  return store.query({
    tag: 'outbox.heads',
    sql: `SELECT ${COLUMNS} FROM {db:Identifier}.outbox FINAL
          WHERE status = 'pending'
          ORDER BY destination_key, created_at, id
          LIMIT {per:UInt32} BY destination_key
          LIMIT {limit:UInt32}`,
    params: { per: options.perDestination, limit: options.limit },
    schema: rowSchema,
  });
}

/** Returns the pending messages bound for one destination. */
export async function pendingForDestination(
  store: Store,
  destinationKey: string,
): Promise<OutboxRow[]> {
  return store.query({
    tag: 'outbox.pending_for_destination',
    sql: `SELECT ${COLUMNS} FROM {db:Identifier}.outbox FINAL
          WHERE status = 'pending' AND destination_key = {key:String}
          ORDER BY created_at, id`,
    params: { key: destinationKey },
    schema: rowSchema,
  });
}

const count = z.object({ n: z.coerce.number() });

/** Decides whether a destination was disabled (a receiver answered 410 Gone for it). */
export async function isDestinationDisabled(
  store: Store,
  destinationKey: string,
): Promise<boolean> {
  const [row] = await store.query({
    tag: 'outbox.disabled',
    sql: `SELECT count() AS n FROM {db:Identifier}.outbox FINAL
          WHERE destination_key = {key:String} AND status = 'disabled'`,
    params: { key: destinationKey },
    schema: count,
  });
  return (row?.n ?? 0) > 0;
}

/** One message as GET /api/v1/deliveries shows it: state, attempts and last error; no request. */
export interface Delivery {
  id: string;
  channel: string;
  kind: string;
  destination: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Returns the newest messages first (by created_at), optionally of one status only. */
export async function listDeliveries(
  store: Store,
  query: { status?: OutboxStatus; limit: number },
): Promise<Delivery[]> {
  const rows = await store.query({
    tag: 'outbox.list',
    sql: `SELECT ${COLUMNS} FROM {db:Identifier}.outbox FINAL
          WHERE {any:Bool} OR status = {status:String}
          ORDER BY created_at DESC, id DESC
          LIMIT {limit:UInt32}`,
    params: { any: query.status === undefined, status: query.status ?? '', limit: query.limit },
    schema: rowSchema,
  });
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    kind: r.kind,
    destination: r.destinationKey,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.status === 'pending' ? iso(r.nextAttemptAtMs) : null,
    last_status_code: r.lastStatusCode === 0 ? null : r.lastStatusCode,
    last_error: r.lastError === '' ? null : r.lastError,
    created_at: iso(r.createdAtMs),
    updated_at: iso(r.updatedAtMs),
  }));
}
