// Logs → scores: every gen_ai.evaluation.result log record (event_name, or an event.name
// attribute) is one item; other log records are ignored. A record naming its model goes to
// evaluations; one linked only by ids or gen_ai.response.id goes to pending_evaluations.
import { anyValueToString, type LogRecord, type LogsExport, toBigInt, toHex } from '../otlp';
import { unixMicros } from '../rows';
import { type ResourceInfo, resourceInfo } from './attributes';
import { checkId, checkTime, isoTime } from './checks';
import type { MapContext } from './context';
import { EVALUATION_EVENT, KEY } from './keys';
import { checkScore, evaluationRow, readEvaluation } from './scores';

/** Returns whether a log record is a gen_ai.evaluation.result event. */
export function isEvaluationRecord(record: LogRecord): boolean {
  if (record.eventName !== '') return record.eventName === EVALUATION_EVENT;
  for (const kv of record.attributes) {
    if (kv.key === KEY.eventName) return anyValueToString(kv.value) === EVALUATION_EVENT;
  }
  return false;
}

/** Maps every evaluation log record of a logs request into ctx.rows; refusals go to ctx.problems. */
export function mapLogs(request: LogsExport, ctx: MapContext): void {
  for (const resourceLogs of request.resourceLogs) {
    let resource: ResourceInfo | undefined;
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) {
        if (!isEvaluationRecord(record)) continue;
        resource ??= resourceInfo(resourceLogs.resource);
        mapEvaluationRecord(record, resource, ctx);
      }
    }
  }
}

function mapEvaluationRecord(record: LogRecord, resource: ResourceInfo, ctx: MapContext): void {
  const { problems, window } = ctx;
  const idReason =
    checkId(record.traceId, 16, 'trace_id', true) ?? checkId(record.spanId, 8, 'span_id', true);
  if (idReason !== undefined) {
    problems.refuse(idReason);
    return;
  }
  // The event time, else when the collector observed it, else now (a score sent without time).
  let at = toBigInt(record.timeUnixNano);
  if (at === 0n) at = toBigInt(record.observedTimeUnixNano);
  if (at === 0n) at = window.nowNanos;
  const timeReason = checkTime(at, 'time', window);
  if (timeReason !== undefined) {
    problems.refuse(timeReason, isoTime(at));
    return;
  }
  const score = readEvaluation(record.attributes);
  const scoreProblem = checkScore(score.name, score.value, score.rawValue, ctx.options.scoreRanges);
  if (scoreProblem !== undefined) {
    problems.refuse(scoreProblem.reason, scoreProblem.example);
    return;
  }
  const traceId = toHex(record.traceId);
  const spanId = toHex(record.spanId);
  const linked = (traceId !== '' && spanId !== '') || score.responseId !== '';
  if (score.model === '' && !linked) {
    problems.refuse('evaluation names no model, span ids or gen_ai.response.id');
    return;
  }
  const known = score.model !== '';
  const version = score.modelVersion !== '' ? score.modelVersion : resource.serviceVersion;
  const row = evaluationRow(unixMicros(at), score, {
    model: score.model,
    modelVersion: known ? version : '',
    traceId,
    spanId,
    responseId: score.responseId,
  });
  (known ? ctx.rows.evaluations : ctx.rows.pending_evaluations).push(row);
}
