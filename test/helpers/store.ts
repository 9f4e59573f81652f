import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/store/open';
import type { Store, StoreCallEvent } from '../../src/store/store';

/**
 * Opens the embedded store for one test suite, in a database of its own. chDB binds one data
 * directory per process, so suites share the process's in-memory directory and are isolated
 * by database name. `onCall` observes every store call (as `serve` wires metrics).
 */
export async function openTestStore(
  suite: string,
  onCall?: (event: StoreCallEvent) => void,
): Promise<Store> {
  const database = `test_${suite.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  return openStore({ kind: 'embedded', path: ':memory:', database }, onCall);
}

/** Drops the suite's database and closes the store. */
export async function closeTestStore(store: Store): Promise<void> {
  await store.command({ tag: 'test.drop', sql: 'DROP DATABASE IF EXISTS {db:Identifier} SYNC' });
  await store.close();
}
