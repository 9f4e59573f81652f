// One finished sidecar request → the attributes of its span and its metric points. Pure: the keys
// are the ones the ingest reads (src/ingest/genai/keys.ts, docs/telemetry.md), in the units it
// expects (durations in seconds), so a sidecar span lands in inference_requests column by column.
import { KEY } from '../ingest/genai/keys';
import type { SidecarRequestRecord } from './request-record';

/** A span or metric attribute value as the OpenTelemetry API takes it. */
export type AttributeValue = string | number | boolean;

/** Attributes keyed by their semantic-convention name. */
export type SidecarAttributes = Record<string, AttributeValue>;

/** GenAI semantic-convention model-server metrics the sidecar records (histograms, seconds). */
export const METRIC = {
  requestDuration: 'gen_ai.server.request.duration',
  timeToFirstToken: 'gen_ai.server.time_to_first_token',
} as const;

export type SidecarMetricName = (typeof METRIC)[keyof typeof METRIC];

/** The conventions' ExplicitBucketBoundaries (semantic-conventions docs/gen-ai/gen-ai-metrics.md). */
export const BUCKETS: Record<SidecarMetricName, readonly number[]> = {
  [METRIC.requestDuration]: [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
  ],
  [METRIC.timeToFirstToken]: [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
  ],
};

/** One value to record on a histogram, with its point attributes. */
export interface MetricPoint {
  name: SidecarMetricName;
  /** Seconds. */
  value: number;
  attributes: SidecarAttributes;
}

/** The outcome of a request served without error. */
export const OK_OUTCOME = 'ok';

/**
 * Returns the gen_ai.provider.name of a record: `provider` when given, else what the operation
 * implies — `infer` only comes from the KServe v2 backend, the others from an OpenAI-compatible one
 * (the conventions ask for the API flavour, not who trained the model).
 */
export function providerOf(record: SidecarRequestRecord, provider?: string): string {
  if (provider !== undefined && provider !== '') return provider;
  return record.operation === 'infer' ? 'kserve' : 'openai';
}

/** Returns the span name the GenAI conventions ask for: `{operation} {model}`. */
export function spanName(record: SidecarRequestRecord): string {
  return record.model === '' ? record.operation : `${record.operation} ${record.model}`;
}

/** Returns whether the request failed, i.e. its span status is ERROR and error.type is set. */
export function isError(record: SidecarRequestRecord): boolean {
  return record.outcome !== OK_OUTCOME;
}

/**
 * Returns the span attributes of a record: GenAI keys (operation, provider, models, the answer's
 * gen_ai.response.id, tokens, TTFT as gen_ai.response.time_to_first_chunk in seconds, error.type
 * when the outcome is not `ok`) and the insightagent.* keys the ingest maps to columns (queue
 * duration in seconds, batch size, cache hit, request type, model version). A null or empty value
 * leaves its key out.
 */
export function spanAttributes(record: SidecarRequestRecord, provider?: string): SidecarAttributes {
  const attributes: SidecarAttributes = {
    [KEY.operation]: record.operation,
    [KEY.providerName]: providerOf(record, provider),
    [KEY.requestModel]: record.model,
  };
  // Only an answered request has a model that responded.
  if (!isError(record)) attributes[KEY.responseModel] = record.model;
  if (record.responseId !== null && record.responseId !== '')
    attributes[KEY.responseId] = record.responseId;
  if (record.inputTokens !== null) attributes[KEY.inputTokens] = record.inputTokens;
  if (record.outputTokens !== null) attributes[KEY.outputTokens] = record.outputTokens;
  if (record.ttftMs !== null) attributes[KEY.timeToFirstChunk] = record.ttftMs / 1000;
  if (record.queueMs !== null) attributes[KEY.queueDuration] = record.queueMs / 1000;
  if (record.batchSize !== null) attributes[KEY.batchSize] = record.batchSize;
  attributes[KEY.cacheHit] = record.cacheHit;
  if (record.requestType !== '') attributes[KEY.requestType] = record.requestType;
  if (record.modelVersion !== '') attributes[KEY.modelVersion] = record.modelVersion;
  if (isError(record)) attributes[KEY.errorType] = record.outcome;
  return attributes;
}

/**
 * Returns the metric points of a record: gen_ai.server.request.duration always, and
 * gen_ai.server.time_to_first_token for a successful request with a first token (the conventions
 * define it for successful responses only). Point attributes are the conventions' (operation,
 * provider, request and response model, error.type) plus insightagent.model.version, so versions
 * compare side by side.
 */
export function metricPoints(record: SidecarRequestRecord, provider?: string): MetricPoint[] {
  const attributes: SidecarAttributes = {
    [KEY.operation]: record.operation,
    [KEY.providerName]: providerOf(record, provider),
    [KEY.requestModel]: record.model,
  };
  if (isError(record)) attributes[KEY.errorType] = record.outcome;
  else attributes[KEY.responseModel] = record.model;
  if (record.modelVersion !== '') attributes[KEY.modelVersion] = record.modelVersion;
  const points: MetricPoint[] = [
    {
      name: METRIC.requestDuration,
      value: Math.max(record.endMs - record.startMs, 0) / 1000,
      attributes,
    },
  ];
  if (!isError(record) && record.ttftMs !== null) {
    points.push({ name: METRIC.timeToFirstToken, value: record.ttftMs / 1000, attributes });
  }
  return points;
}
