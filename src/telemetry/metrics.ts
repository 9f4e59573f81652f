import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { FlushEvent } from '../ingest/writer';
import type { StoreCallEvent } from '../store/store';
import { VERSION } from '../version';

/** The service's own Prometheus metrics, served on /metrics. */
export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  storeCalls: Histogram<'tag' | 'kind' | 'outcome'>;
  storeRetries: Counter<'tag'>;
  otlpRequests: Counter<'signal' | 'outcome'>;
  otlpItems: Counter<'signal' | 'result'>;
  ingestFlushes: Histogram<'outcome'>;
  ingestRows: Counter<'table'>;
  ingestQueueBytes: Gauge;
  /** Records one store call; pass to openStore. */
  onStoreCall(event: StoreCallEvent): void;
  /** Records one flush of the ingest writer; pass to IngestWriter as onFlush. */
  onIngestFlush(event: FlushEvent): void;
}

/** Creates a fresh registry with process metrics, build info, HTTP, store and ingest instruments. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'insightagent_build_info',
    help: 'Always 1; the labels say which build runs.',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: VERSION, node: process.version }, 1);
  const httpRequests = new Histogram({
    name: 'insightagent_http_request_duration_seconds',
    help: 'API requests by method, matched route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const storeCalls = new Histogram({
    name: 'insightagent_store_call_duration_seconds',
    help: 'ClickHouse calls by tag, kind and outcome, retries included.',
    labelNames: ['tag', 'kind', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const storeRetries = new Counter({
    name: 'insightagent_store_retries_total',
    help: 'ClickHouse calls retried after a network failure.',
    labelNames: ['tag'],
    registers: [registry],
  });
  const otlpRequests = new Counter({
    name: 'insightagent_otlp_requests_total',
    help: 'OTLP export requests by signal and outcome (ok, partial, or the error code).',
    labelNames: ['signal', 'outcome'],
    registers: [registry],
  });
  const otlpItems = new Counter({
    name: 'insightagent_otlp_items_total',
    help: 'Spans, log records and data points received, by signal and result (accepted, rejected).',
    labelNames: ['signal', 'result'],
    registers: [registry],
  });
  const ingestFlushes = new Histogram({
    name: 'insightagent_ingest_flush_duration_seconds',
    help: 'Flushes of the ingest writer (one INSERT per table) by outcome.',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const ingestRows = new Counter({
    name: 'insightagent_ingest_rows_total',
    help: 'Rows committed by the ingest writer, by table.',
    labelNames: ['table'],
    registers: [registry],
  });
  const ingestQueueBytes = new Gauge({
    name: 'insightagent_ingest_queue_bytes',
    help: 'JSON bytes held by the ingest writer after its last flush (pending rows).',
    registers: [registry],
  });
  return {
    registry,
    httpRequests,
    storeCalls,
    storeRetries,
    otlpRequests,
    otlpItems,
    ingestFlushes,
    ingestRows,
    ingestQueueBytes,
    onStoreCall(event) {
      storeCalls.observe(
        { tag: event.tag, kind: event.kind, outcome: event.outcome },
        event.durationMs / 1000,
      );
      if (event.attempts > 1) storeRetries.inc({ tag: event.tag }, event.attempts - 1);
    },
    onIngestFlush(event) {
      ingestFlushes.observe({ outcome: event.outcome }, event.durationMs / 1000);
      if (event.outcome === 'ok') {
        for (const [table, n] of Object.entries(event.rows)) {
          if (n > 0) ingestRows.inc({ table }, n);
        }
      }
      ingestQueueBytes.set(event.queuedBytes);
    },
  };
}
