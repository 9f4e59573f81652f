// The sidecar's request telemetry: one GenAI span per finished request and the model-server
// histograms, exported over OTLP/HTTP (protobuf) to InsightAgent's receiver or any collector.
//
// Built from @opentelemetry/sdk-node's providers, but NOT registered as the global SDK: the same
// process may run the self-instrumentation (src/telemetry/self-telemetry.ts, which owns the
// globals), and these spans must reach their endpoint whatever the globals are.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { metrics, resources, tracing } from '@opentelemetry/sdk-node';
import { z } from 'zod';
import { VERSION } from '../version';
import type { RequestRecorder, SidecarRequestRecord } from './request-record';
import {
  BUCKETS,
  isError,
  METRIC,
  metricPoints,
  type SidecarMetricName,
  spanAttributes,
  spanName,
} from './telemetry-mapping';

/** InsightAgent's OTLP/HTTP receiver on the same host: the default endpoint. */
export const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318';

/** How long shutdown waits for the last exports before dropping them. */
export const SIDECAR_TELEMETRY_SHUTDOWN_MS = 2_000;

const options = z.object({
  serviceName: z.string().min(1, 'expected a non-empty service name'),
  serviceVersion: z.string().optional(),
  endpoint: z.url({ error: 'expected an http(s) URL such as http://127.0.0.1:4318' }).optional(),
  provider: z.string().optional(),
  /**
   * Bound on one export, retries included (the OTLP exporters default to 10 s). Exports run in the
   * background, so this bounds the backlog, not the recorder; shorter would make a slow receiver
   * (which acknowledges only once rows are stored) see the same batch twice.
   */
  exportTimeoutMs: z.number().int().positive().default(5_000),
  /** How often metrics are exported. */
  metricIntervalMs: z.number().int().positive().default(10_000),
  /** How often queued spans are exported. */
  spanDelayMs: z.number().int().positive().default(500),
  /** Spans held while the collector is slow or gone; beyond it new spans are dropped. */
  maxQueuedSpans: z.number().int().positive().default(4_096),
  shutdownMs: z.number().int().nonnegative().default(SIDECAR_TELEMETRY_SHUTDOWN_MS),
  /** Sent with every export (e.g. Authorization); else OTEL_EXPORTER_OTLP_HEADERS applies. */
  headers: z.record(z.string(), z.string()).optional(),
});

/** Options of createSidecarTelemetry; the endpoint defaults to OTEL_EXPORTER_OTLP_ENDPOINT. */
export type SidecarTelemetryOptions = z.input<typeof options> & {
  /** Read for OTEL_EXPORTER_OTLP_ENDPOINT when `endpoint` is not given; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Told when recording a request fails (the recorder itself never throws). */
  onError?: (err: unknown) => void;
};

/** The recorder the sidecar server calls per request, and how to stop exporting. */
export interface SidecarTelemetry {
  recorder: RequestRecorder;
  /** The OTLP/HTTP base URL exported to. */
  endpoint: string;
  /** Flushes and stops; resolves within `shutdownMs` (2 s) even when the collector is gone. */
  shutdown(): Promise<void>;
}

/** Returns the OTLP base URL: the option, else OTEL_EXPORTER_OTLP_ENDPOINT, else the default. */
export function resolveEndpoint(endpoint: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = endpoint || env.OTEL_EXPORTER_OTLP_ENDPOINT || DEFAULT_OTLP_ENDPOINT;
  return chosen.replace(/\/+$/, '');
}

/**
 * Returns a recorder that turns each finished request into a span (`{operation} {model}`, kind
 * SERVER, timed by the record) and histogram points, made once the current I/O callbacks are
 * done and exported in the background. A dead or slow
 * collector costs at most `exportTimeoutMs` per export and a bounded queue of spans; it never
 * blocks the recorder or throws from it.
 */
export function createSidecarTelemetry(input: SidecarTelemetryOptions): SidecarTelemetry {
  const { env = process.env, onError, ...rest } = input;
  const parsed = options.safeParse({
    ...rest,
    endpoint: resolveEndpoint(rest.endpoint, env),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`sidecar telemetry: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const config = parsed.data;
  const endpoint = config.endpoint ?? DEFAULT_OTLP_ENDPOINT;
  const resource = resources.resourceFromAttributes({
    'service.name': config.serviceName,
    'service.version': config.serviceVersion ?? VERSION,
  });

  const tracerProvider = new tracing.BasicTracerProvider({
    resource,
    spanProcessors: [
      new tracing.BatchSpanProcessor(
        new OTLPTraceExporter({
          url: `${endpoint}/v1/traces`,
          timeoutMillis: config.exportTimeoutMs,
          ...(config.headers === undefined ? {} : { headers: config.headers }),
        }),
        {
          scheduledDelayMillis: config.spanDelayMs,
          exportTimeoutMillis: config.exportTimeoutMs,
          maxQueueSize: config.maxQueuedSpans,
          maxExportBatchSize: 512,
        },
      ),
    ],
  });
  const meterProvider = new metrics.MeterProvider({
    resource,
    readers: [
      new metrics.PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: `${endpoint}/v1/metrics`,
          timeoutMillis: config.exportTimeoutMs,
          ...(config.headers === undefined ? {} : { headers: config.headers }),
        }),
        exportIntervalMillis: config.metricIntervalMs,
        exportTimeoutMillis: Math.min(config.exportTimeoutMs, config.metricIntervalMs),
      }),
    ],
  });
  const tracer = tracerProvider.getTracer('insightagent-sidecar', VERSION);
  const meter = meterProvider.getMeter('insightagent-sidecar', VERSION);
  const histogram = (name: SidecarMetricName, description: string) =>
    meter.createHistogram(name, {
      unit: 's',
      description,
      advice: { explicitBucketBoundaries: [...BUCKETS[name]] },
    });
  const histograms = {
    [METRIC.requestDuration]: histogram(
      METRIC.requestDuration,
      'Sidecar request duration, arrival to last byte.',
    ),
    [METRIC.timeToFirstToken]: histogram(
      METRIC.timeToFirstToken,
      'Time to the first token of successful responses, from arrival at the sidecar.',
    ),
  };

  let stopped = false;
  const record = (r: SidecarRequestRecord): void => {
    const span = tracer.startSpan(spanName(r), {
      kind: SpanKind.SERVER,
      startTime: r.startMs,
      attributes: spanAttributes(r, config.provider),
    });
    if (isError(r)) span.setStatus({ code: SpanStatusCode.ERROR, message: r.outcome });
    span.end(Math.max(r.endMs, r.startMs));
    for (const point of metricPoints(r, config.provider)) {
      histograms[point.name].record(point.value, point.attributes);
    }
  };

  // Records are turned into spans after the current I/O callbacks (setImmediate), so the work is
  // done once the answer they describe has been written, not on its latency path.
  let queued: SidecarRequestRecord[] = [];
  let drainScheduled: NodeJS.Immediate | undefined;
  const drain = () => {
    drainScheduled = undefined;
    const records = queued;
    queued = [];
    for (const r of records) {
      try {
        record(r);
      } catch (err) {
        onError?.(err);
      }
    }
  };

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    recorder(r) {
      if (stopped) return;
      queued.push(r);
      drainScheduled ??= setImmediate(drain);
    },
    shutdown() {
      if (drainScheduled !== undefined) clearImmediate(drainScheduled);
      if (!stopped) drain();
      stopped = true;
      // Errors of a collector that is gone are dropped here, and so is whatever is not exported
      // after shutdownMs: stopping the sidecar must not wait on telemetry.
      stopping ??= Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]).then(
        () => undefined,
      );
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, config.shutdownMs);
      });
      return Promise.race([stopping, gaveUp]).finally(() => clearTimeout(timer));
    },
  };
}
