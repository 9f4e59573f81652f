// One inference span → one inference_requests row, in a single pass over its attributes, or the
// reason the span is refused.
import {
  anyValueBoolean,
  anyValueKind,
  anyValueNumber,
  anyValueToString,
  type KeyValue,
  type Span,
  toBigInt,
  toHex,
} from '../otlp';
import { type RequestRow, unixMicros } from '../rows';
import { type ResourceInfo, setEntry } from './attributes';
import { checkId, checkTime, isoTime, nanosToMs, type TimeWindow } from './checks';
import { FEATURE_PREFIX, FIRST_TOKEN_EVENT, KEY, OTHER_ERROR, SCORE_PREFIX } from './keys';

/** Why an item is refused, with the offending value as an example when there is one. */
export interface Refusal {
  reason: string;
  example?: string;
}

/** An inference span read: its row, start time and the insightagent.score.* attributes. */
export interface RequestSpan {
  row: RequestRow;
  startNanos: bigint;
  endNanos: bigint;
  inlineScores: KeyValue[] | undefined;
}

// The span attributes that fill columns, each with a slot in the per-span `found` array.
const S = {
  requestModel: 0,
  responseModel: 1,
  modelVersion: 2,
  providerName: 3,
  system: 4,
  operation: 5,
  requestType: 6,
  responseId: 7,
  errorType: 8,
  inputTokens: 9,
  outputTokens: 10,
  promptTokens: 11,
  completionTokens: 12,
  ttftChunk: 13,
  ttftServer: 14,
  queue: 15,
  batch: 16,
  cache: 17,
} as const;
const SLOT_COUNT = 18;
const SLOTS: ReadonlyMap<string, number> = new Map<string, number>([
  [KEY.requestModel, S.requestModel],
  [KEY.responseModel, S.responseModel],
  [KEY.modelVersion, S.modelVersion],
  [KEY.providerName, S.providerName],
  [KEY.system, S.system],
  [KEY.operation, S.operation],
  [KEY.requestType, S.requestType],
  [KEY.responseId, S.responseId],
  [KEY.errorType, S.errorType],
  [KEY.inputTokens, S.inputTokens],
  [KEY.outputTokens, S.outputTokens],
  [KEY.promptTokens, S.promptTokens],
  [KEY.completionTokens, S.completionTokens],
  [KEY.timeToFirstChunk, S.ttftChunk],
  [KEY.serverTimeToFirstToken, S.ttftServer],
  [KEY.queueDuration, S.queue],
  [KEY.batchSize, S.batch],
  [KEY.cacheHit, S.cache],
]);

const text = (kv: KeyValue | undefined): string =>
  kv === undefined ? '' : anyValueToString(kv.value);

const UINT16_MAX = 65_535;
const UINT32_MAX = 4_294_967_295;

/** Returns why a span's ids are refused: trace_id 16 bytes, span_id 8, parent_span_id 8 or none. */
export function spanIdProblem(span: Span): Refusal | undefined {
  const reason =
    checkId(span.traceId, 16, 'trace_id', false) ??
    checkId(span.spanId, 8, 'span_id', false) ??
    checkId(span.parentSpanId, 8, 'parent_span_id', true);
  return reason === undefined ? undefined : { reason };
}

function timeProblem(start: bigint, end: bigint, window: TimeWindow): Refusal | undefined {
  const startReason = checkTime(start, 'start time', window);
  if (startReason !== undefined) return { reason: startReason, example: isoTime(start) };
  if (end === 0n) return { reason: 'end time missing' };
  if (end < start) return { reason: 'end before start', example: `${nanosToMs(end - start)} ms` };
  const endReason = checkTime(end, 'end time', window);
  return endReason === undefined ? undefined : { reason: endReason, example: isoTime(end) };
}

// The first of `candidates` (new key before deprecated) that reads as a number; a candidate that
// does not read as a number stays in `attributes` as text.
function readNumber(
  attributes: Record<string, string>,
  ...candidates: (KeyValue | undefined)[]
): { key: string; n: number } | undefined {
  for (const kv of candidates) {
    if (kv === undefined) continue;
    const n = anyValueNumber(kv.value);
    if (n !== undefined) return { key: kv.key, n };
    setEntry(attributes, kv.key, anyValueToString(kv.value));
  }
  return undefined;
}

function durationProblem(key: string, seconds: number): Refusal | undefined {
  if (!Number.isFinite(seconds)) return { reason: `${key} not finite`, example: String(seconds) };
  if (seconds < 0) return { reason: `negative ${key}`, example: String(seconds) };
  return undefined;
}

function countProblem(key: string, n: number, max: number): Refusal | undefined {
  if (Number.isInteger(n) && n >= 0 && n <= max) return undefined;
  return { reason: `${key} must be an integer in [0, ${max}]`, example: String(n) };
}

function firstTokenMs(span: Span, start: bigint): number | Refusal | null {
  for (const event of span.events) {
    if (event.name !== FIRST_TOKEN_EVENT) continue;
    const t = toBigInt(event.timeUnixNano);
    if (t === 0n) continue;
    if (t < start) {
      return { reason: `${FIRST_TOKEN_EVENT} event before span start`, example: isoTime(t) };
    }
    return nanosToMs(t - start);
  }
  return null;
}

function statusOf(span: Span): RequestRow['status'] {
  const code = span.status?.code ?? 0;
  return code === 1 ? 'ok' : code === 2 ? 'error' : 'unset';
}

/**
 * Returns the inference_requests row of an inference span (see docs/telemetry.md for every key),
 * or why the span is refused: bad ids, times outside the window or reversed, a negative or
 * non-finite duration, token or batch counts that are not integers in range, non-finite features.
 */
export function readRequestSpan(
  span: Span,
  resource: ResourceInfo,
  window: TimeWindow,
): RequestSpan | Refusal {
  const idRefusal = spanIdProblem(span);
  if (idRefusal !== undefined) return idRefusal;
  const start = toBigInt(span.startTimeUnixNano);
  const end = toBigInt(span.endTimeUnixNano);
  const timeRefusal = timeProblem(start, end, window);
  if (timeRefusal !== undefined) return timeRefusal;

  // One pass: known keys land in their slot, features and scores aside, the rest in attributes.
  const found: (KeyValue | undefined)[] = new Array(SLOT_COUNT);
  let inlineScores: KeyValue[] | undefined;
  let refusal: Refusal | undefined;
  const attributes: Record<string, string> = {};
  const featuresNum: Record<string, number> = {};
  const featuresCat: Record<string, string> = {};
  for (const kv of span.attributes) {
    const key = kv.key;
    const slot = SLOTS.get(key);
    if (slot !== undefined) {
      found[slot] = kv;
    } else if (key.length > FEATURE_PREFIX.length && key.startsWith(FEATURE_PREFIX)) {
      const name = key.slice(FEATURE_PREFIX.length);
      const kind = anyValueKind(kv.value);
      if (kind === 'intValue' || kind === 'doubleValue') {
        const n = anyValueNumber(kv.value) as number;
        if (!Number.isFinite(n)) refusal ??= { reason: `${key} not finite`, example: String(n) };
        setEntry(featuresNum, name, n);
      } else if (kind === 'stringValue' || kind === 'boolValue') {
        setEntry(featuresCat, name, anyValueToString(kv.value));
      } else {
        setEntry(attributes, key, anyValueToString(kv.value));
      }
    } else if (key.length > SCORE_PREFIX.length && key.startsWith(SCORE_PREFIX)) {
      inlineScores ??= [];
      inlineScores.push(kv);
    } else {
      setEntry(attributes, key, anyValueToString(kv.value));
    }
  }
  if (refusal !== undefined) return refusal;

  // Durations in seconds: TTFT from an attribute, else from the gen_ai.first_token event.
  let ttftMs: number | null = null;
  const ttft = readNumber(attributes, found[S.ttftChunk], found[S.ttftServer]);
  if (ttft !== undefined) {
    refusal = durationProblem(ttft.key, ttft.n);
    if (refusal !== undefined) return refusal;
    ttftMs = ttft.n * 1000;
  } else {
    const fromEvent = firstTokenMs(span, start);
    if (fromEvent !== null && typeof fromEvent === 'object') return fromEvent;
    ttftMs = fromEvent;
  }
  const queueS = readNumber(attributes, found[S.queue]);
  if (queueS !== undefined) {
    refusal = durationProblem(queueS.key, queueS.n);
    if (refusal !== undefined) return refusal;
  }

  // Counts: integers that fit their column (UInt16 batch size, UInt32 tokens).
  const batchSize = readNumber(attributes, found[S.batch]);
  const input = readNumber(attributes, found[S.inputTokens], found[S.promptTokens]);
  const output = readNumber(attributes, found[S.outputTokens], found[S.completionTokens]);
  refusal =
    (batchSize && countProblem(batchSize.key, batchSize.n, UINT16_MAX)) ||
    (input && countProblem(input.key, input.n, UINT32_MAX)) ||
    (output && countProblem(output.key, output.n, UINT32_MAX)) ||
    undefined;
  if (refusal !== undefined) return refusal;

  let cacheHit: boolean | null = null;
  const cache = found[S.cache];
  if (cache !== undefined) {
    const b = anyValueBoolean(cache.value);
    if (b === undefined) setEntry(attributes, cache.key, anyValueToString(cache.value));
    else cacheHit = b;
  }

  const requestModel = text(found[S.requestModel]);
  const responseModel = text(found[S.responseModel]);
  const modelVersion = text(found[S.modelVersion]);
  const providerName = text(found[S.providerName]);
  const operation = text(found[S.operation]);
  const requestType = text(found[S.requestType]);
  const errorType = found[S.errorType];
  // gen_ai.response.model stays in attributes when gen_ai.request.model names the model.
  if (requestModel !== '' && responseModel !== '') {
    setEntry(attributes, KEY.responseModel, responseModel);
  }
  const status = statusOf(span);
  const row: RequestRow = {
    ts: unixMicros(start),
    model: requestModel !== '' ? requestModel : responseModel,
    model_version: modelVersion !== '' ? modelVersion : resource.serviceVersion,
    provider: providerName !== '' ? providerName : text(found[S.system]),
    service: resource.service,
    operation,
    request_type: requestType !== '' ? requestType : operation,
    trace_id: toHex(span.traceId),
    span_id: toHex(span.spanId),
    response_id: text(found[S.responseId]),
    status,
    error_type: errorType !== undefined ? text(errorType) : status === 'error' ? OTHER_ERROR : '',
    latency_ms: nanosToMs(end - start),
    ttft_ms: ttftMs,
    queue_ms: queueS === undefined ? null : queueS.n * 1000,
    batch_size: batchSize === undefined ? null : batchSize.n,
    input_tokens: input === undefined ? null : input.n,
    output_tokens: output === undefined ? null : output.n,
    cache_hit: cacheHit,
    features_num: featuresNum,
    features_cat: featuresCat,
    attributes,
    resource_attributes: resource.attributes,
  };
  return { row, startNanos: start, endNanos: end, inlineScores };
}
