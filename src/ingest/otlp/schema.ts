// The OTLP message types, parsed once from the proto text in proto-*.ts into a private protobufjs
// Root (the global protobufjs configuration is left alone: other libraries share it).
import protobuf from 'protobufjs';
import {
  COMMON_PROTO,
  RESOURCE_PROTO,
  STATUS_PROTO,
  TRACE_PROTO,
  TRACE_SERVICE_PROTO,
} from './proto-common';
import {
  LOGS_PROTO,
  LOGS_SERVICE_PROTO,
  METRICS_PROTO,
  METRICS_SERVICE_PROTO,
} from './proto-logs-metrics';
import type { Signal } from './types';

function buildRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const text of [
    COMMON_PROTO,
    RESOURCE_PROTO,
    STATUS_PROTO,
    TRACE_PROTO,
    TRACE_SERVICE_PROTO,
    LOGS_PROTO,
    LOGS_SERVICE_PROTO,
    METRICS_PROTO,
    METRICS_SERVICE_PROTO,
  ]) {
    // keepCase false: field names become lowerCamelCase, which is also the OTLP/JSON key.
    protobuf.parse(text, root, { keepCase: false });
  }
  root.resolveAll();
  return root;
}

const root = buildRoot();

/** The request and response types of one OTLP export service. */
export interface ServiceTypes {
  request: protobuf.Type;
  response: protobuf.Type;
  partialSuccess: protobuf.Type;
  /** The partial_success counter field: rejectedSpans, rejectedLogRecords or rejectedDataPoints. */
  rejectedField: string;
}

const collector = 'opentelemetry.proto.collector';

/** The export service types per signal. */
export const SERVICES: Readonly<Record<Signal, ServiceTypes>> = {
  traces: {
    request: root.lookupType(`${collector}.trace.v1.ExportTraceServiceRequest`),
    response: root.lookupType(`${collector}.trace.v1.ExportTraceServiceResponse`),
    partialSuccess: root.lookupType(`${collector}.trace.v1.ExportTracePartialSuccess`),
    rejectedField: 'rejectedSpans',
  },
  logs: {
    request: root.lookupType(`${collector}.logs.v1.ExportLogsServiceRequest`),
    response: root.lookupType(`${collector}.logs.v1.ExportLogsServiceResponse`),
    partialSuccess: root.lookupType(`${collector}.logs.v1.ExportLogsPartialSuccess`),
    rejectedField: 'rejectedLogRecords',
  },
  metrics: {
    request: root.lookupType(`${collector}.metrics.v1.ExportMetricsServiceRequest`),
    response: root.lookupType(`${collector}.metrics.v1.ExportMetricsServiceResponse`),
    partialSuccess: root.lookupType(`${collector}.metrics.v1.ExportMetricsPartialSuccess`),
    rejectedField: 'rejectedDataPoints',
  },
};

/** The google.rpc.Status type (the body of 4xx/5xx OTLP answers). */
export const STATUS_TYPE: protobuf.Type = root.lookupType('google.rpc.Status');

/** Returns the OTLP type with this fully qualified name (tests and tools). */
export function otlpType(fullName: string): protobuf.Type {
  return root.lookupType(fullName);
}
