// Traces → inference_requests rows for inference spans, evaluations (or pending_evaluations) for
// their gen_ai.evaluation.result events and insightagent.score.* attributes. Spans that are not
// GenAI (no request key, no evaluation event) are ignored.
import { type Span, type SpanEvent, type TracesExport, toBigInt, toHex } from '../otlp';
import { type EvaluationRow, unixMicros } from '../rows';
import { type ResourceInfo, resourceInfo } from './attributes';
import { checkTime, isoTime } from './checks';
import type { MapContext } from './context';
import { EVALUATION_EVENT, SCORE_PREFIX } from './keys';
import { readRequestSpan, spanIdProblem } from './request-span';
import {
  checkScore,
  type EvaluationEvent,
  evaluationRow,
  inlineScore,
  readEvaluation,
  type ScoreLink,
} from './scores';

const IGNORED = 0;
const REQUEST = 1;
const EVALUATIONS_ONLY = 2;

function spanRole(span: Span, requestKeys: ReadonlySet<string>): number {
  for (const kv of span.attributes) if (requestKeys.has(kv.key)) return REQUEST;
  for (const event of span.events) if (event.name === EVALUATION_EVENT) return EVALUATIONS_ONLY;
  return IGNORED;
}

/** Maps every span of a traces request into ctx.rows; refused spans are recorded in ctx.problems. */
export function mapTraces(request: TracesExport, ctx: MapContext): void {
  for (const resourceSpans of request.resourceSpans) {
    let resource: ResourceInfo | undefined;
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const role = spanRole(span, ctx.requestKeys);
        if (role === IGNORED) continue;
        resource ??= resourceInfo(resourceSpans.resource);
        if (role === REQUEST) mapRequestSpan(span, resource, ctx);
        else mapEvaluationSpan(span, resource, ctx);
      }
    }
  }
}

function mapRequestSpan(span: Span, resource: ResourceInfo, ctx: MapContext): void {
  const read = readRequestSpan(span, resource, ctx.window);
  if ('reason' in read) {
    ctx.problems.refuse(read.reason, read.example);
    return;
  }
  const { row } = read;
  ctx.rows.inference_requests.push(row);
  const link: ScoreLink = {
    model: row.model,
    modelVersion: row.model_version,
    traceId: row.trace_id,
    spanId: row.span_id,
    responseId: row.response_id,
  };
  for (const kv of read.inlineScores ?? []) {
    const score = inlineScore(kv.key.slice(SCORE_PREFIX.length), kv);
    addScore(score, read.startNanos, link, ctx.rows.evaluations, ctx);
  }
  for (const event of span.events) {
    if (event.name !== EVALUATION_EVENT) continue;
    const score = readEvaluation(event.attributes);
    const responseId = score.responseId !== '' ? score.responseId : link.responseId;
    const at = eventTime(event, read.endNanos);
    addScore(score, at, { ...link, responseId }, ctx.rows.evaluations, ctx);
  }
}

// A span that is not a request but carries evaluation events (an evaluator's span): the scores
// belong to the request it evaluated — the one named by gen_ai.response.id when given, else its
// parent span. With a model named on the event or the span they go to evaluations, else to
// pending_evaluations for that request to claim later (attribution matches trace and span ids
// when both are set, else the response id).
function mapEvaluationSpan(span: Span, resource: ResourceInfo, ctx: MapContext): void {
  const idRefusal = spanIdProblem(span);
  if (idRefusal !== undefined) {
    ctx.problems.refuse(idRefusal.reason);
    return;
  }
  const spanFacts = readEvaluation(span.attributes);
  const endNanos = toBigInt(span.endTimeUnixNano);
  const traceId = toHex(span.traceId);
  const parentId = toHex(span.parentSpanId);
  const evaluated = parentId !== '' ? parentId : toHex(span.spanId);
  for (const event of span.events) {
    if (event.name !== EVALUATION_EVENT) continue;
    const score = readEvaluation(event.attributes);
    const model = score.model !== '' ? score.model : spanFacts.model;
    const version = score.modelVersion !== '' ? score.modelVersion : spanFacts.modelVersion;
    const responseId = score.responseId !== '' ? score.responseId : spanFacts.responseId;
    const link: ScoreLink = {
      model,
      modelVersion: model === '' ? '' : version !== '' ? version : resource.serviceVersion,
      traceId: responseId !== '' ? '' : traceId,
      spanId: responseId !== '' ? '' : evaluated,
      responseId,
    };
    const target = model === '' ? ctx.rows.pending_evaluations : ctx.rows.evaluations;
    addScore(score, eventTime(event, endNanos), link, target, ctx);
  }
}

function eventTime(event: SpanEvent, fallback: bigint): bigint {
  const t = toBigInt(event.timeUnixNano);
  return t === 0n ? fallback : t;
}

// A score on a span that is kept: a bad one is dropped and reported, never refusing the span.
function addScore(
  score: EvaluationEvent,
  at: bigint,
  link: ScoreLink,
  target: EvaluationRow[],
  ctx: MapContext,
): void {
  const timeReason = checkTime(at, 'evaluation time', ctx.window);
  if (timeReason !== undefined) {
    ctx.problems.dropScore(timeReason, isoTime(at));
    return;
  }
  const problem = checkScore(score.name, score.value, score.rawValue, ctx.options.scoreRanges);
  if (problem !== undefined) {
    ctx.problems.dropScore(problem.reason, problem.example);
    return;
  }
  target.push(evaluationRow(unixMicros(at), score, link));
}
