// InsightAgent's ingest side in-process on the real embedded store, as `serve` wires it: the OTLP
// receiver and POST /api/v1/feedback over real HTTP, one group-commit writer, and the attribution
// pass that moves delayed labels to their requests. For the live simulator's tests.
import type { Server } from 'node:http';
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/http-server';
import { systemClock } from '../../src/clock';
import { emptyFileConfig } from '../../src/config/file';
import { parseTokens } from '../../src/config/tokens';
import { createAttribution } from '../../src/ingest/attribution';
import { createReceiver } from '../../src/ingest/receiver';
import { IngestWriter } from '../../src/ingest/writer';
import { migrate } from '../../src/store/migrate';
import { loadMigrationFiles } from '../../src/store/migration-plan';
import { insertIngestRows } from '../../src/store/repositories/ingest-rows';
import { movePendingEvaluations } from '../../src/store/repositories/pending-evaluations';
import type { Store } from '../../src/store/store';
import { createLogger } from '../../src/telemetry/logger';
import { createMetrics } from '../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from './store';

/** The feedback API's ingest token. */
export const LIVE_TOKEN = 'ingest-secret-live-0123456789';

/** A running stack: the OTLP base URL, the API base URL, the store, one attribution pass. */
export interface LiveStack {
  store: Store;
  otlpBase: string;
  apiBase: string;
  /** Moves the pending scores whose request is stored (acknowledged writes are committed). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the stack in a database of its own. */
export async function startLiveStack(suite: string): Promise<LiveStack> {
  const store = await openTestStore(suite);
  await migrate(store, loadMigrationFiles());
  const log = createLogger('silent');
  const writer = new IngestWriter({
    insert: (table, body, flushId) => insertIngestRows(store, table, body, flushId),
  });
  const tokens = parseTokens(`simulate:${LIVE_TOKEN}:ingest`);
  const receiver = createReceiver({
    sink: writer,
    tokens: [],
    log,
    metrics: createMetrics(),
    settings: emptyFileConfig().ingest,
    retentionDays: 30,
  });
  const api = createApp({
    tokens,
    log,
    metrics: createMetrics(),
    readiness: async () => ({ ready: true, checks: { store: 'ok', migrations: 'ok' } }),
    status: async () => ({}),
    effectiveConfig: () => ({}),
    feedback: {
      sink: writer,
      clock: systemClock,
      retentionDays: 30,
      scoreRanges: { accuracy: { min: 0, max: 1 }, coherence: { min: 0, max: 1 } },
    },
  });
  const otlp = await listen(receiver, '127.0.0.1', 0);
  const http = await listen(api, '127.0.0.1', 0);
  const attribution = createAttribution({
    move: (limit) => movePendingEvaluations(store, limit),
    log,
  });
  return {
    store,
    otlpBase: `http://127.0.0.1:${otlp.port}`,
    apiBase: `http://127.0.0.1:${http.port}`,
    async settle() {
      await attribution.runOnce();
    },
    async close() {
      await closeServer(otlp.server as Server, 1_000);
      await closeServer(http.server as Server, 1_000);
      await writer.shutdown();
      await closeTestStore(store);
    },
  };
}
