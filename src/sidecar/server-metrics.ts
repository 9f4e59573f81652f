// The sidecar's Prometheus metrics, in a registry of its own: what an HPA or KEDA scaler reads
// (queue depth, in-flight batches) and what explains it (batch sizes, outcomes, refusals, cache).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResponseCacheStats } from './cache';
import type { ModelPool } from './model-pool';

/** The metrics the server updates. */
export interface SidecarMetrics {
  registry: Registry;
  requests: Counter<'model' | 'operation' | 'outcome'>;
  rejections: Counter<'model' | 'reason'>;
  cacheLookups: Counter<'model' | 'result'>;
  batchSize: Histogram<'model'>;
  batchDuration: Histogram<'model'>;
  requestDuration: Histogram<'model' | 'operation'>;
}

/** Returns the metrics; queue depth, in-flight batches and cache size are read at scrape time. */
export function createSidecarMetrics(
  pool: () => ModelPool | undefined,
  cacheStats: () => ResponseCacheStats | undefined,
): SidecarMetrics {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: 'insightagent_sidecar_queue_depth',
    help: 'Requests waiting in the batcher queue, per model.',
    labelNames: ['model'],
    registers,
    collect() {
      this.reset();
      for (const runtime of pool()?.all() ?? [])
        this.set({ model: runtime.name }, runtime.batcher.stats().queueDepth);
    },
  });
  new Gauge({
    name: 'insightagent_sidecar_inflight_batches',
    help: 'Batches running on the backend, per model.',
    labelNames: ['model'],
    registers,
    collect() {
      this.reset();
      for (const runtime of pool()?.all() ?? [])
        this.set({ model: runtime.name }, runtime.batcher.stats().inFlightBatches);
    },
  });
  new Gauge({
    name: 'insightagent_sidecar_cache_entries',
    help: 'Answers held in the response cache.',
    registers,
    collect() {
      this.set(cacheStats()?.entries ?? 0);
    },
  });
  return {
    registry,
    requests: new Counter({
      name: 'insightagent_sidecar_requests_total',
      help: 'Requests finished or refused, by outcome (ok or the error code).',
      labelNames: ['model', 'operation', 'outcome'],
      registers,
    }),
    rejections: new Counter({
      name: 'insightagent_sidecar_rejections_total',
      help: 'Requests refused before running, by reason (rate_limited, shed, queue_full, batcher_closed, invalid_request, model_not_found).',
      labelNames: ['model', 'reason'],
      registers,
    }),
    cacheLookups: new Counter({
      name: 'insightagent_sidecar_cache_lookups_total',
      help: 'Response cache lookups of deterministic requests, by result (hit or miss).',
      labelNames: ['model', 'result'],
      registers,
    }),
    batchSize: new Histogram({
      name: 'insightagent_sidecar_batch_size',
      help: 'Requests per batch sent to the backend.',
      labelNames: ['model'],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'insightagent_sidecar_batch_duration_seconds',
      help: 'Time the backend took for one batch.',
      labelNames: ['model'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'insightagent_sidecar_request_duration_seconds',
      help: 'Time from arrival to the last byte of the answer, per model and operation.',
      labelNames: ['model', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}

/**
 * Removes every series labelled `model` (a batcher the pool dropped), so rotating model names
 * cannot grow the registry; the model's counters start again from 0 if it comes back.
 */
export async function forgetModel(metrics: SidecarMetrics, model: string): Promise<void> {
  const labelled = [
    metrics.requests,
    metrics.rejections,
    metrics.cacheLookups,
    metrics.batchSize,
    metrics.batchDuration,
    metrics.requestDuration,
  ];
  for (const metric of labelled) {
    const seen = new Set<string>();
    for (const value of (await metric.get()).values) {
      const labels = value.labels as Record<string, string | number | undefined>;
      if (labels.model !== model) continue;
      // A histogram reports each bucket (`le`) of a series; the series is its other labels.
      const { le: _bucket, ...series } = labels;
      const key = JSON.stringify(series);
      if (seen.has(key)) continue;
      seen.add(key);
      (metric as Counter<string>).remove(series as Record<string, string>);
    }
  }
}
