// Ingest rows into their tables: one INSERT per table per flush, JSONEachRow text prepared by
// the caller (the writer encodes each request's rows when it arrives, so the size it bounds is
// the size it sends).
import type { IngestTable } from '../../ingest/rows';
import type { InsertSettings, Store } from '../store';

/**
 * Settings of every ingest INSERT:
 * - async_insert 0: the writer already batches; a synchronous insert means "committed" when it
 *   returns, which is what an acknowledgement promises (chDB defaults it to 1).
 * - date_time_input_format basic: timestamps are exact "<seconds>.<micros>" text; no guessing.
 * - input_format_skip_unknown_fields 0: a column the table lacks is a bug to surface, not to drop.
 * - insert_deduplicate 1 (+ a token per flush): a retried INSERT of a flush is stored once.
 */
export const INGEST_INSERT_SETTINGS: InsertSettings = {
  async_insert: 0,
  date_time_input_format: 'basic',
  input_format_skip_unknown_fields: 0,
  input_format_defaults_for_omitted_fields: 1,
  insert_deduplicate: 1,
};

/**
 * Returns rows as JSONEachRow bytes: one JSON object per line, each line ending in "\n". Bytes,
 * not a string: they live outside the JS heap until the engine reads them (a flush holds
 * megabytes; as strings they cost the event loop garbage collection and a UTF-8 conversion).
 */
export function encodeJsonEachRow(rows: readonly object[]): Buffer {
  // Written into one reused scratch buffer (encoding is synchronous, so sharing it is safe), then
  // copied out at its exact size: no string of the whole body, no per-row pieces to join.
  let at = 0;
  for (const row of rows) {
    const line = JSON.stringify(row);
    const worst = line.length * 3 + 1; // UTF-8 bytes of a JS string are at most 3 per unit
    if (at + worst > scratch.length) {
      const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + worst));
      scratch.copy(grown, 0, 0, at);
      scratch = grown;
    }
    at += scratch.write(line, at);
    scratch[at++] = 0x0a;
  }
  return Buffer.from(scratch.subarray(0, at));
}

let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * Returns the deduplication token of one table's INSERT in one flush. The flush id is drawn once
 * per flush, so a retry of that INSERT (server mode retries network failures, whose answer may
 * have been lost after the commit) is stored once. Hashing the body instead would also fold a
 * client's replay, but only when it formed the very same batch, and it costs ~5 us per span
 * (string to UTF-8) on the hot path — measured, not worth it.
 */
export function ingestDedupToken(table: IngestTable, flushId: string): string {
  return `insightagent:ingest:${flushId}:${table}`;
}

/** Inserts JSONEachRow text into one ingest table in one INSERT; resolves once committed. */
export async function insertIngestRows(
  store: Store,
  table: IngestTable,
  body: Buffer,
  flushId: string,
  signal?: AbortSignal,
): Promise<void> {
  await store.insertJsonEachRow({
    tag: `ingest.${table}`,
    table,
    body,
    settings: {
      ...INGEST_INSERT_SETTINGS,
      insert_deduplication_token: ingestDedupToken(table, flushId),
    },
    signal,
  });
}
