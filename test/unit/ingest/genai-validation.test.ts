// Item 5 of issue 3 for traces: every invalid class refuses the span (counted) or drops the score
// (reported only), while the valid items of the same request are kept.
import { nanos, type SpanSpec, span, tracesRequest } from '../../helpers/genai-otlp';
import { mapBoth, NOW_MS } from '../../helpers/map-otlp';

const START_MS = NOW_MS - 60_000;
const DAY_MS = 86_400_000;
const BASE = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'chimera' };
const evaluation = (name: string, value: unknown, extra: object = {}) => ({
  name: 'gen_ai.evaluation.result',
  attributes: { 'gen_ai.evaluation.name': name, 'gen_ai.evaluation.score.value': value, ...extra },
});

describe('spans refused, valid spans of the same request kept', () => {
  it.each<[string, Partial<SpanSpec>, string]>([
    ['trace_id of 8 bytes', { traceId: '0102030405060708' }, 'trace_id must be 16 bytes (1)'],
    ['empty trace_id', { traceId: '' }, 'trace_id must be 16 bytes (1)'],
    ['span_id of 4 bytes', { spanId: '01020304' }, 'span_id must be 8 bytes (1)'],
    [
      'parent_span_id of 3 bytes',
      { parentSpanId: '010203' },
      'parent_span_id must be 8 bytes or empty (1)',
    ],
    ['end before start', { durationMs: -5 }, 'end before start (1, e.g. -5 ms)'],
    ['end missing', { endTimeUnixNano: '0' }, 'end time missing (1)'],
    ['start missing', { startTimeUnixNano: '0' }, 'start time missing (1)'],
    [
      'start over 1 h in the future',
      { startMs: NOW_MS + 61 * 60_000 },
      'start time more than 1 h in the future (1, e.g. 2026-03-01T13:01:00.000Z)',
    ],
    [
      'end over 1 h in the future',
      { startMs: NOW_MS, durationMs: 2 * 3_600_000 },
      'end time more than 1 h in the future (1, e.g. 2026-03-01T14:00:00.000Z)',
    ],
    [
      'start older than retention',
      { startMs: NOW_MS - 31 * DAY_MS },
      'start time older than retention (30 d) (1, e.g. 2026-01-29T12:00:00.000Z)',
    ],
    [
      'negative TTFT',
      { attributes: { ...BASE, 'gen_ai.response.time_to_first_chunk': -0.2 } },
      'negative gen_ai.response.time_to_first_chunk (1, e.g. -0.2)',
    ],
    [
      'NaN TTFT',
      { attributes: { ...BASE, 'gen_ai.server.time_to_first_token': Number.NaN } },
      'gen_ai.server.time_to_first_token not finite (1, e.g. NaN)',
    ],
    [
      'a first-token event before the start',
      { events: [{ name: 'gen_ai.first_token', timeUnixNano: nanos(START_MS - 1) }] },
      'gen_ai.first_token event before span start (1',
    ],
    [
      'negative queue time',
      { attributes: { ...BASE, 'insightagent.queue.duration': -1 } },
      'negative insightagent.queue.duration (1, e.g. -1)',
    ],
    [
      'infinite queue time',
      { attributes: { ...BASE, 'insightagent.queue.duration': Number.POSITIVE_INFINITY } },
      'insightagent.queue.duration not finite (1, e.g. Infinity)',
    ],
    [
      'NaN feature',
      { attributes: { ...BASE, 'insightagent.feature.length': Number.NaN } },
      'insightagent.feature.length not finite (1, e.g. NaN)',
    ],
    [
      '-Infinity feature',
      { attributes: { ...BASE, 'insightagent.feature.t': Number.NEGATIVE_INFINITY } },
      'insightagent.feature.t not finite (1, e.g. -Infinity)',
    ],
    [
      'negative tokens',
      { attributes: { ...BASE, 'gen_ai.usage.input_tokens': -3 } },
      'gen_ai.usage.input_tokens must be an integer in [0, 4294967295] (1, e.g. -3)',
    ],
    [
      'fractional tokens',
      { attributes: { ...BASE, 'gen_ai.usage.output_tokens': 1.5 } },
      'gen_ai.usage.output_tokens must be an integer in [0, 4294967295] (1, e.g. 1.5)',
    ],
    [
      'tokens past UInt32',
      { attributes: { ...BASE, 'gen_ai.usage.completion_tokens': 2 ** 32 } },
      'gen_ai.usage.completion_tokens must be an integer in [0, 4294967295] (1, e.g. 4294967296)',
    ],
    [
      'batch size past UInt16',
      { attributes: { ...BASE, 'insightagent.batch.size': 70_000 } },
      'insightagent.batch.size must be an integer in [0, 65535] (1, e.g. 70000)',
    ],
  ])('%s', (_label, bad, reason) => {
    const good = span({ startMs: START_MS, attributes: BASE }, 1);
    const refused = span({ startMs: START_MS, attributes: BASE, ...bad }, 2);
    const mapped = mapBoth(
      'traces',
      tracesRequest([good, refused, span({ startMs: START_MS, attributes: BASE }, 3)]),
    );
    expect(mapped.rejected).toBe(1);
    expect(mapped.errorMessage).toContain(`1 span refused: ${reason}`);
    expect(mapped.rows.inference_requests.map((r) => r.span_id)).toEqual([
      '0000000000000001',
      '0000000000000003',
    ]);
  });

  it.each<[string, Partial<SpanSpec>]>([
    ['start 59 min ahead', { startMs: NOW_MS + 59 * 60_000, durationMs: 1 }],
    ['start 29 days back', { startMs: NOW_MS - 29 * DAY_MS }],
    ['zero duration', { durationMs: 0 }],
    [
      'zero TTFT, queue and tokens',
      {
        attributes: {
          ...BASE,
          'gen_ai.response.time_to_first_chunk': 0,
          'insightagent.queue.duration': 0,
          'gen_ai.usage.input_tokens': 0,
        },
      },
    ],
  ])('accepts the edge: %s', (_label, spec) => {
    const mapped = mapBoth(
      'traces',
      tracesRequest([span({ startMs: START_MS, attributes: BASE, ...spec })]),
    );
    expect(mapped).toMatchObject({ rejected: 0, errorMessage: '' });
    expect(mapped.rows.inference_requests).toHaveLength(1);
  });

  it('refuses the evaluation-only span with bad ids, and does not count ignored spans', () => {
    const mapped = mapBoth(
      'traces',
      tracesRequest([
        span({ startMs: START_MS, spanId: '01', events: [evaluation('accuracy', 0.5)] }),
        span({ startMs: START_MS, spanId: '02', attributes: { 'http.route': '/' } }),
      ]),
    );
    expect(mapped.rejected).toBe(1);
    expect(mapped.errorMessage).toBe('1 span refused: span_id must be 8 bytes (1)');
  });
});

describe('scores dropped from a kept span: reported, not counted as rejected', () => {
  it.each<[string, object, string, object?]>([
    ['accuracy above 1', evaluation('accuracy', 1.7), 'accuracy outside [0, 1] (1, e.g. 1.7)'],
    ['coherence below 0', evaluation('coherence', -0.1), 'coherence outside [0, 1] (1, e.g. -0.1)'],
    ['a NaN score', evaluation('accuracy', Number.NaN), 'accuracy score not finite (1, e.g. NaN)'],
    [
      'an infinite score',
      evaluation('bleu', Number.POSITIVE_INFINITY),
      'bleu score not finite (1, e.g. Infinity)',
    ],
    [
      'a score that is not a number',
      evaluation('accuracy', 'high'),
      'accuracy score is not a number (1, e.g. "high")',
    ],
    ['a nameless evaluation', evaluation('', 0.5), 'gen_ai.evaluation.name missing (1)'],
    [
      'an evaluation over 1 h in the future',
      { ...evaluation('accuracy', 0.5), timeUnixNano: nanos(NOW_MS + 2 * 3_600_000) },
      'evaluation time more than 1 h in the future (1, e.g. 2026-03-01T14:00:00.000Z)',
    ],
    [
      'a configured range',
      evaluation('toxicity', 2),
      'toxicity outside [0, 1] (1, e.g. 2)',
      { scoreRanges: { toxicity: { min: 0, max: 1 } } },
    ],
  ])('%s', (_label, event, reason, overrides = {}) => {
    const mapped = mapBoth(
      'traces',
      tracesRequest([
        span({
          startMs: START_MS,
          attributes: BASE,
          events: [event as never, evaluation('bleu', 0.3)],
        }),
      ]),
      overrides,
    );
    expect(mapped.rejected).toBe(0);
    expect(mapped.errorMessage).toBe(`1 score dropped: ${reason}`);
    expect(mapped.rows.inference_requests).toHaveLength(1);
    expect(mapped.rows.evaluations.map((e) => e.name)).toEqual(['bleu']);
  });

  it('drops an out-of-range insightagent.score.* attribute the same way', () => {
    const mapped = mapBoth(
      'traces',
      tracesRequest([
        span({ startMs: START_MS, attributes: { ...BASE, 'insightagent.score.accuracy': 1.5 } }),
      ]),
    );
    expect(mapped).toMatchObject({
      rejected: 0,
      errorMessage: '1 score dropped: accuracy outside [0, 1] (1, e.g. 1.5)',
    });
    expect(mapped.rows.evaluations).toEqual([]);
  });

  it('leaves names without a range unchecked', () => {
    const mapped = mapBoth(
      'traces',
      tracesRequest([
        span({
          startMs: START_MS,
          attributes: BASE,
          events: [evaluation('bleu', 42), evaluation('accuracy', 1.7)],
        }),
      ]),
      { scoreRanges: { toxicity: { min: 0, max: 1 } } },
    );
    expect(mapped.errorMessage).toBe('');
    expect(mapped.rows.evaluations.map((e) => e.value)).toEqual([42, 1.7]);
  });
});

it('summarises refusals and dropped scores together, counted by reason', () => {
  const mapped = mapBoth(
    'traces',
    tracesRequest([
      span({ startMs: START_MS, attributes: BASE, durationMs: -5 }, 1),
      span({ startMs: START_MS, attributes: BASE, traceId: '01' }, 2),
      span({ startMs: START_MS, attributes: BASE, durationMs: -5 }, 3),
      span({ startMs: START_MS, attributes: BASE, events: [evaluation('accuracy', 1.7)] }, 4),
    ]),
  );
  expect(mapped.rejected).toBe(3);
  expect(mapped.errorMessage).toBe(
    '3 spans refused: end before start (2, e.g. -5 ms), trace_id must be 16 bytes (1); ' +
      '1 score dropped: accuracy outside [0, 1] (1, e.g. 1.7)',
  );
});
