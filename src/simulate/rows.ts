// A simulated request as the store keeps it: the inference_requests row the sidecar's span would
// have become, the coherence score sent with it, and the correctness label that arrives later.
// Pure: what the backfill writes, and the reference the live targets are checked against.

import { KEY } from '../ingest/genai/keys';
import type { EvaluationRow, RequestRow } from '../ingest/rows';
import type { SimulatedOutcome } from './run';

/** An evaluations row without the columns the simulator leaves empty (they take defaults). */
export type ScoreRow = Omit<
  EvaluationRow,
  'response_id' | 'explanation' | 'attributes' | 'label'
> & {
  label?: string;
};

/** The service and provider names simulated requests carry. */
export const SIMULATED_SERVICE = 'insightagent-simulate';
export const SIMULATED_PROVIDER = 'insightagent';

/** The request's ids: 32 and 16 hex digits, unique per run (`runId`: 8 hex digits) and seq. */
export function simulatedIds(runId: string, seq: number): { traceId: string; spanId: string } {
  // seq + 1: an all-zero span id is invalid (W3C trace context), and feedback refuses it.
  const n = (seq + 1).toString(16);
  return { traceId: `${runId}${n.padStart(24, '0')}`, spanId: n.padStart(16, '0') };
}

/** Returns the DateTime64(6) text of epoch milliseconds (fractional ms kept to the microsecond). */
export function microsText(ms: number): string {
  const micros = Math.round(ms * 1000);
  const seconds = Math.floor(micros / 1_000_000);
  return `${seconds}.${String(micros - seconds * 1_000_000).padStart(6, '0')}`;
}

/**
 * Returns the rows of one outcome: its request row, and for a served request its coherence score
 * (at the answer) and its correctness label (when it arrives) if that is before `untilMs`.
 */
export function outcomeRows(
  outcome: SimulatedOutcome,
  runId: string,
  untilMs: number,
): { request: RequestRow; evaluations: ScoreRow[] } {
  const r = outcome.request;
  const { traceId, spanId } = simulatedIds(runId, r.seq);
  const ok = outcome.status === 'ok';
  const request: RequestRow = {
    ts: microsText(r.arrivalMs),
    model: r.model,
    model_version: r.modelVersion,
    provider: SIMULATED_PROVIDER,
    service: SIMULATED_SERVICE,
    operation: 'text_completion',
    request_type: r.requestType,
    trace_id: traceId,
    span_id: spanId,
    response_id: '',
    status: ok ? 'ok' : 'error',
    error_type: ok ? '' : outcome.status,
    latency_ms: outcome.latencyMs,
    ttft_ms: outcome.ttftMs,
    queue_ms: outcome.queueMs,
    batch_size: outcome.batchSize,
    input_tokens: r.inputTokens,
    output_tokens: outcome.outputTokens,
    cache_hit: null,
    features_num: r.featuresNum,
    features_cat: r.featuresCat,
    attributes: { [KEY.promptHash]: r.promptHash },
    resource_attributes: { 'service.name': SIMULATED_SERVICE },
  };
  const answer = outcome.answer;
  if (answer === null) return { request, evaluations: [] };
  // Empty columns are left out: the insert fills their defaults ('' and {}), and a day's
  // backfill encodes ~1.7 million of these rows.
  const score = (ms: number, name: string, value: number, label: string): ScoreRow => ({
    ts: microsText(ms),
    model: r.model,
    model_version: r.modelVersion,
    trace_id: traceId,
    span_id: spanId,
    name,
    value,
    ...(label === '' ? {} : { label }),
    evaluator: SIMULATED_SERVICE,
  });
  const evaluations = [score(outcome.endMs, 'coherence', answer.coherence, '')];
  const labelAt = outcome.endMs + answer.labelDelayMs;
  if (labelAt < untilMs)
    evaluations.push(
      score(labelAt, 'accuracy', answer.correct ? 1 : 0, answer.correct ? 'correct' : 'incorrect'),
    );
  return { request, evaluations };
}
