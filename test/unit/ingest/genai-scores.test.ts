import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EvaluationRow } from '../../../src/ingest/rows';
import { attrs, logsRequest, nanos, span, tracesRequest } from '../../helpers/genai-otlp';
import { mapBoth, NOW_MS } from '../../helpers/map-otlp';

const START_MS = NOW_MS - 60_000;
const END_MS = START_MS + 100;
const TRACE = '0102030405060708090a0b0c0d0e0f10';
const SPAN = 'a1a2a3a4a5a6a7a8';
const BASE = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'chimera' };
const ts = (ms: number): string =>
  `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;

const evaluationEvent = (attributes: object, timeUnixNano = nanos(END_MS - 10)) => ({
  name: 'gen_ai.evaluation.result',
  timeUnixNano,
  attributes,
});

describe('gen_ai.evaluation.result span events on an inference span', () => {
  const mapEvents = (events: object[], attributes: object = BASE) =>
    mapBoth(
      'traces',
      tracesRequest([
        span({
          traceId: TRACE,
          spanId: SPAN,
          startMs: START_MS,
          durationMs: 100,
          attributes,
          events: events as never,
        }),
      ]),
    );

  it('become evaluations linked to the span, its model and version', () => {
    const mapped = mapEvents(
      [
        evaluationEvent({
          'gen_ai.evaluation.name': 'accuracy',
          'gen_ai.evaluation.score.value': 0.75,
          'gen_ai.evaluation.score.label': 'pass',
          'gen_ai.evaluation.explanation': 'matches the reference',
          'gen_ai.evaluation.evaluator': 'ragas',
          'judge.model': 'gpt-4o',
        }),
      ],
      { ...BASE, 'gen_ai.response.id': 'resp-1', 'insightagent.model.version': 'v3' },
    );
    expect(mapped.rows.evaluations).toEqual<EvaluationRow[]>([
      {
        ts: ts(END_MS - 10),
        model: 'chimera',
        model_version: 'v3',
        trace_id: TRACE,
        span_id: SPAN,
        response_id: 'resp-1',
        name: 'accuracy',
        value: 0.75,
        label: 'pass',
        explanation: 'matches the reference',
        evaluator: 'ragas',
        attributes: { 'judge.model': 'gpt-4o' },
      },
    ]);
    expect(mapped.rows.pending_evaluations).toEqual([]);
  });

  it.each<[string, object, Partial<EvaluationRow>]>([
    [
      'label only: value null',
      { 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.label': 'relevant' },
      { value: null, label: 'relevant' },
    ],
    [
      'an integer score',
      { 'gen_ai.evaluation.name': 'stars', 'gen_ai.evaluation.score.value': 4 },
      { value: 4 },
    ],
    [
      "the event's own gen_ai.response.id wins over the span's",
      {
        'gen_ai.evaluation.name': 'accuracy',
        'gen_ai.evaluation.score.value': 1,
        'gen_ai.response.id': 'other',
      },
      { response_id: 'other' },
    ],
    [
      'evaluator from insightagent.evaluation.evaluator',
      {
        'gen_ai.evaluation.name': 'accuracy',
        'gen_ai.evaluation.score.value': 1,
        'insightagent.evaluation.evaluator': 'human',
      },
      { evaluator: 'human' },
    ],
    [
      'gen_ai.evaluation.evaluator wins',
      {
        'gen_ai.evaluation.name': 'accuracy',
        'gen_ai.evaluation.score.value': 1,
        'insightagent.evaluation.evaluator': 'human',
        'gen_ai.evaluation.evaluator': 'ragas',
      },
      { evaluator: 'ragas' },
    ],
    [
      'error.type of a failed evaluation kept in attributes',
      { 'gen_ai.evaluation.name': 'accuracy', 'error.type': 'timeout' },
      { value: null, attributes: { 'error.type': 'timeout' } },
    ],
  ])('%s', (_label, attributes, expected) => {
    const mapped = mapEvents([evaluationEvent(attributes)], {
      ...BASE,
      'gen_ai.response.id': 'resp-1',
    });
    expect(mapped.rows.evaluations).toHaveLength(1);
    expect(mapped.rows.evaluations[0]).toMatchObject(expected);
  });

  it('takes the span end as the time of an event without one', () => {
    const mapped = mapEvents([
      evaluationEvent(
        { 'gen_ai.evaluation.name': 'accuracy', 'gen_ai.evaluation.score.value': 1 },
        '0',
      ),
    ]);
    expect(mapped.rows.evaluations[0]?.ts).toBe(ts(END_MS));
  });

  it('keeps one row per event, next to the request row', () => {
    const mapped = mapEvents([
      evaluationEvent({
        'gen_ai.evaluation.name': 'accuracy',
        'gen_ai.evaluation.score.value': 0.9,
      }),
      evaluationEvent({
        'gen_ai.evaluation.name': 'coherence',
        'gen_ai.evaluation.score.value': 0.8,
      }),
      { name: 'gen_ai.content.prompt', attributes: {} },
    ]);
    expect(mapped.rows.inference_requests).toHaveLength(1);
    expect(mapped.rows.evaluations.map((e) => [e.name, e.value])).toEqual([
      ['accuracy', 0.9],
      ['coherence', 0.8],
    ]);
  });
});

describe('insightagent.score.<name> attributes on an inference span', () => {
  it('become evaluations at the request time: numbers as values, text as labels', () => {
    const mapped = mapBoth(
      'traces',
      tracesRequest([
        span({
          traceId: TRACE,
          spanId: SPAN,
          startMs: START_MS,
          attributes: {
            ...BASE,
            'gen_ai.response.id': 'resp-9',
            'insightagent.score.accuracy': 0.5,
            'insightagent.score.coherence': '0.25',
            'insightagent.score.verdict': 'pass',
          },
        }),
      ]),
    );
    const common = {
      ts: ts(START_MS),
      model: 'chimera',
      model_version: '2.1.0',
      trace_id: TRACE,
      span_id: SPAN,
      response_id: 'resp-9',
      explanation: '',
      evaluator: '',
      attributes: {},
    };
    expect(mapped.rows.evaluations).toEqual([
      { ...common, name: 'accuracy', value: 0.5, label: '' },
      { ...common, name: 'coherence', value: 0.25, label: '' },
      { ...common, name: 'verdict', value: null, label: 'pass' },
    ]);
    expect(mapped.rows.inference_requests[0]?.attributes).toEqual({});
  });
});

describe('evaluation events on a span that is not a request', () => {
  const evalSpan = (eventAttributes: object, spanAttributes: object = {}) =>
    mapBoth(
      'traces',
      tracesRequest([
        span({
          traceId: TRACE,
          spanId: SPAN,
          startMs: START_MS,
          name: 'evaluate',
          attributes: spanAttributes,
          events: [
            evaluationEvent({
              'gen_ai.evaluation.name': 'accuracy',
              'gen_ai.evaluation.score.value': 0.5,
              ...eventAttributes,
            }),
          ],
        }),
      ]),
    );

  it('wait in pending_evaluations for the request named by gen_ai.response.id', () => {
    const mapped = evalSpan({ 'gen_ai.response.id': 'resp-2' });
    expect(mapped.rows.inference_requests).toEqual([]);
    expect(mapped.rows.evaluations).toEqual([]);
    expect(mapped.rows.pending_evaluations).toEqual([
      expect.objectContaining({
        model: '',
        model_version: '',
        trace_id: '',
        span_id: '',
        response_id: 'resp-2',
      }),
    ]);
  });

  it('without a response id, wait for the parent span: the request the evaluator ran under', () => {
    const mapped = mapBoth(
      'traces',
      tracesRequest([
        span({
          traceId: TRACE,
          spanId: SPAN,
          parentSpanId: 'abcdef0123456789',
          startMs: START_MS,
          name: 'evaluate',
          events: [
            evaluationEvent({
              'gen_ai.evaluation.name': 'accuracy',
              'gen_ai.evaluation.score.value': 0.5,
            }),
          ],
        }),
      ]),
    );
    expect(mapped.rows.pending_evaluations).toEqual([
      expect.objectContaining({ trace_id: TRACE, span_id: 'abcdef0123456789', response_id: '' }),
    ]);
  });

  it.each<[string, object, object, object]>([
    [
      'a model on the event',
      { 'gen_ai.response.model': 'chimera' },
      {},
      { model: 'chimera', model_version: '2.1.0' },
    ],
    [
      'a model and version on the span',
      {},
      {
        'gen_ai.response.model': 'chimera',
        'insightagent.model.version': 'v9',
        'gen_ai.response.id': 'r',
      },
      { model: 'chimera', model_version: 'v9', response_id: 'r' },
    ],
  ])('go to evaluations with %s', (_label, eventAttributes, spanAttributes, expected) => {
    const mapped = evalSpan(eventAttributes, spanAttributes);
    expect(mapped.rows.pending_evaluations).toEqual([]);
    expect(mapped.rows.evaluations).toEqual([expect.objectContaining(expected)]);
  });
});

describe('gen_ai.evaluation.result log records', () => {
  const record = (fields: object, attributes: object = {}) => ({
    timeUnixNano: nanos(START_MS),
    eventName: 'gen_ai.evaluation.result',
    traceId: TRACE,
    spanId: SPAN,
    attributes: attrs({
      'gen_ai.evaluation.name': 'coherence',
      'gen_ai.evaluation.score.value': 0.6,
      ...attributes,
    }),
    ...fields,
  });

  it('without a model wait in pending_evaluations, linked by trace and span id', () => {
    const mapped = mapBoth('logs', logsRequest([record({})]));
    expect(mapped.rows.pending_evaluations).toEqual<EvaluationRow[]>([
      {
        ts: ts(START_MS),
        model: '',
        model_version: '',
        trace_id: TRACE,
        span_id: SPAN,
        response_id: '',
        name: 'coherence',
        value: 0.6,
        label: '',
        explanation: '',
        evaluator: '',
        attributes: {},
      },
    ]);
    expect(mapped.rows.evaluations).toEqual([]);
  });

  it.each<[string, object, object, Partial<EvaluationRow>]>([
    [
      'gen_ai.request.model, version from the resource',
      {},
      { 'gen_ai.request.model': 'chimera' },
      { model: 'chimera', model_version: '2.1.0' },
    ],
    [
      'gen_ai.response.model',
      {},
      { 'gen_ai.response.model': 'chimera-0613' },
      { model: 'chimera-0613' },
    ],
    [
      'insightagent.model.version',
      {},
      { 'gen_ai.request.model': 'chimera', 'insightagent.model.version': 'v4' },
      { model: 'chimera', model_version: 'v4' },
    ],
  ])('with %s go to evaluations', (_label, fields, attributes, expected) => {
    const mapped = mapBoth('logs', logsRequest([record(fields, attributes)]));
    expect(mapped.rows.pending_evaluations).toEqual([]);
    expect(mapped.rows.evaluations).toEqual([expect.objectContaining(expected)]);
  });

  it.each<[string, object, object, Partial<EvaluationRow>]>([
    [
      'an event.name attribute instead of event_name',
      { eventName: '' },
      { 'event.name': 'gen_ai.evaluation.result' },
      { name: 'coherence' },
    ],
    [
      'gen_ai.response.id as the only link',
      { traceId: '', spanId: '' },
      { 'gen_ai.response.id': 'resp-7' },
      { trace_id: '', response_id: 'resp-7' },
    ],
    [
      'the observed time when the time is unset',
      { timeUnixNano: '0', observedTimeUnixNano: nanos(START_MS + 5) },
      {},
      { ts: ts(START_MS + 5) },
    ],
    ['now when no time is set at all', { timeUnixNano: '0' }, {}, { ts: ts(NOW_MS) }],
    [
      'other attributes kept, event.name not',
      { eventName: '' },
      { 'event.name': 'gen_ai.evaluation.result', 'app.user': 'u1' },
      { attributes: { 'app.user': 'u1' } },
    ],
  ])('accepts %s', (_label, fields, attributes, expected) => {
    const mapped = mapBoth('logs', logsRequest([record(fields, attributes)]));
    expect(mapped).toMatchObject({ rejected: 0, errorMessage: '' });
    expect(mapped.rows.pending_evaluations).toEqual([expect.objectContaining(expected)]);
  });

  it('ignores the official logs and events examples (no evaluations in them)', () => {
    for (const file of ['logs.json', 'events.json']) {
      const json = JSON.parse(
        readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'otlp-examples', file), 'utf8'),
      );
      const mapped = mapBoth('logs', json);
      expect(mapped).toMatchObject({ rejected: 0, errorMessage: '' });
      expect(mapped.rows.pending_evaluations).toEqual([]);
      expect(mapped.rows.evaluations).toEqual([]);
    }
  });
});
