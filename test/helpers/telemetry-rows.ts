import type { EvaluationRow, RequestRow } from '../../src/ingest/rows';

/** Returns the DateTime64(6) text ("<seconds>.<micros>") of epoch milliseconds. */
export function tsText(ms: number): string {
  const micros = BigInt(Math.round(ms * 1000));
  return `${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, '0')}`;
}

/** Returns an inference_requests row with neutral defaults, overridden by `row`. */
export function requestRow(row: Partial<RequestRow> & { ts: string; model: string }): RequestRow {
  return {
    model_version: 'v1',
    provider: 'test',
    service: 'svc',
    operation: 'chat',
    request_type: 'chat',
    trace_id: '',
    span_id: '',
    response_id: '',
    status: 'ok',
    error_type: '',
    latency_ms: 1,
    ttft_ms: null,
    queue_ms: null,
    batch_size: null,
    input_tokens: null,
    output_tokens: null,
    cache_hit: null,
    features_num: {},
    features_cat: {},
    attributes: {},
    resource_attributes: {},
    ...row,
  };
}

/** Returns an evaluations row with neutral defaults, overridden by `row`. */
export function evaluationRow(
  row: Partial<EvaluationRow> & { ts: string; model: string; name: string },
): EvaluationRow {
  return {
    model_version: 'v1',
    trace_id: '',
    span_id: '',
    response_id: '',
    value: null,
    label: '',
    explanation: '',
    evaluator: 'test',
    attributes: {},
    ...row,
  };
}

/** Returns a deterministic uniform [0, 1) generator (LCG), so test data is the same every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Returns a standard normal draw (Box-Muller) from a uniform generator. */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Returns numpy's default quantile (linear interpolation, rank (n - 1) q) of ascending values. */
export function numpyQuantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

/** Returns the relative difference |actual - expected| / |expected|. */
export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}
