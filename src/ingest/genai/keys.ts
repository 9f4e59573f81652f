// Every attribute key and event name the mapping reads (docs/telemetry.md documents each one).
// GenAI semantic conventions first, deprecated names next to their successors; what the
// conventions lack lives under insightagent.*.

/** Attribute keys read from spans, span events, log records, metric points and resources. */
export const KEY = {
  // GenAI semantic conventions
  operation: 'gen_ai.operation.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  providerName: 'gen_ai.provider.name',
  system: 'gen_ai.system', // deprecated for gen_ai.provider.name
  responseId: 'gen_ai.response.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  promptTokens: 'gen_ai.usage.prompt_tokens', // deprecated for input_tokens
  completionTokens: 'gen_ai.usage.completion_tokens', // deprecated for output_tokens
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  serverTimeToFirstToken: 'gen_ai.server.time_to_first_token',
  evaluationName: 'gen_ai.evaluation.name',
  scoreValue: 'gen_ai.evaluation.score.value',
  scoreLabel: 'gen_ai.evaluation.score.label',
  explanation: 'gen_ai.evaluation.explanation',
  evaluator: 'gen_ai.evaluation.evaluator', // not (yet) in the conventions
  errorType: 'error.type',
  eventName: 'event.name',
  // resource
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  // InsightAgent extensions
  modelVersion: 'insightagent.model.version',
  requestType: 'insightagent.request.type',
  queueDuration: 'insightagent.queue.duration',
  batchSize: 'insightagent.batch.size',
  cacheHit: 'insightagent.cache.hit',
  // Kept in `attributes`; read by the insight report (prompt repeats, cache answers by version).
  promptHash: 'insightagent.prompt.hash',
  cacheModelVersion: 'insightagent.cache.model_version',
  evaluatorExt: 'insightagent.evaluation.evaluator',
} as const;

/** Prefix of drift features: insightagent.feature.<name>. */
export const FEATURE_PREFIX = 'insightagent.feature.';

/** Prefix of inline scores on an inference span: insightagent.score.<name>. */
export const SCORE_PREFIX = 'insightagent.score.';

/** The event (span event or log record) that carries a score. */
export const EVALUATION_EVENT = 'gen_ai.evaluation.result';

/** The span event whose time marks the first token. */
export const FIRST_TOKEN_EVENT = 'gen_ai.first_token';

/** error_type when a span ended in error without error.type (semantic conventions: _OTHER). */
export const OTHER_ERROR = '_OTHER';
