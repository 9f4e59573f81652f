// A simulated outcome as the span an instrumented application would record for it: GenAI
// attributes, the insightagent.* keys, the drift features, and the coherence score as a
// gen_ai.evaluation.result event. Pure; the keys are the ones the ingest reads (docs/telemetry.md),
// chosen so the stored row is the one rows.ts's outcomeRows describes.
import { EVALUATION_EVENT, FEATURE_PREFIX, KEY } from '../../ingest/genai/keys';
import { SIMULATED_PROVIDER, SIMULATED_SERVICE } from '../rows';
import type { SimulatedOutcome } from '../run';

/** A span or event attribute value. */
export type SpanValue = string | number | boolean;

/** What to record for one outcome; times are epoch ms. */
export interface OutcomeSpan {
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, SpanValue>;
  /** error.type of a refused or timed-out request; undefined when served. */
  error?: string;
  events: { name: string; timeMs: number; attributes: Record<string, SpanValue> }[];
}

/** The operation simulated requests perform. */
export const SIMULATED_OPERATION = 'text_completion';

/** Returns the span of an outcome whose answer (when served) has id `responseId`. */
export function outcomeSpan(outcome: SimulatedOutcome, responseId: string): OutcomeSpan {
  const r = outcome.request;
  const attributes: Record<string, SpanValue> = {
    [KEY.operation]: SIMULATED_OPERATION,
    [KEY.requestModel]: r.model,
    [KEY.providerName]: SIMULATED_PROVIDER,
    [KEY.modelVersion]: r.modelVersion,
    [KEY.requestType]: r.requestType,
    [KEY.inputTokens]: r.inputTokens,
    [KEY.promptHash]: r.promptHash,
  };
  const ok = outcome.status === 'ok';
  if (ok) attributes[KEY.responseId] = responseId;
  // Absent values stay absent, as the sidecar leaves them out: the columns stay NULL.
  if (outcome.outputTokens !== null) attributes[KEY.outputTokens] = outcome.outputTokens;
  if (outcome.ttftMs !== null) attributes[KEY.timeToFirstChunk] = outcome.ttftMs / 1000;
  if (outcome.queueMs !== null) attributes[KEY.queueDuration] = outcome.queueMs / 1000;
  if (outcome.batchSize !== null) attributes[KEY.batchSize] = outcome.batchSize;
  for (const [name, value] of Object.entries(r.featuresNum))
    attributes[`${FEATURE_PREFIX}${name}`] = value;
  for (const [name, value] of Object.entries(r.featuresCat))
    attributes[`${FEATURE_PREFIX}${name}`] = value;
  if (!ok) attributes[KEY.errorType] = outcome.status;
  const endMs = r.arrivalMs + outcome.latencyMs;
  const span: OutcomeSpan = {
    name: `${SIMULATED_OPERATION} ${r.model}`,
    startMs: r.arrivalMs,
    endMs,
    attributes,
    events: [],
  };
  if (!ok) span.error = outcome.status;
  if (outcome.answer !== null)
    span.events.push({
      name: EVALUATION_EVENT,
      timeMs: outcome.endMs,
      attributes: {
        [KEY.evaluationName]: 'coherence',
        [KEY.scoreValue]: outcome.answer.coherence,
        [KEY.evaluator]: SIMULATED_SERVICE,
      },
    });
  return span;
}
