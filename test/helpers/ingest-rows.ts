// Rows as the mapping produces them, for writer and repository tests.
import { randomBytes } from 'node:crypto';
import {
  type EvaluationRow,
  emptyRows,
  type RequestRow,
  type TableRows,
  unixMicros,
} from '../../src/ingest/rows';

/** Returns an inference_requests row with fresh ids at `at` (default now). */
export function requestRow(overrides: Partial<RequestRow> = {}, at = new Date()): RequestRow {
  return {
    ts: unixMicros(BigInt(at.getTime()) * 1_000_000n),
    model: 'chimera',
    model_version: 'v1',
    provider: 'insightagent',
    service: 'chat',
    operation: 'chat',
    request_type: 'chat',
    trace_id: randomBytes(16).toString('hex'),
    span_id: randomBytes(8).toString('hex'),
    response_id: '',
    status: 'ok',
    error_type: '',
    latency_ms: 120.5,
    ttft_ms: 30.25,
    queue_ms: null,
    batch_size: 4,
    input_tokens: 100,
    output_tokens: 200,
    cache_hit: null,
    features_num: { length: 12 },
    features_cat: { region: 'eu' },
    attributes: {},
    resource_attributes: { 'service.name': 'chat' },
    ...overrides,
  };
}

/** Returns an evaluation of `request` named `name` with `value`. */
export function evaluationRow(request: RequestRow, name: string, value: number): EvaluationRow {
  return {
    ts: request.ts,
    model: request.model,
    model_version: request.model_version,
    trace_id: request.trace_id,
    span_id: request.span_id,
    response_id: request.response_id,
    name,
    value,
    label: '',
    explanation: '',
    evaluator: 'test',
    attributes: {},
  };
}

/** Returns `n` requests, each with an accuracy score: what one small OTLP request maps to. */
export function requestsWithScores(n: number): TableRows {
  const rows = emptyRows();
  for (let i = 0; i < n; i++) {
    const request = requestRow();
    rows.inference_requests.push(request);
    rows.evaluations.push(evaluationRow(request, 'accuracy', 0.9));
  }
  return rows;
}
