// Scores: gen_ai.evaluation.result events (span events and log records) and insightagent.score.*
// span attributes, read, checked against their range, and turned into evaluation rows.
import { anyValueNumber, anyValueToString, type KeyValue } from '../otlp';
import type { EvaluationRow } from '../rows';
import { setEntry } from './attributes';
import { KEY } from './keys';
import type { ScoreRange } from './options';

/** A gen_ai.evaluation.result event, read from its attributes. */
export interface EvaluationEvent {
  name: string;
  /** The score; null when absent (label-only), NaN when present but not a number. */
  value: number | null;
  /** The text of a score.value that is not a number (for the reason), else ''. */
  rawValue: string;
  label: string;
  explanation: string;
  evaluator: string;
  responseId: string;
  /** gen_ai.request.model, else gen_ai.response.model; '' when neither. */
  model: string;
  /** insightagent.model.version; '' when absent. */
  modelVersion: string;
  /** Every other attribute, as text. */
  attributes: Record<string, string>;
}

/** Returns the fields of a gen_ai.evaluation.result event from its attributes. */
export function readEvaluation(attributes: readonly KeyValue[]): EvaluationEvent {
  const event: EvaluationEvent = {
    name: '',
    value: null,
    rawValue: '',
    label: '',
    explanation: '',
    evaluator: '',
    responseId: '',
    model: '',
    modelVersion: '',
    attributes: {},
  };
  let requestModel = '';
  let responseModel = '';
  let evaluatorExt = '';
  for (const kv of attributes) {
    const v = kv.value;
    switch (kv.key) {
      case KEY.evaluationName:
        event.name = anyValueToString(v);
        break;
      case KEY.scoreValue: {
        const n = anyValueNumber(v);
        event.value = n ?? Number.NaN;
        event.rawValue = n === undefined ? anyValueToString(v) : '';
        break;
      }
      case KEY.scoreLabel:
        event.label = anyValueToString(v);
        break;
      case KEY.explanation:
        event.explanation = anyValueToString(v);
        break;
      case KEY.evaluator:
        event.evaluator = anyValueToString(v);
        break;
      case KEY.evaluatorExt:
        evaluatorExt = anyValueToString(v);
        break;
      case KEY.responseId:
        event.responseId = anyValueToString(v);
        break;
      case KEY.requestModel:
        requestModel = anyValueToString(v);
        break;
      case KEY.responseModel:
        responseModel = anyValueToString(v);
        break;
      case KEY.modelVersion:
        event.modelVersion = anyValueToString(v);
        break;
      case KEY.eventName:
        break;
      default:
        setEntry(event.attributes, kv.key, anyValueToString(v));
    }
  }
  event.model = requestModel !== '' ? requestModel : responseModel;
  if (event.evaluator === '') event.evaluator = evaluatorExt;
  return event;
}

/** Why a score is refused, with the offending value as an example. */
export interface ScoreProblem {
  reason: string;
  example?: string;
}

/**
 * Returns why a score is refused — no name, a value that is not a number, NaN or ±Infinity, or
 * outside the range configured for its name (names without a range are unchecked) — or
 * undefined when it is acceptable.
 */
export function checkScore(
  name: string,
  value: number | null,
  rawValue: string,
  ranges: Readonly<Record<string, ScoreRange>>,
): ScoreProblem | undefined {
  if (name === '') return { reason: `${KEY.evaluationName} missing` };
  if (value === null) return undefined;
  if (Number.isNaN(value) && rawValue !== '') {
    return { reason: `${name} score is not a number`, example: JSON.stringify(rawValue) };
  }
  if (!Number.isFinite(value))
    return { reason: `${name} score not finite`, example: String(value) };
  const range = Object.hasOwn(ranges, name) ? ranges[name] : undefined;
  if (range !== undefined && (value < range.min || value > range.max)) {
    return { reason: `${name} outside [${range.min}, ${range.max}]`, example: String(value) };
  }
  return undefined;
}

/** The request a score belongs to, as far as it is known. */
export interface ScoreLink {
  model: string;
  modelVersion: string;
  traceId: string;
  spanId: string;
  responseId: string;
}

/** Returns the evaluation row of an event at `ts`, linked to `link`. */
export function evaluationRow(ts: string, event: EvaluationEvent, link: ScoreLink): EvaluationRow {
  return {
    ts,
    model: link.model,
    model_version: link.modelVersion,
    trace_id: link.traceId,
    span_id: link.spanId,
    response_id: link.responseId,
    name: event.name,
    value: event.value,
    label: event.label,
    explanation: event.explanation,
    evaluator: event.evaluator,
    attributes: event.attributes,
  };
}

/**
 * Returns an insightagent.score.<name> attribute as an evaluation event: numbers (and numeric
 * strings) are the value; any other value is the label.
 */
export function inlineScore(name: string, kv: KeyValue): EvaluationEvent {
  const n = anyValueNumber(kv.value);
  return {
    name,
    value: n ?? null,
    rawValue: '',
    label: n === undefined ? anyValueToString(kv.value) : '',
    explanation: '',
    evaluator: '',
    responseId: '',
    model: '',
    modelVersion: '',
    attributes: {},
  };
}
