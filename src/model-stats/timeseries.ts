// GET /api/v1/models/:model/timeseries: the metric catalogue, the step grammar and the shaping of
// per-step rollup sums into points. Pure.
//
// Steps are aligned to multiples of the step since the epoch (UTC), so points are stable across
// refreshes; the first and last step may be cut by the window, and their throughput divides by
// the part of the step inside the window (and before now). Every step of the window gets a point:
// counts are 0 where nothing happened, means, rates and quantiles null.
//
// Quantile points are read like the summary's (quantiles.ts: the digest at the two order
// statistics around numpy's rank, interpolated), each step at its own levels, so a point equals
// the summary over that step's minutes.
import { fromRankLevels, rankLevels } from './quantiles';
import { digestCounts } from './summary';
import type { DigestColumn, RequestStep, RequestStepSums, RequestSums, ScoreStep } from './types';
import { elapsedSeconds, iso, MINUTE_MS, type TimeRange } from './window';

/** At most this many points per answer. */
export const MAX_POINTS = 1440;

type RequestMetric = {
  quantile?: { column: DigestColumn; level: number };
  value: (step: RequestSums & { quantile: number | null }, seconds: number | null) => number | null;
};

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function quantileMetric(column: DigestColumn, countOf: (s: RequestSums) => number, level: number) {
  return {
    quantile: { column, level },
    value: (s: RequestSums & { quantile: number | null }) =>
      countOf(s) > 0 && s.quantile !== null && !Number.isNaN(s.quantile) ? s.quantile : null,
  } satisfies RequestMetric;
}

function durationMetrics(
  column: DigestColumn,
  prefix: string,
  countOf: (s: RequestSums) => number,
  sumOf: (s: RequestSums) => number,
): Record<string, RequestMetric> {
  return {
    [`${prefix}_mean`]: { value: (s) => ratio(sumOf(s), countOf(s)) },
    [`${prefix}_p50`]: quantileMetric(column, countOf, 0.5),
    [`${prefix}_p90`]: quantileMetric(column, countOf, 0.9),
    [`${prefix}_p95`]: quantileMetric(column, countOf, 0.95),
    [`${prefix}_p99`]: quantileMetric(column, countOf, 0.99),
  };
}

/** The request metrics a timeseries can show, by name. */
export const REQUEST_METRICS: Readonly<Record<string, RequestMetric>> = {
  requests: { value: (s) => s.requests },
  errors: { value: (s) => s.errors },
  error_rate: { value: (s) => ratio(s.errors, s.requests) },
  throughput_rps: { value: (s, seconds) => (seconds === null ? null : s.requests / seconds) },
  ...durationMetrics(
    'latency',
    'latency_ms',
    (s) => s.requests,
    (s) => s.latency_sum_ms,
  ),
  latency_ms_max: { value: (s) => (s.requests > 0 ? s.latency_max_ms : null) },
  ...durationMetrics(
    'ttft',
    'ttft_ms',
    (s) => s.ttft_count,
    (s) => s.ttft_sum_ms,
  ),
  ...durationMetrics(
    'queue',
    'queue_ms',
    (s) => s.queue_count,
    (s) => s.queue_sum_ms,
  ),
  batch_size_mean: { value: (s) => ratio(s.batch_size_sum, s.batched) },
  input_tokens: { value: (s) => s.input_tokens },
  output_tokens: { value: (s) => s.output_tokens },
  cache_hit_rate: { value: (s) => ratio(s.cache_hits, s.cache_lookups) },
};

/** The prefix of a score metric: `score:<name>` is the mean of that score per step. */
export const SCORE_PREFIX = 'score:';

/** A parsed metric: a request metric, or a score's mean. */
export type Metric =
  | { kind: 'request'; name: string; quantile?: { column: DigestColumn; level: number } }
  | { kind: 'score'; name: string; score: string };

/** Returns the text listing every valid metric, for error messages and docs. */
export function validMetrics(): string {
  return `${Object.keys(REQUEST_METRICS).join(', ')}, or ${SCORE_PREFIX}<name>`;
}

/** Returns the metric a name denotes, or an error text listing the valid ones. */
export function parseMetric(text: string): Metric | { error: string } {
  if (text.startsWith(SCORE_PREFIX)) {
    const score = text.slice(SCORE_PREFIX.length);
    if (score.length > 0 && score.length <= 255) return { kind: 'score', name: text, score };
    return {
      error: `expected ${SCORE_PREFIX}<name> with a name of 1-255 characters, got "${text}"`,
    };
  }
  const metric = Object.hasOwn(REQUEST_METRICS, text) ? REQUEST_METRICS[text] : undefined;
  if (metric === undefined)
    return { error: `unknown metric "${text}"; expected one of ${validMetrics()}` };
  return metric.quantile === undefined
    ? { kind: 'request', name: text }
    : { kind: 'request', name: text, quantile: metric.quantile };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Returns the seconds of a step (`5m`, `1h`, `300s` or `300`), or an error text; a whole number of minutes. */
export function parseStep(text: string): { seconds: number } | { error: string } {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text);
  const expected = 'expected a whole number of minutes such as 1m, 5m, 1h, 1d or 300 (seconds)';
  if (match === null) return { error: `${expected}, got "${text}"` };
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1);
  if (seconds < 60 || seconds % 60 !== 0) return { error: `${expected}, got "${text}"` };
  return { seconds };
}

/** Returns the epoch-ms starts of the steps that cover a window, aligned to multiples of the step. */
export function stepStarts(window: TimeRange, stepSeconds: number): number[] {
  const stepMs = stepSeconds * 1000;
  const starts: number[] = [];
  for (let t = Math.floor(window.fromMs / stepMs) * stepMs; t < window.toMs; t += stepMs)
    starts.push(t);
  return starts;
}

/** Returns how many points a step gives over a window. */
export function pointCount(window: TimeRange, stepSeconds: number): number {
  const stepMs = stepSeconds * 1000;
  if (window.toMs <= window.fromMs) return 0;
  return Math.ceil(window.toMs / stepMs) - Math.floor(window.fromMs / stepMs);
}

/** Returns the smallest whole-minute step that keeps a window within MAX_POINTS (at least 1 min). */
export function minimalStep(window: TimeRange): number {
  let minutes = Math.max(1, Math.ceil((window.toMs - window.fromMs) / MINUTE_MS / MAX_POINTS));
  while (pointCount(window, minutes * 60) > MAX_POINTS) minutes += 1;
  return minutes * 60;
}

/** One point of a timeseries: the step's start and the metric's value there. */
export interface Point {
  ts: string;
  value: number | null;
}

/** A timeseries answer. */
export interface Timeseries {
  model: string;
  metric: string;
  step_seconds: number;
  from: string;
  to: string;
  points: Point[];
}

const EMPTY_SUMS: RequestSums & { quantile: number | null } = {
  requests: 0,
  errors: 0,
  latency_sum_ms: 0,
  latency_max_ms: 0,
  ttft_count: 0,
  ttft_sum_ms: 0,
  queue_count: 0,
  queue_sum_ms: 0,
  batched: 0,
  batch_size_sum: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_lookups: 0,
  cache_hits: 0,
  quantile: null,
};

function stepSeconds(start: number, stepMs: number, window: TimeRange, nowMs: number) {
  return elapsedSeconds(
    Math.max(start, window.fromMs),
    Math.min(start + stepMs, window.toMs),
    nowMs,
  );
}

/** Returns per step the digest levels of quantile q at numpy's rank (steps without values omitted). */
export function stepLevels(
  steps: readonly RequestStepSums[],
  column: DigestColumn,
  q: number,
): Array<{ startMs: number; levels: number[] }> {
  return steps.flatMap((step) => {
    const n = digestCounts(step)[column];
    return n === 0 ? [] : [{ startMs: step.startMs, levels: rankLevels(n, [q]) }];
  });
}

/** Returns the steps with `quantile` set from the digest's answers at stepLevels (null without). */
export function withQuantiles(
  steps: readonly RequestStepSums[],
  quantile: { column: DigestColumn; level: number } | undefined,
  answers: ReadonlyMap<number, ReadonlyArray<number | null>>,
): RequestStep[] {
  return steps.map((step) => {
    if (quantile === undefined) return { ...step, quantile: null };
    const n = digestCounts(step)[quantile.column];
    const [value] = fromRankLevels(n, [quantile.level], answers.get(step.startMs) ?? []);
    return { ...step, quantile: value ?? null };
  });
}

/** Returns the points of a request metric: one per step of the window, empty steps filled. */
export function requestPoints(input: {
  metric: string;
  window: TimeRange;
  stepSeconds: number;
  nowMs: number;
  steps: readonly RequestStep[];
}): Point[] {
  const metric = REQUEST_METRICS[input.metric];
  if (metric === undefined) throw new Error(`not a request metric: ${input.metric}`);
  const byStart = new Map(input.steps.map((s) => [s.startMs, s]));
  const stepMs = input.stepSeconds * 1000;
  return stepStarts(input.window, input.stepSeconds).map((start) => ({
    ts: iso(start),
    value: metric.value(
      byStart.get(start) ?? EMPTY_SUMS,
      stepSeconds(start, stepMs, input.window, input.nowMs),
    ),
  }));
}

/** Returns the points of a score's mean: one per step of the window, null where nothing was scored. */
export function scorePoints(input: {
  window: TimeRange;
  stepSeconds: number;
  steps: readonly ScoreStep[];
}): Point[] {
  const byStart = new Map(input.steps.map((s) => [s.startMs, s]));
  return stepStarts(input.window, input.stepSeconds).map((start) => {
    const step = byStart.get(start);
    return { ts: iso(start), value: step === undefined ? null : ratio(step.valueSum, step.scored) };
  });
}
