import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreCallEvent } from '../store/store';
import { VERSION } from '../version';

/** The service's own Prometheus metrics, served on /metrics. */
export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  storeCalls: Histogram<'tag' | 'kind' | 'outcome'>;
  storeRetries: Counter<'tag'>;
  /** Records one store call; pass to openStore. */
  onStoreCall(event: StoreCallEvent): void;
}

/** Creates a fresh registry with process metrics, build info, HTTP and store instruments. */
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
  return {
    registry,
    httpRequests,
    storeCalls,
    storeRetries,
    onStoreCall(event) {
      storeCalls.observe(
        { tag: event.tag, kind: event.kind, outcome: event.outcome },
        event.durationMs / 1000,
      );
      if (event.attempts > 1) storeRetries.inc({ tag: event.tag }, event.attempts - 1);
    },
  };
}
