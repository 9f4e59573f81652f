import { mkdirSync } from 'node:fs';
import {
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { errorMessage } from '../errors';
import type { ConnectionChoice } from './connection';
import {
  NO_RETRY,
  type RawInsert,
  SERVER_RETRY,
  Store,
  type StoreCallEvent,
  StoreError,
} from './store';

/** Opens the store once per process: embedded chDB or a ClickHouse server over HTTP. */
export function openStore(
  choice: ConnectionChoice,
  onCall?: (event: StoreCallEvent) => void,
): Store {
  if (choice.kind === 'embedded') {
    const { client, rawInsert } = openEmbeddedClient(choice.path);
    return new Store(client, {
      mode: 'embedded',
      database: choice.database,
      retry: NO_RETRY,
      onCall,
      rawInsert,
    });
  }
  const client = createClient({
    url: choice.url,
    username: choice.username,
    password: choice.password,
    application: 'insightagent',
    request_timeout: 30_000,
    compression: { request: true, response: true },
    // The same number shape in both modes: chDB prints 64-bit integers unquoted.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    // Store reports every call's outcome (metrics, StoreError with the cause); the client's own
    // console lines would duplicate each failed attempt outside the structured log.
    log: { level: ClickHouseLogLevel.OFF },
  });
  return new Store(client, {
    mode: 'server',
    database: choice.database,
    cluster: choice.cluster,
    retry: SERVER_RETRY,
    onCall,
  });
}

/** Returns the embedded store's client and raw insert, for a Store built around them. */
export function openEmbeddedClient(path: string): {
  client: ClickHouseClient;
  rawInsert: RawInsert;
} {
  if (path !== ':memory:') mkdirSync(path, { recursive: true });
  try {
    const connection = createChdbConnection({ path });
    // chDB implements @clickhouse/client-common's Connection; @clickhouse/client bundles its own
    // copy of those types, identical in shape but not in identity, hence the cast.
    const client = createClient({
      connection: connection as unknown as ClickHouseClientConfigOptions['connection'],
    });
    return { client, rawInsert: (params) => connection.chdb.rawInsert(params) };
  } catch (err) {
    throw new StoreError(
      'store_locked',
      `cannot open the embedded store at ${path}: ${errorMessage(err)}. Only one process may own an ` +
        'embedded data directory: stop the other insightagent process, set INSIGHTAGENT_DATA_DIR to ' +
        'another directory, or point read-side commands at the running server.',
      err,
    );
  }
}
