// The `otlp` target's exporter: spans recorded through the real OpenTelemetry SDK (a tracer
// provider of its own, never the global one; BatchSpanProcessor; OTLP/HTTP protobuf to
// `${endpoint}/v1/traces`), exactly as an instrumented application sends them. The span's ids are
// the run's (rows.ts simulatedIds), given to the SDK through its IdGenerator hook, so a stored row
// can be told from, and compared with, what outcomeRows describes.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resources, tracing } from '@opentelemetry/sdk-node';
import { VERSION } from '../../version';
import { SIMULATED_SERVICE } from '../rows';
import type { OutcomeSpan } from './otlp-span';

/** How long shutdown waits for the last export. */
const SHUTDOWN_MS = 5_000;

/** Records spans with given ids and flushes them. */
export interface SpanExporterTarget {
  /** Records one span (its ids: 32 and 16 hex digits); exported in the background. */
  record(span: OutcomeSpan, ids: { traceId: string; spanId: string }): void;
  /** Exports what is queued and stops; resolves within 5 s even when the receiver is gone. */
  shutdown(): Promise<void>;
}

/** Returns a span target exporting to the OTLP/HTTP base URL `endpoint`. */
export function createOtlpTarget(endpoint: string): SpanExporterTarget {
  let next = { traceId: '', spanId: '' };
  // The SDK asks for ids while starting a span, synchronously: hand it the ids set just before.
  const idGenerator = {
    generateTraceId: () => next.traceId,
    generateSpanId: () => next.spanId,
  };
  const provider = new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': SIMULATED_SERVICE }),
    idGenerator,
    spanProcessors: [
      new tracing.BatchSpanProcessor(
        new OTLPTraceExporter({
          url: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
          timeoutMillis: SHUTDOWN_MS,
        }),
        { scheduledDelayMillis: 500, maxQueueSize: 8_192, maxExportBatchSize: 512 },
      ),
    ],
  });
  const tracer = provider.getTracer('insightagent-simulate', VERSION);
  let stopping: Promise<void> | undefined;
  return {
    record(s, ids) {
      next = ids;
      const span = tracer.startSpan(s.name, {
        kind: SpanKind.CLIENT,
        startTime: s.startMs,
        attributes: s.attributes,
      });
      for (const event of s.events) span.addEvent(event.name, event.attributes, event.timeMs);
      span.setStatus(
        s.error === undefined
          ? { code: SpanStatusCode.OK }
          : { code: SpanStatusCode.ERROR, message: s.error },
      );
      span.end(s.endMs);
    },
    shutdown() {
      stopping ??= provider.shutdown().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_MS);
      });
      return Promise.race([stopping, gaveUp]).finally(() => clearTimeout(timer));
    },
  };
}
