// How the outbox writes a message's state: every change is a new version of its row (the
// highest version wins), and a 410 Gone turns every pending message of its destination off.
import {
  insertOutboxRows,
  type OutboxRow,
  type OutboxStatus,
  pendingForDestination,
} from '../store/repositories/outbox';
import type { Store } from '../store/store';
import type { Logger } from '../telemetry/logger';

/** One change of a message's state; `next` keeps the row's next_attempt_at when absent. */
export interface StateChange {
  status: OutboxStatus;
  attempts: number;
  at: number;
  next?: number;
  code: number;
  error: string;
}

/** Stores `change` as version `row.version + bump` of the message (resolved = stored). */
export async function recordChange(
  store: Store,
  row: OutboxRow,
  bump: number,
  change: StateChange,
): Promise<void> {
  await insertOutboxRows(store, [
    {
      ...row,
      version: row.version + bump,
      status: change.status,
      attempts: change.attempts,
      nextAttemptAtMs: change.next ?? row.nextAttemptAtMs,
      lastStatusCode: change.code,
      lastError: change.error,
      updatedAtMs: change.at,
    },
  ]);
}

/** Stores every pending message of `cause`'s destination as disabled (it answered 410 Gone). */
export async function disableDestination(
  store: Store,
  log: Logger,
  cause: OutboxRow,
  nowMs: number,
): Promise<void> {
  const pending = await pendingForDestination(store, cause.destinationKey);
  const error = `destination disabled: message ${cause.id} got 410 Gone`;
  await insertOutboxRows(
    store,
    pending.map((row) => ({
      ...row,
      version: row.version + 1,
      status: 'disabled' as const,
      lastError: error,
      updatedAtMs: nowMs,
    })),
  );
  log.error(
    { destination: cause.destinationKey, messages: pending.length },
    'outbox destination disabled after 410 Gone',
  );
}
