// Raw engine baseline for bench/ingest.ts, run as its own process (chDB binds one data directory
// per process): the rows of the generator's requests, mapped and serialised to JSONEachRow
// beforehand, inserted straight through the store client with the writer's insert path
// (insertIngestRows, one INSERT per table per flush of <requests per flush> x 512 spans) — no HTTP, no
// decoding, no mapping, no serialising in the timed loop.
// Usage: node -r ./bench/ts-register.js bench/ingest-baseline.ts <data dir> <seconds> <requests per flush>
// Prints one JSON line.
import { randomUUID } from 'node:crypto';
import { DEFAULT_REQUEST_SPAN_KEYS, DEFAULT_SCORE_RANGES, mapExport } from '../src/ingest/genai';
import { decodeExport, encodeExportRequest } from '../src/ingest/otlp';
import { emptyRows, INGEST_TABLES } from '../src/ingest/rows';
import { migrate } from '../src/store/migrate';
import { loadMigrationFiles } from '../src/store/migration-plan';
import { openStore } from '../src/store/open';
import { encodeJsonEachRow, insertIngestRows } from '../src/store/repositories/ingest-rows';
import { genaiTracesRequest } from '../test/helpers/genai-otlp';

const SPANS_PER_REQUEST = 512;

async function main(): Promise<void> {
  const [dataDir, secondsArg, perFlushArg] = process.argv.slice(2);
  const seconds = Number(secondsArg);
  const REQUESTS_PER_FLUSH = Number(perFlushArg ?? 4);
  const store = openStore({ kind: 'embedded', path: `${dataDir}/clickhouse`, database: 'bench' });
  await migrate(store, loadMigrationFiles());
  const now = new Date();
  const rows = emptyRows();
  for (let k = 0; k < REQUESTS_PER_FLUSH; k++) {
    const body = encodeExportRequest(
      'traces',
      'protobuf',
      genaiTracesRequest(SPANS_PER_REQUEST, now.getTime() - k),
    );
    const mapped = mapExport('traces', decodeExport('traces', 'protobuf', body), {
      now,
      retentionDays: 30,
      requestSpanKeys: DEFAULT_REQUEST_SPAN_KEYS,
      scoreRanges: DEFAULT_SCORE_RANGES,
    });
    for (const table of INGEST_TABLES) rows[table].push(...(mapped.rows[table] as never[]));
  }
  const bodies = INGEST_TABLES.filter((t) => rows[t].length > 0).map(
    (table) => [table, encodeJsonEachRow(rows[table])] as const,
  );
  const flushes: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    const t = performance.now();
    const flushId = randomUUID();
    for (const [table, body] of bodies) await insertIngestRows(store, table, body, flushId);
    flushes.push(performance.now() - t);
  }
  const elapsedS = (performance.now() - started) / 1000;
  const spans = flushes.length * REQUESTS_PER_FLUSH * SPANS_PER_REQUEST;
  await store.close();
  console.log(
    JSON.stringify({
      figure: 'raw_engine_baseline',
      seconds: Math.round(elapsedS * 10) / 10,
      flushes: flushes.length,
      spans_per_flush: REQUESTS_PER_FLUSH * SPANS_PER_REQUEST,
      rows_per_flush: Object.fromEntries(bodies.map(([t]) => [t, rows[t].length])),
      spans_per_s: Math.round(spans / elapsedS),
      flush_ms_mean: Math.round((flushes.reduce((a, b) => a + b, 0) / flushes.length) * 10) / 10,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
