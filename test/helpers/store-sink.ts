import { INGEST_TABLES, type RowSink, type TableRows } from '../../src/ingest/rows';
import type { Store } from '../../src/store/store';

/**
 * Returns a RowSink that inserts each table's rows straight through Store.insert, one INSERT per
 * table, in write order. Test-only: no batching, no back-pressure; what it writes is committed
 * when `write` resolves. `writes` records every call, for assertions.
 */
export function storeSink(store: Store): RowSink & { writes: TableRows[] } {
  const writes: TableRows[] = [];
  return {
    writes,
    async write(rows) {
      writes.push(rows);
      for (const table of INGEST_TABLES) {
        // The row interfaces have no index signature; they are plain JSON objects all the same.
        const batch = rows[table] as unknown as Array<Record<string, unknown>>;
        await store.insert({ tag: `test.sink.${table}`, table, rows: batch });
      }
    },
  };
}
