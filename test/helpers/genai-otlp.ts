// Builders of OTLP/JSON-shaped GenAI telemetry for tests and benchmarks: attributes, spans,
// evaluation log records and whole export requests. Encode with encodeExportRequest.

/** An OTLP/JSON AnyValue. */
export type JsonAnyValue = Record<string, unknown>;

/** Returns an OTLP/JSON AnyValue for a JavaScript value (integers → intValue as a string). */
export function anyValue(v: unknown): JsonAnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'bigint') return { intValue: v.toString() };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { doubleValue: String(v) }; // OTLP/JSON: "NaN", "Infinity"
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  }
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (typeof v === 'object' && v !== null) return { kvlistValue: { values: attrs(v) } };
  return {};
}

/** Returns OTLP/JSON KeyValues for an object; values already shaped as AnyValue pass as-is. */
export function attrs(o: object): { key: string; value: JsonAnyValue }[] {
  return Object.entries(o).map(([key, v]) => ({
    key,
    value: isShaped(v) ? (v as { $: JsonAnyValue }).$ : anyValue(v),
  }));
}

function isShaped(v: unknown): boolean {
  return typeof v === 'object' && v !== null && '$' in v;
}

/** Marks an AnyValue given verbatim (e.g. a double that happens to be whole: raw({doubleValue: 1})). */
export function raw(value: JsonAnyValue): { $: JsonAnyValue } {
  return { $: value };
}

/** Returns unix nanoseconds (as a decimal string) of a time in ms plus extra nanoseconds. */
export function nanos(ms: number, extraNs = 0n): string {
  return (BigInt(Math.round(ms)) * 1_000_000n + extraNs).toString();
}

/** Returns a hex id of `bytes` bytes derived from a number. */
export function hexId(n: number, bytes: number): string {
  return n
    .toString(16)
    .padStart(bytes * 2, '0')
    .slice(-bytes * 2);
}

/** Options of one GenAI span. */
export interface SpanSpec {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  startMs: number;
  durationMs?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: object;
  events?: { name: string; timeUnixNano?: string; attributes?: object }[];
  status?: { code: number; message?: string };
  name?: string;
}

/** Returns an OTLP/JSON span. */
export function span(spec: SpanSpec, i = 1): Record<string, unknown> {
  const start = spec.startTimeUnixNano ?? nanos(spec.startMs);
  const end = spec.endTimeUnixNano ?? nanos(spec.startMs + (spec.durationMs ?? 100));
  const out: Record<string, unknown> = {
    traceId: spec.traceId ?? hexId(i, 16),
    spanId: spec.spanId ?? hexId(i, 8),
    name: spec.name ?? 'chat chimera',
    kind: 3,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: attrs(spec.attributes ?? {}),
  };
  if (spec.parentSpanId !== undefined) out.parentSpanId = spec.parentSpanId;
  if (spec.events !== undefined) {
    out.events = spec.events.map((e) => ({
      name: e.name,
      timeUnixNano: e.timeUnixNano ?? end,
      attributes: attrs(e.attributes ?? {}),
    }));
  }
  if (spec.status !== undefined) out.status = spec.status;
  return out;
}

/** Returns an OTLP/JSON ExportTraceServiceRequest with one resource and one scope. */
export function tracesRequest(spans: unknown[], resource: object = DEFAULT_RESOURCE): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: attrs(resource) },
        scopeSpans: [{ scope: { name: 'test', version: '1' }, spans }],
      },
    ],
  };
}

/** Returns an OTLP/JSON ExportLogsServiceRequest with one resource and one scope. */
export function logsRequest(logRecords: unknown[], resource: object = DEFAULT_RESOURCE): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: attrs(resource) },
        scopeLogs: [{ scope: { name: 'test' }, logRecords }],
      },
    ],
  };
}

/** Returns an OTLP/JSON ExportMetricsServiceRequest with one resource and one scope. */
export function metricsRequest(metrics: unknown[], resource: object = DEFAULT_RESOURCE): unknown {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attrs(resource) },
        scopeMetrics: [{ scope: { name: 'test' }, metrics }],
      },
    ],
  };
}

/** The resource of the builders unless told otherwise. */
export const DEFAULT_RESOURCE = { 'service.name': 'chat-api', 'service.version': '2.1.0' };

/**
 * Returns a realistic GenAI ExportTraceServiceRequest (OTLP/JSON shape): `count` chat spans,
 * each with tokens, TTFT, queue time, batch size, cache flag, 4 drift features and 2
 * gen_ai.evaluation.result events — the shape the ingest benchmark posts.
 */
export function genaiTracesRequest(count: number, nowMs: number): unknown {
  const spans: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const startMs = nowMs - 60_000 + i;
    spans.push(
      span(
        {
          startMs,
          durationMs: 200 + (i % 97),
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'chimera',
            'gen_ai.response.model': 'chimera-2024-06',
            'gen_ai.provider.name': 'insightagent',
            'gen_ai.response.id': `resp-${i}`,
            'gen_ai.request.max_tokens': 512,
            'gen_ai.request.temperature': 0.7,
            'gen_ai.response.finish_reasons': ['stop'],
            'gen_ai.usage.input_tokens': 100 + (i % 50),
            'gen_ai.usage.output_tokens': 40 + (i % 30),
            'gen_ai.response.time_to_first_chunk': 0.05 + (i % 10) / 1000,
            'insightagent.queue.duration': 0.002 + (i % 5) / 1000,
            'insightagent.batch.size': 1 + (i % 8),
            'insightagent.cache.hit': i % 4 === 0,
            'insightagent.feature.prompt_length': 200 + i,
            'insightagent.feature.temperature': 0.7,
            'insightagent.feature.language': i % 3 === 0 ? 'en' : 'de',
            'insightagent.feature.channel': 'web',
            'server.address': 'model.internal',
            'server.port': 8000,
          },
          events: [
            {
              name: 'gen_ai.evaluation.result',
              attributes: {
                'gen_ai.evaluation.name': 'accuracy',
                'gen_ai.evaluation.score.value': raw({ doubleValue: (i % 100) / 100 }),
              },
            },
            {
              name: 'gen_ai.evaluation.result',
              attributes: {
                'gen_ai.evaluation.name': 'coherence',
                'gen_ai.evaluation.score.value': raw({ doubleValue: 0.9 }),
                'gen_ai.evaluation.score.label': 'good',
              },
            },
          ],
          status: { code: i % 50 === 0 ? 2 : 0 },
        },
        i + 1,
      ),
    );
  }
  return tracesRequest(spans, {
    ...DEFAULT_RESOURCE,
    'host.name': 'gpu-node-1',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '2.0.0',
  });
}
