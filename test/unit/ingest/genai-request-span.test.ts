import type { RequestRow } from '../../../src/ingest/rows';
import {
  DEFAULT_RESOURCE,
  nanos,
  raw,
  type SpanSpec,
  span,
  tracesRequest,
} from '../../helpers/genai-otlp';
import { mapBoth, NOW_MS } from '../../helpers/map-otlp';

const START_MS = NOW_MS - 60_000;
const BASE = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'chimera' };

// The one row a single inference span maps to.
function rowOf(spec: Partial<SpanSpec>, resource: object = DEFAULT_RESOURCE): RequestRow {
  const mapped = mapBoth(
    'traces',
    tracesRequest(
      [span({ startMs: START_MS, durationMs: 250, attributes: BASE, ...spec })],
      resource,
    ),
  );
  expect(mapped.errorMessage).toBe('');
  expect(mapped.rejected).toBe(0);
  expect(mapped.rows.inference_requests).toHaveLength(1);
  return mapped.rows.inference_requests[0] as RequestRow;
}

describe('an inference span → one inference_requests row', () => {
  it('fills every column from a minimal span', () => {
    expect(rowOf({})).toEqual({
      ts: `${(START_MS / 1000).toFixed(0)}.000000`,
      model: 'chimera',
      model_version: '2.1.0',
      provider: '',
      service: 'chat-api',
      operation: 'chat',
      request_type: 'chat',
      trace_id: '00000000000000000000000000000001',
      span_id: '0000000000000001',
      response_id: '',
      status: 'unset',
      error_type: '',
      latency_ms: 250,
      ttft_ms: null,
      queue_ms: null,
      batch_size: null,
      input_tokens: null,
      output_tokens: null,
      cache_hit: null,
      features_num: {},
      features_cat: {},
      attributes: {},
      resource_attributes: { 'service.name': 'chat-api', 'service.version': '2.1.0' },
    });
  });

  it.each<[string, object, Partial<RequestRow>]>([
    ['model from gen_ai.request.model', {}, { model: 'chimera' }],
    [
      'model from gen_ai.response.model without a request model',
      { 'gen_ai.request.model': undefined, 'gen_ai.response.model': 'chimera-0613' },
      { model: 'chimera-0613', attributes: {} },
    ],
    [
      'request model wins; the response model stays in attributes',
      { 'gen_ai.response.model': 'chimera-0613' },
      { model: 'chimera', attributes: { 'gen_ai.response.model': 'chimera-0613' } },
    ],
    [
      'an empty request model falls back',
      { 'gen_ai.request.model': '', 'gen_ai.response.model': 'r' },
      { model: 'r' },
    ],
    [
      'model_version from insightagent.model.version',
      { 'insightagent.model.version': 'v7' },
      { model_version: 'v7' },
    ],
    [
      'provider from gen_ai.provider.name',
      { 'gen_ai.provider.name': 'openai' },
      { provider: 'openai' },
    ],
    ['provider from deprecated gen_ai.system', { 'gen_ai.system': 'vllm' }, { provider: 'vllm' }],
    [
      'gen_ai.provider.name wins over gen_ai.system',
      { 'gen_ai.provider.name': 'openai', 'gen_ai.system': 'vllm' },
      { provider: 'openai' },
    ],
    [
      'request_type from insightagent.request.type',
      { 'insightagent.request.type': 'batch' },
      { request_type: 'batch', operation: 'chat' },
    ],
    [
      'TTFT from time_to_first_chunk (s → ms)',
      { 'gen_ai.response.time_to_first_chunk': 0.125 },
      { ttft_ms: 125 },
    ],
    [
      'TTFT from server.time_to_first_token',
      { 'gen_ai.server.time_to_first_token': 0.5 },
      { ttft_ms: 500 },
    ],
    [
      'time_to_first_chunk wins over server.time_to_first_token',
      { 'gen_ai.response.time_to_first_chunk': 0.25, 'gen_ai.server.time_to_first_token': 0.5 },
      { ttft_ms: 250 },
    ],
    [
      'TTFT given as an integer number of seconds',
      { 'gen_ai.response.time_to_first_chunk': 1 },
      { ttft_ms: 1000 },
    ],
    [
      'queue from insightagent.queue.duration (s → ms)',
      { 'insightagent.queue.duration': 0.5 },
      { queue_ms: 500 },
    ],
    ['batch size', { 'insightagent.batch.size': 8 }, { batch_size: 8 }],
    [
      'tokens',
      { 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 42 },
      { input_tokens: 120, output_tokens: 42 },
    ],
    [
      'tokens from deprecated prompt/completion names',
      { 'gen_ai.usage.prompt_tokens': 11, 'gen_ai.usage.completion_tokens': 5 },
      { input_tokens: 11, output_tokens: 5 },
    ],
    [
      'new token names win over deprecated ones',
      { 'gen_ai.usage.input_tokens': 1, 'gen_ai.usage.prompt_tokens': 2 },
      { input_tokens: 1 },
    ],
    ['tokens sent as numeric text', { 'gen_ai.usage.input_tokens': '12' }, { input_tokens: 12 }],
    [
      'a number that does not read as one stays in attributes',
      { 'gen_ai.usage.input_tokens': 'many' },
      { input_tokens: null, attributes: { 'gen_ai.usage.input_tokens': 'many' } },
    ],
    ['response id', { 'gen_ai.response.id': 'chatcmpl-1' }, { response_id: 'chatcmpl-1' }],
    ['cache hit', { 'insightagent.cache.hit': true }, { cache_hit: true }],
    ['cache hit as text', { 'insightagent.cache.hit': 'false' }, { cache_hit: false }],
    [
      'a cache flag that is not a boolean stays in attributes',
      { 'insightagent.cache.hit': 1 },
      { cache_hit: null, attributes: { 'insightagent.cache.hit': '1' } },
    ],
    [
      'error.type without error status',
      { 'error.type': 'timeout' },
      { status: 'unset', error_type: 'timeout' },
    ],
    [
      'numeric features → features_num',
      { 'insightagent.feature.length': 120, 'insightagent.feature.temp': 0.5 },
      { features_num: { length: 120, temp: 0.5 } },
    ],
    [
      'string and boolean features → features_cat',
      { 'insightagent.feature.lang': 'de', 'insightagent.feature.mobile': true },
      { features_cat: { lang: 'de', mobile: 'true' } },
    ],
    [
      'array features stay in attributes',
      { 'insightagent.feature.tags': ['a', 'b'] },
      { features_cat: {}, attributes: { 'insightagent.feature.tags': '["a","b"]' } },
    ],
    [
      'other attributes as text; arrays and kvlists as JSON',
      {
        'server.port': 8000,
        'gen_ai.request.temperature': 0.7,
        'gen_ai.request.stream': false,
        'gen_ai.response.finish_reasons': ['stop', 'length'],
        'app.meta': { tier: 'gold', n: 2 },
        'app.whole_double': raw({ doubleValue: 2 }),
      },
      {
        attributes: {
          'server.port': '8000',
          'gen_ai.request.temperature': '0.7',
          'gen_ai.request.stream': 'false',
          'gen_ai.response.finish_reasons': '["stop","length"]',
          'app.meta': '{"tier":"gold","n":2}',
          'app.whole_double': '2',
        },
      },
    ],
  ])('%s', (_label, attributes, expected) => {
    const merged = Object.fromEntries(
      Object.entries({ ...BASE, ...attributes }).filter(([, v]) => v !== undefined),
    );
    expect(rowOf({ attributes: merged })).toMatchObject(expected);
  });

  it.each<[number, Partial<RequestRow>]>([
    [0, { status: 'unset', error_type: '' }],
    [1, { status: 'ok', error_type: '' }],
    [2, { status: 'error', error_type: '_OTHER' }],
  ])('status code %d', (code, expected) => {
    expect(rowOf({ status: { code } })).toMatchObject(expected);
  });

  it('keeps error.type on an error span', () => {
    const row = rowOf({ status: { code: 2 }, attributes: { ...BASE, 'error.type': '500' } });
    expect(row).toMatchObject({ status: 'error', error_type: '500' });
  });

  it('takes TTFT from a gen_ai.first_token event (its time minus the start)', () => {
    const row = rowOf({
      events: [{ name: 'gen_ai.first_token', timeUnixNano: nanos(START_MS + 80) }],
    });
    expect(row.ttft_ms).toBe(80);
  });

  it('prefers the TTFT attribute over the event', () => {
    const row = rowOf({
      attributes: { ...BASE, 'gen_ai.response.time_to_first_chunk': 0.05 },
      events: [{ name: 'gen_ai.first_token', timeUnixNano: nanos(START_MS + 80) }],
    });
    expect(row.ttft_ms).toBe(50);
  });

  it('measures latency to the nanosecond and keeps ts exact to the microsecond', () => {
    const start = BigInt(START_MS) * 1_000_000n + 123_456_789n;
    const row = rowOf({
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + 1_234_567n).toString(),
    });
    expect(row.latency_ms).toBeCloseTo(1.234567, 9);
    expect(row.ts).toBe(`${START_MS / 1000}.123456`);
  });

  it('writes ids in lowercase hex', () => {
    const row = rowOf({ traceId: '5B8EFFF798038103D269B633813FC60C', spanId: 'EEE19B7EC3C1B174' });
    expect(row.trace_id).toBe('5b8efff798038103d269b633813fc60c');
    expect(row.span_id).toBe('eee19b7ec3c1b174');
  });

  it('takes service from service.name and leaves version empty without service.version', () => {
    const row = rowOf({}, { 'service.name': 'svc', 'deployment.environment.name': 'prod' });
    expect(row).toMatchObject({ service: 'svc', model_version: '' });
    expect(row.resource_attributes).toEqual({
      'service.name': 'svc',
      'deployment.environment.name': 'prod',
    });
  });
});

describe('which spans are inference requests', () => {
  const one = (attributes: object, requestSpanKeys?: string[]) =>
    mapBoth(
      'traces',
      tracesRequest([span({ startMs: START_MS, attributes })]),
      requestSpanKeys === undefined ? {} : { requestSpanKeys },
    );

  it.each<[string, object, string[] | undefined, number]>([
    ['gen_ai.operation.name alone', { 'gen_ai.operation.name': 'embeddings' }, undefined, 1],
    ['gen_ai.request.model alone', { 'gen_ai.request.model': 'm' }, undefined, 1],
    ['neither: an HTTP span', { 'http.request.method': 'GET' }, undefined, 0],
    ['gen_ai.response.model alone is not enough', { 'gen_ai.response.model': 'm' }, undefined, 0],
    ['a configured key', { 'llm.model': 'm' }, ['llm.model'], 1],
    [
      'a default key when others are configured',
      { 'gen_ai.operation.name': 'chat' },
      ['llm.model'],
      0,
    ],
  ])('%s', (_label, attributes, keys, rows) => {
    const mapped = one(attributes, keys);
    expect(mapped.rows.inference_requests).toHaveLength(rows);
    expect(mapped.rejected).toBe(0);
    expect(mapped.errorMessage).toBe('');
  });

  it('ignores non-GenAI spans without validating them (the official trace example)', () => {
    const mapped = mapBoth('traces', {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab', name: 'GET /' }] }] }],
    });
    expect(mapped).toEqual({
      rows: { inference_requests: [], evaluations: [], pending_evaluations: [], metric_points: [] },
      rejected: 0,
      errorMessage: '',
    });
  });
});
