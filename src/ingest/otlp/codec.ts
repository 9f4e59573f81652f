// OTLP/HTTP bodies in and out: export requests decoded (protobuf through the protobufjs generated
// decoders; JSON normalised, then built with fromObject — one message shape for both), export
// responses with partial_success, and google.rpc.Status error bodies.
import type protobuf from 'protobufjs';
import { errorMessage } from '../../errors';
import { OtlpDecodeError } from './decode-error';
import { normaliseJson } from './json';
import { OtlpReader } from './reader';
import { SERVICES, STATUS_TYPE } from './schema';
import type { Encoding, OtlpExport, Signal } from './types';

const REQUEST_NAMES: Readonly<Record<Signal, string>> = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
};

function asBuffer(body: Uint8Array): Buffer {
  // A Buffer makes protobufjs use its BufferReader: bytes fields come out as Buffer views.
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function parseJsonBody(signal: Signal, body: Buffer): unknown {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON ${REQUEST_NAMES[signal]}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

function fromJson(signal: Signal, json: unknown): protobuf.Message {
  const { request } = SERVICES[signal];
  try {
    return request.fromObject(normaliseJson(request, json, REQUEST_NAMES[signal]));
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw err;
    throw new OtlpDecodeError(`invalid OTLP/JSON ${REQUEST_NAMES[signal]}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

function decodeMessage(signal: Signal, encoding: Encoding, body: Uint8Array): unknown {
  const { request } = SERVICES[signal];
  const buffer = asBuffer(body);
  if (encoding === 'json') {
    return fromJson(signal, parseJsonBody(signal, buffer));
  }
  try {
    return request.decode(new OtlpReader(buffer));
  } catch (err) {
    throw new OtlpDecodeError(`invalid protobuf ${REQUEST_NAMES[signal]}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/**
 * Returns the decoded export request of `signal` in `encoding`; an empty body is an empty
 * request. Throws OtlpDecodeError (400) naming what is wrong with a body that does not decode.
 */
export function decodeExport(signal: Signal, encoding: Encoding, body: Uint8Array): OtlpExport {
  const message = decodeMessage(signal, encoding, body) as Record<string, unknown>;
  switch (signal) {
    case 'traces':
      return { signal, resourceSpans: message.resourceSpans as never };
    case 'logs':
      return { signal, resourceLogs: message.resourceLogs as never };
    case 'metrics':
      return { signal, resourceMetrics: message.resourceMetrics as never };
  }
}

/**
 * Returns the protobuf or JSON body of an export request given in its OTLP/JSON shape (hex ids,
 * lowerCamelCase keys). For tests, benchmarks and tools that play an OTLP sender.
 */
export function encodeExportRequest(signal: Signal, encoding: Encoding, json: unknown): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify(json));
  const { request } = SERVICES[signal];
  return asBuffer(request.encode(fromJson(signal, json)).finish());
}

/**
 * Returns the Export{Trace,Logs,Metrics}ServiceResponse body; partial_success is present only
 * when `partial` is given. JSON uses lowerCamelCase keys and int64 as a decimal string.
 */
export function encodeExportResponse(
  signal: Signal,
  encoding: Encoding,
  partial?: { rejected: number; errorMessage: string },
): Buffer {
  const service = SERVICES[signal];
  if (encoding === 'json') {
    const body =
      partial === undefined
        ? {}
        : {
            partialSuccess: {
              [service.rejectedField]: String(Math.trunc(partial.rejected)),
              errorMessage: partial.errorMessage,
            },
          };
    return Buffer.from(JSON.stringify(body));
  }
  const message =
    partial === undefined
      ? service.response.create({})
      : service.response.create({
          partialSuccess: service.partialSuccess.create({
            [service.rejectedField]: Math.trunc(partial.rejected),
            errorMessage: partial.errorMessage,
          }),
        });
  return asBuffer(service.response.encode(message).finish());
}

/** Returns a google.rpc.Status body {code, message} in the request's encoding. */
export function encodeStatus(encoding: Encoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return asBuffer(STATUS_TYPE.encode(STATUS_TYPE.create({ code, message })).finish());
}

/** Returns the number of items in a decoded request: spans, log records or data points. */
export function countItems(request: OtlpExport): number {
  let n = 0;
  switch (request.signal) {
    case 'traces':
      for (const rs of request.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
      return n;
    case 'logs':
      for (const rl of request.resourceLogs) {
        for (const sl of rl.scopeLogs) n += sl.logRecords.length;
      }
      return n;
    case 'metrics':
      for (const rm of request.resourceMetrics) {
        for (const sm of rm.scopeMetrics) {
          for (const metric of sm.metrics) n += dataPointCount(metric);
        }
      }
      return n;
  }
}

function dataPointCount(metric: {
  gauge: { dataPoints: unknown[] } | null;
  sum: { dataPoints: unknown[] } | null;
  histogram: { dataPoints: unknown[] } | null;
  exponentialHistogram: { dataPoints: unknown[] } | null;
  summary: { dataPoints: unknown[] } | null;
}): number {
  const data =
    metric.gauge ?? metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
  return data?.dataPoints.length ?? 0;
}
