// The decoded shape of OTLP export requests: the protobufjs message objects of schema.ts, for
// protobuf and JSON bodies alike. Field names are the lowerCamelCase OTLP names. Absent scalar
// fields read as their proto3 default (from the message prototype); absent messages read null.
// 64-bit integers are Long objects (numbers only if the `long` package were missing); bytes are
// Buffers (an absent bytes field reads as an empty array). For a oneof (AnyValue, the value of a
// number data point, Metric.data) the getter named after the oneof returns the member that is
// set; see anyValueKind for the fast path.
import type { Long } from 'protobufjs';

/** The OTLP signals. */
export type Signal = 'traces' | 'logs' | 'metrics';

/** The OTLP/HTTP body encodings. */
export type Encoding = 'protobuf' | 'json';

/** A decoded 64-bit integer. */
export type Int64 = Long | number;

/** A byte string as decoded (Buffer, or an empty array when absent). */
export type Bytes = Uint8Array | readonly number[];

/** common.v1.AnyValue; `value` names the member that is set. */
export interface AnyValue {
  readonly value?:
    | 'stringValue'
    | 'boolValue'
    | 'intValue'
    | 'doubleValue'
    | 'arrayValue'
    | 'kvlistValue'
    | 'bytesValue';
  stringValue: string;
  boolValue: boolean;
  intValue: Int64;
  doubleValue: number;
  arrayValue: ArrayValue | null;
  kvlistValue: KeyValueList | null;
  bytesValue: Bytes;
}

/** common.v1.ArrayValue. */
export interface ArrayValue {
  values: AnyValue[];
}

/** common.v1.KeyValueList. */
export interface KeyValueList {
  values: KeyValue[];
}

/** common.v1.KeyValue. */
export interface KeyValue {
  key: string;
  value: AnyValue | null;
}

/** common.v1.InstrumentationScope. */
export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

/** resource.v1.Resource. */
export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

/** trace.v1.Status (code: 0 unset, 1 ok, 2 error). */
export interface SpanStatus {
  message: string;
  code: number;
}

/** trace.v1.Span.Event. */
export interface SpanEvent {
  timeUnixNano: Int64;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

/** trace.v1.Span.Link. */
export interface SpanLink {
  traceId: Bytes;
  spanId: Bytes;
  traceState: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
}

/** trace.v1.Span. */
export interface Span {
  traceId: Bytes;
  spanId: Bytes;
  traceState: string;
  parentSpanId: Bytes;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus | null;
}

/** trace.v1.ScopeSpans. */
export interface ScopeSpans {
  scope: InstrumentationScope | null;
  spans: Span[];
  schemaUrl: string;
}

/** trace.v1.ResourceSpans. */
export interface ResourceSpans {
  resource: Resource | null;
  scopeSpans: ScopeSpans[];
  schemaUrl: string;
}

/** logs.v1.LogRecord. */
export interface LogRecord {
  timeUnixNano: Int64;
  observedTimeUnixNano: Int64;
  severityNumber: number;
  severityText: string;
  body: AnyValue | null;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Bytes;
  spanId: Bytes;
  eventName: string;
}

/** logs.v1.ScopeLogs. */
export interface ScopeLogs {
  scope: InstrumentationScope | null;
  logRecords: LogRecord[];
  schemaUrl: string;
}

/** logs.v1.ResourceLogs. */
export interface ResourceLogs {
  resource: Resource | null;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
}

/** metrics.v1.NumberDataPoint; `value` names the member set (asDouble or asInt). */
export interface NumberDataPoint {
  readonly value?: 'asDouble' | 'asInt';
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  asDouble: number;
  asInt: Int64;
  flags: number;
}

/** metrics.v1.HistogramDataPoint (sum, min, max: null when absent). */
export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  count: Int64;
  sum: number | null;
  bucketCounts: Int64[];
  explicitBounds: number[];
  flags: number;
  min: number | null;
  max: number | null;
}

/** metrics.v1.ExponentialHistogramDataPoint.Buckets. */
export interface ExponentialBuckets {
  offset: number;
  bucketCounts: Int64[];
}

/** metrics.v1.ExponentialHistogramDataPoint (sum, min, max: null when absent). */
export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  count: Int64;
  sum: number | null;
  scale: number;
  zeroCount: Int64;
  positive: ExponentialBuckets | null;
  negative: ExponentialBuckets | null;
  flags: number;
  min: number | null;
  max: number | null;
  zeroThreshold: number;
}

/** metrics.v1.SummaryDataPoint.ValueAtQuantile. */
export interface ValueAtQuantile {
  quantile: number;
  value: number;
}

/** metrics.v1.SummaryDataPoint. */
export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  count: Int64;
  sum: number;
  quantileValues: ValueAtQuantile[];
  flags: number;
}

/** metrics.v1.Metric; `data` names the member set. */
export interface Metric {
  readonly data?: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
  name: string;
  description: string;
  unit: string;
  gauge: { dataPoints: NumberDataPoint[] } | null;
  sum: {
    dataPoints: NumberDataPoint[];
    aggregationTemporality: number;
    isMonotonic: boolean;
  } | null;
  histogram: { dataPoints: HistogramDataPoint[]; aggregationTemporality: number } | null;
  exponentialHistogram: {
    dataPoints: ExponentialHistogramDataPoint[];
    aggregationTemporality: number;
  } | null;
  summary: { dataPoints: SummaryDataPoint[] } | null;
}

/** metrics.v1.ScopeMetrics. */
export interface ScopeMetrics {
  scope: InstrumentationScope | null;
  metrics: Metric[];
  schemaUrl: string;
}

/** metrics.v1.ResourceMetrics. */
export interface ResourceMetrics {
  resource: Resource | null;
  scopeMetrics: ScopeMetrics[];
  schemaUrl: string;
}

/** A decoded ExportTraceServiceRequest. */
export interface TracesExport {
  signal: 'traces';
  resourceSpans: ResourceSpans[];
}

/** A decoded ExportLogsServiceRequest. */
export interface LogsExport {
  signal: 'logs';
  resourceLogs: ResourceLogs[];
}

/** A decoded ExportMetricsServiceRequest. */
export interface MetricsExport {
  signal: 'metrics';
  resourceMetrics: ResourceMetrics[];
}

/** A decoded OTLP export request of any signal, tagged with its signal. */
export type OtlpExport = TracesExport | LogsExport | MetricsExport;
