// fast-check arbitraries of partially bad OTLP requests: items each valid or broken in a way the
// mapping refuses (times outside the window, end before start, bad ids, NaN values, non-integer
// tokens), tagged with a name unique to the request so its stored rows can be counted.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Signal } from '../../src/ingest/otlp';
import { evaluationRecord, gauge } from './fuzz-otlp';
import { logsRequest, metricsRequest, span, tracesRequest } from './genai-otlp';

/** A partially bad request: its OTLP/JSON, its tag, and which item indexes are valid. */
export interface PartialCase {
  signal: Signal;
  /** The trace id (traces), model (logs) or metric name (metrics) all its items carry. */
  tag: string;
  json: unknown;
  valid: boolean[];
}

const DAY = 86_400_000;

// Offsets and breakages of one item; `null` keeps it valid.
const SPAN_FAULTS = ['old', 'future', 'end-before-start', 'short-span-id', 'tokens', null] as const;
const LOG_FAULTS = ['old', 'future', 'nan', 'short-trace-id', null] as const;
const POINT_FAULTS = ['old', 'future', 'nan', 'infinity', null] as const;

function spanOf(traceId: string, i: number, nowMs: number, fault: (typeof SPAN_FAULTS)[number]) {
  const startMs =
    fault === 'old'
      ? nowMs - 40 * DAY
      : fault === 'future'
        ? nowMs + 2 * 3_600_000
        : nowMs - 10_000;
  const out = span({
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    startMs,
    durationMs: fault === 'end-before-start' ? -50 : 100,
    attributes: {
      'gen_ai.request.model': 'fuzz-partial',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': fault === 'tokens' ? 1.5 : 10 + i,
    },
  });
  if (fault === 'short-span-id') out.spanId = 'abcd';
  return out;
}

function recordOf(model: string, nowMs: number, fault: (typeof LOG_FAULTS)[number]) {
  const at =
    fault === 'old' ? nowMs - 40 * DAY : fault === 'future' ? nowMs + 2 * 3_600_000 : nowMs;
  const record = evaluationRecord(at, model, {
    doubleValue: fault === 'nan' ? 'NaN' : 0.5,
  }) as Record<string, unknown>;
  if (fault === 'short-trace-id') record.traceId = 'abcd';
  return record;
}

function pointValue(fault: (typeof POINT_FAULTS)[number]): unknown {
  if (fault === 'nan') return 'NaN';
  if (fault === 'infinity') return 'Infinity';
  return 1.25;
}

/** Returns the arbitrary of partially bad requests of every signal around `nowMs`. */
export function partialCase(nowMs: number): fc.Arbitrary<PartialCase> {
  const tag = () => randomBytes(16).toString('hex');
  const traces = fc
    .array(fc.constantFrom(...SPAN_FAULTS), { minLength: 1, maxLength: 12 })
    .map((faults): PartialCase => {
      const traceId = tag();
      return {
        signal: 'traces',
        tag: traceId,
        json: tracesRequest(faults.map((f, i) => spanOf(traceId, i, nowMs, f))),
        valid: faults.map((f) => f === null),
      };
    });
  const logs = fc
    .array(fc.constantFrom(...LOG_FAULTS), { minLength: 1, maxLength: 12 })
    .map((faults): PartialCase => {
      const model = `fuzz-${tag()}`;
      return {
        signal: 'logs',
        tag: model,
        json: logsRequest(faults.map((f) => recordOf(model, nowMs, f))),
        valid: faults.map((f) => f === null),
      };
    });
  const metrics = fc
    .array(fc.constantFrom(...POINT_FAULTS), { minLength: 1, maxLength: 12 })
    .map((faults): PartialCase => {
      const name = `fuzz.${tag()}`;
      const metricsJson = faults.map((f, i) => {
        const at =
          f === 'old' ? nowMs - 40 * DAY : f === 'future' ? nowMs + 2 * 3_600_000 : nowMs - i;
        return gauge(name, at, [pointValue(f)]);
      });
      return {
        signal: 'metrics',
        tag: name,
        json: metricsRequest(metricsJson),
        valid: faults.map((f) => f === null),
      };
    });
  return fc.oneof(traces, logs, metrics);
}
