// An OTLP/HTTP client for receiver tests: post a body, read the answer, decode google.rpc.Status
// and the export responses with decoders independent of the code under test (protobufjs types
// declared here from the field numbers; the OpenTelemetry transformer's response deserialisers).
import { randomBytes } from 'node:crypto';
import {
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import protobuf from 'protobufjs';
import { span, tracesRequest } from './genai-otlp';

/** An answer: status, headers, raw body. */
export interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** POSTs `body` to `url` with `headers`; resolves with the whole answer. */
export async function post(
  url: string,
  body: Uint8Array | string,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', body, headers });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

const statusType = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(statusType);

/** Returns the google.rpc.Status of an error answer, decoded as its Content-Type says. */
export function statusOf(answer: Answer): { code: number; message: string } {
  const type = answer.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    return JSON.parse(answer.body.toString('utf8')) as { code: number; message: string };
  }
  expect(type).toBe('application/x-protobuf');
  const decoded = statusType.toObject(statusType.decode(answer.body), { defaults: true });
  return decoded as { code: number; message: string };
}

/** A partial_success as the OpenTelemetry transformer reads it (counts as numbers). */
export interface Partial {
  rejected: number;
  errorMessage: string;
}

/** Returns the partial_success of a protobuf export response, or undefined when absent. */
export function partialOf(
  signal: 'traces' | 'logs' | 'metrics',
  body: Buffer,
): Partial | undefined {
  if (signal === 'traces') {
    const p = ProtobufTraceSerializer.deserializeResponse(body).partialSuccess;
    return p == null
      ? undefined
      : { rejected: Number(p.rejectedSpans ?? 0), errorMessage: p.errorMessage ?? '' };
  }
  if (signal === 'logs') {
    const p = ProtobufLogsSerializer.deserializeResponse(body).partialSuccess;
    return p == null
      ? undefined
      : { rejected: Number(p.rejectedLogRecords ?? 0), errorMessage: p.errorMessage ?? '' };
  }
  const p = ProtobufMetricsSerializer.deserializeResponse(body).partialSuccess;
  return p == null
    ? undefined
    : { rejected: Number(p.rejectedDataPoints ?? 0), errorMessage: p.errorMessage ?? '' };
}

/** Returns a random hex id of `bytes` bytes. */
export const randomId = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Returns an OTLP/JSON ExportTraceServiceRequest of `n` GenAI spans of `model` in one fresh
 * trace, each with tokens, TTFT and an accuracy evaluation event; `traceId` tells which.
 */
export function genaiTraces(
  n: number,
  model: string,
  nowMs = Date.now(),
): { traceId: string; request: unknown } {
  const traceId = randomId(16);
  const spans = Array.from({ length: n }, (_, i) =>
    span({
      traceId,
      spanId: randomId(8),
      startMs: nowMs - 1_000 - i,
      durationMs: 100 + i,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': 10 + i,
        'gen_ai.usage.output_tokens': 20 + i,
        'gen_ai.response.time_to_first_chunk': 0.025,
      },
      events: [
        {
          name: 'gen_ai.evaluation.result',
          attributes: {
            'gen_ai.evaluation.name': 'accuracy',
            'gen_ai.evaluation.score.value': 0.5,
          },
        },
      ],
    }),
  );
  return { traceId, request: tracesRequest(spans) };
}
