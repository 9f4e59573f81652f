// The fuzzed front door, in process on loopback ports over the real embedded store: the OTLP
// receiver and the API (feedback and reference uploads) behind the real group-commit writer.
// Records every uncaught exception and unhandled rejection while it runs, and tallies answers.
// FUZZ_LOG_LEVEL=error shows the servers' log (the cause of a 500, for one).
import type { Server } from 'node:http';
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/http-server';
import { type Clock, systemClock } from '../../src/clock';
import { emptyFileConfig } from '../../src/config/file';
import { createReceiver } from '../../src/ingest/receiver';
import { IngestWriter } from '../../src/ingest/writer';
import { migrate } from '../../src/store/migrate';
import { loadMigrationFiles } from '../../src/store/migration-plan';
import { insertIngestRows } from '../../src/store/repositories/ingest-rows';
import type { Store } from '../../src/store/store';
import { createLogger } from '../../src/telemetry/logger';
import { createMetrics } from '../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from './store';

/** The OTLP body limit of the fuzzed receiver (serve's default is 64 MiB). */
export const FUZZ_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The running targets. */
export interface FuzzTargets {
  store: Store;
  /** `http://127.0.0.1:<port>` of the OTLP receiver. */
  otlp: string;
  /** `http://127.0.0.1:<port>` of the API. */
  api: string;
  clock: Clock;
  /** Uncaught exceptions and unhandled rejections seen since start. */
  faults: unknown[];
  close(): Promise<void>;
}

/** Starts the receiver and the API over a fresh suite database; `faults` collects process errors. */
export async function startFuzzTargets(suite: string): Promise<FuzzTargets> {
  const faults: unknown[] = [];
  const onFault = (err: unknown) => faults.push(err);
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  const store = await openTestStore(suite);
  await migrate(store, loadMigrationFiles());
  const writer = new IngestWriter({
    insert: (table, body, flushId) => insertIngestRows(store, table, body, flushId),
  });
  const log = createLogger(process.env.FUZZ_LOG_LEVEL ?? 'silent');
  const settings = { ...emptyFileConfig().ingest, maxBodyBytes: FUZZ_MAX_BODY_BYTES };
  const receiver = await listen(
    createReceiver({
      sink: writer,
      tokens: [],
      log,
      metrics: createMetrics(),
      settings,
      retentionDays: 30,
    }),
    '127.0.0.1',
    0,
  );
  const api = await listen(
    createApp({
      tokens: [],
      log,
      metrics: createMetrics(),
      readiness: async () => ({ ready: true }) as never,
      status: async () => ({}),
      effectiveConfig: () => ({}),
      feedback: {
        sink: writer,
        clock: systemClock,
        retentionDays: 30,
        scoreRanges: settings.scoreRanges,
      },
      drift: { store, monitors: [], clock: systemClock, maxUploadBytes: 1024 * 1024 },
    }),
    '127.0.0.1',
    0,
  );
  return {
    store,
    otlp: `http://127.0.0.1:${receiver.port}`,
    api: `http://127.0.0.1:${api.port}`,
    clock: systemClock,
    faults,
    async close() {
      await closeServer(receiver.server as Server, 1_000);
      await closeServer(api.server as Server, 1_000);
      await writer.shutdown();
      await closeTestStore(store);
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    },
  };
}

/** Answers counted by target and status (or outcome), for the report. */
export class StatusTally {
  private readonly counts = new Map<string, Map<number | string, number>>();

  /** Counts one answer of `status` for `target`. */
  add(target: string, status: number | string): void {
    const byStatus = this.counts.get(target) ?? new Map<number | string, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.counts.set(target, byStatus);
  }

  /** Returns one line per target: total and count per status. */
  lines(): string[] {
    return [...this.counts].map(([target, byStatus]) => {
      const total = [...byStatus.values()].reduce((a, b) => a + b, 0);
      const parts = [...byStatus]
        .sort(([a], [b]) => String(a).localeCompare(String(b)))
        .map(([s, n]) => `${s}: ${n}`);
      return `${target}: ${total} bodies (${parts.join(', ')})`;
    });
  }
}

/** Returns the seed of this run: FUZZ_SEED when set, else a fresh one (logged by the suites). */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && /^-?\d+$/.test(given)) return Number(given);
  return Math.floor(Math.random() * 2 ** 31);
}
