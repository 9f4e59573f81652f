// The rows ingest writes, one interface per table, in the JSONEachRow shape ClickHouse reads.
// Column by column as in migrations/0001, 0002 and 0005; omitted columns take their defaults.
// Timestamps are DateTime64 text "<unix seconds>.<6 digits>" (see unixMicros): exact, where a
// float of seconds would lose the last microsecond digits.
import type { AppError } from '../errors';

/** One row of `inference_requests`. */
export interface RequestRow {
  ts: string;
  model: string;
  model_version: string;
  provider: string;
  service: string;
  operation: string;
  request_type: string;
  trace_id: string;
  span_id: string;
  response_id: string;
  status: 'unset' | 'ok' | 'error';
  error_type: string;
  latency_ms: number;
  ttft_ms: number | null;
  queue_ms: number | null;
  batch_size: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_hit: boolean | null;
  features_num: Record<string, number>;
  features_cat: Record<string, string>;
  attributes: Record<string, string>;
  resource_attributes: Record<string, string>;
}

/** One row of `evaluations`: a score (value) or a label, linked to its request by ids. */
export interface EvaluationRow {
  ts: string;
  model: string;
  model_version: string;
  trace_id: string;
  span_id: string;
  response_id: string;
  name: string;
  value: number | null;
  label: string;
  explanation: string;
  evaluator: string;
  attributes: Record<string, string>;
}

/** One row of `metric_points`: an OTLP data point as sent. */
export interface MetricPointRow {
  ts: string;
  start_ts: string | null;
  name: string;
  kind: 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
  unit: string;
  temporality: 'unspecified' | 'delta' | 'cumulative';
  is_monotonic: boolean;
  service: string;
  model: string;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucket_bounds: number[];
  bucket_counts: number[];
  scale: number | null;
  zero_count: number | null;
  positive_offset: number | null;
  positive_counts: number[];
  negative_offset: number | null;
  negative_counts: number[];
  quantiles: number[];
  quantile_values: number[];
  attributes: Record<string, string>;
  resource_attributes: Record<string, string>;
}

/**
 * Rows bound for each table; what one OTLP request (or one flush) writes. Evaluations whose
 * model is not known yet (a log record or feedback naming only ids) go to pending_evaluations
 * (model '') until their request arrives.
 */
export interface TableRows {
  inference_requests: RequestRow[];
  evaluations: EvaluationRow[];
  pending_evaluations: EvaluationRow[];
  metric_points: MetricPointRow[];
}

/** The tables ingest writes to. */
export type IngestTable = keyof TableRows;

/** The ingest tables in write order: requests before the scores that refer to them. */
export const INGEST_TABLES: readonly IngestTable[] = [
  'inference_requests',
  'evaluations',
  'pending_evaluations',
  'metric_points',
];

/** Returns an empty set of rows. */
export function emptyRows(): TableRows {
  return { inference_requests: [], evaluations: [], pending_evaluations: [], metric_points: [] };
}

/** Returns the DateTime64(6) text of a time in unix nanoseconds (bigint: exact). */
export function unixMicros(nanos: bigint): string {
  const micros = nanos / 1000n;
  const seconds = micros / 1_000_000n;
  const fraction = micros % 1_000_000n;
  return `${seconds}.${fraction.toString().padStart(6, '0')}`;
}

/**
 * Where accepted rows go. `write` resolves only once every row is committed to the store, and
 * rejects with an AppError carrying `retryAfterSeconds` (429 when saturated, 503 when the store
 * is failing) — so nothing is acknowledged before it is stored.
 */
export interface RowSink {
  write(rows: TableRows): Promise<void>;
  /** Returns the error every write would get now (intake closed), before a body is read. */
  refusal?(): AppError | undefined;
}
