// A sidecar request record → span attributes and metric points; and the attributes, read back by
// the ingest mapping, fill the inference_requests columns with the record's values.
import type { SidecarRequestRecord } from '../../../src/sidecar/request-record';
import {
  BUCKETS,
  METRIC,
  metricPoints,
  providerOf,
  spanAttributes,
  spanName,
} from '../../../src/sidecar/telemetry-mapping';
import { span, tracesRequest } from '../../helpers/genai-otlp';
import { mapBoth, NOW_MS } from '../../helpers/map-otlp';

function record(overrides: Partial<SidecarRequestRecord> = {}): SidecarRequestRecord {
  return {
    operation: 'text_completion',
    model: 'chimera',
    modelVersion: 'v3',
    requestType: 'interactive',
    startMs: NOW_MS - 10_000,
    endMs: NOW_MS - 10_000 + 250,
    queueMs: 12.5,
    ttftMs: 80,
    batchSize: 4,
    cacheHit: false,
    inputTokens: 21,
    outputTokens: 64,
    outcome: 'ok',
    stream: true,
    responseId: 'cmpl-42',
    ...overrides,
  };
}

describe('spanAttributes', () => {
  it('maps a served request to the GenAI keys and the insightagent.* keys, durations in seconds', () => {
    expect(spanAttributes(record())).toEqual({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'chimera',
      'gen_ai.response.model': 'chimera',
      'gen_ai.response.id': 'cmpl-42',
      'gen_ai.usage.input_tokens': 21,
      'gen_ai.usage.output_tokens': 64,
      'gen_ai.response.time_to_first_chunk': 0.08,
      'insightagent.queue.duration': 0.0125,
      'insightagent.batch.size': 4,
      'insightagent.cache.hit': false,
      'insightagent.request.type': 'interactive',
      'insightagent.model.version': 'v3',
    });
  });

  it.each<[string, Partial<SidecarRequestRecord>, Record<string, unknown>, string[]]>([
    [
      'a refused request: error.type, no response model, no queue/batch/tokens/TTFT',
      {
        outcome: 'queue_full',
        queueMs: null,
        ttftMs: null,
        batchSize: null,
        inputTokens: null,
        outputTokens: null,
        responseId: null,
      },
      { 'error.type': 'queue_full', 'insightagent.cache.hit': false },
      [
        'gen_ai.response.model',
        'gen_ai.response.id',
        'insightagent.queue.duration',
        'insightagent.batch.size',
        'gen_ai.response.time_to_first_chunk',
        'gen_ai.usage.input_tokens',
        'gen_ai.usage.output_tokens',
      ],
    ],
    [
      'a cache hit: no queue time or batch',
      { cacheHit: true, queueMs: null, batchSize: null },
      { 'insightagent.cache.hit': true, 'gen_ai.response.model': 'chimera' },
      ['insightagent.queue.duration', 'insightagent.batch.size', 'error.type'],
    ],
    [
      'no request type or version: the keys are left out (the ingest falls back)',
      { requestType: '', modelVersion: '' },
      {},
      ['insightagent.request.type', 'insightagent.model.version'],
    ],
    [
      'a KServe v2 infer: provider kserve',
      { operation: 'infer', ttftMs: null, stream: false },
      { 'gen_ai.operation.name': 'infer', 'gen_ai.provider.name': 'kserve' },
      ['gen_ai.response.time_to_first_chunk'],
    ],
    [
      'no answer id (KServe without a request id): gen_ai.response.id is left out',
      { operation: 'infer', responseId: null },
      {},
      ['gen_ai.response.id'],
    ],
    [
      'a zero queue time is kept, not dropped',
      { queueMs: 0 },
      { 'insightagent.queue.duration': 0 },
      [],
    ],
  ])('%s', (_name, overrides, present, absent) => {
    const attributes = spanAttributes(record(overrides));
    expect(attributes).toMatchObject(present);
    for (const key of absent) expect(attributes).not.toHaveProperty([key]);
  });

  it('uses the configured provider over the one the operation implies', () => {
    expect(spanAttributes(record(), 'vllm')['gen_ai.provider.name']).toBe('vllm');
    expect(providerOf(record({ operation: 'chat' }))).toBe('openai');
    expect(providerOf(record({ operation: 'infer' }), '')).toBe('kserve');
  });
});

describe('spanName', () => {
  it('is "{operation} {model}"', () => {
    expect(spanName(record({ operation: 'chat', model: 'llama' }))).toBe('chat llama');
    expect(spanName(record({ operation: 'infer', model: '' }))).toBe('infer');
  });
});

describe('metricPoints', () => {
  it('records request duration and TTFT in seconds for a served request', () => {
    expect(metricPoints(record())).toEqual([
      {
        name: 'gen_ai.server.request.duration',
        value: 0.25,
        attributes: {
          'gen_ai.operation.name': 'text_completion',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'chimera',
          'gen_ai.response.model': 'chimera',
          'insightagent.model.version': 'v3',
        },
      },
      expect.objectContaining({ name: 'gen_ai.server.time_to_first_token', value: 0.08 }),
    ]);
  });

  it('records only the duration, with error.type, for a failed request (TTFT is for successes)', () => {
    const points = metricPoints(record({ outcome: 'backend_error', ttftMs: 30 }));
    expect(points).toHaveLength(1);
    expect(points[0]?.name).toBe(METRIC.requestDuration);
    expect(points[0]?.attributes).toMatchObject({ 'error.type': 'backend_error' });
    expect(points[0]?.attributes).not.toHaveProperty(['gen_ai.response.model']);
  });

  it('records no TTFT without a first token, and never a negative duration', () => {
    const points = metricPoints(record({ ttftMs: null, endMs: NOW_MS - 20_000 }));
    expect(points.map((p) => [p.name, p.value])).toEqual([[METRIC.requestDuration, 0]]);
  });

  it('uses the semantic conventions bucket boundaries', () => {
    expect(BUCKETS[METRIC.requestDuration]).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
    expect(BUCKETS[METRIC.timeToFirstToken]).toEqual([
      0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);
  });
});

describe('the ingest reads the span back into the record', () => {
  it.each<[string, Partial<SidecarRequestRecord>]>([
    ['a served streaming request', {}],
    ['a cache hit', { cacheHit: true, queueMs: null, batchSize: null, ttftMs: 1 }],
    [
      'a rate-limited request',
      {
        outcome: 'rate_limited',
        queueMs: null,
        ttftMs: null,
        batchSize: null,
        inputTokens: null,
        outputTokens: null,
        responseId: null,
      },
    ],
  ])('%s', (_name, overrides) => {
    const r = record(overrides);
    const failed = r.outcome !== 'ok';
    const json = tracesRequest(
      [
        span({
          startMs: r.startMs,
          durationMs: r.endMs - r.startMs,
          attributes: spanAttributes(r),
          status: failed ? { code: 2, message: r.outcome } : undefined,
        }),
      ],
      { 'service.name': 'insightagent-sidecar' },
    );
    const mapped = mapBoth('traces', json);
    expect(mapped.rows.inference_requests).toHaveLength(1);
    const row = mapped.rows.inference_requests[0];
    expect(row).toMatchObject({
      model: r.model,
      model_version: r.modelVersion,
      provider: 'openai',
      operation: r.operation,
      request_type: r.requestType,
      status: failed ? 'error' : 'unset',
      error_type: failed ? r.outcome : '',
      latency_ms: r.endMs - r.startMs,
      batch_size: r.batchSize,
      input_tokens: r.inputTokens,
      output_tokens: r.outputTokens,
      cache_hit: r.cacheHit,
      response_id: r.responseId ?? '',
    });
    for (const [column, sent] of [
      [row?.queue_ms, r.queueMs],
      [row?.ttft_ms, r.ttftMs],
    ] as const) {
      if (sent === null) expect(column).toBeNull();
      else expect(column).toBeCloseTo(sent, 9);
    }
    // Every key the sidecar sends fills a column: nothing is left over in attributes but the
    // response model, which the ingest keeps when the request model names the model.
    expect(Object.keys(row?.attributes ?? {})).toEqual(failed ? [] : ['gen_ai.response.model']);
  });
});
