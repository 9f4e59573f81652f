import { AppError } from '../../../src/errors';
import { type FeedbackOptions, isoToMicros, parseFeedback } from '../../../src/ingest/feedback';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const OPTIONS: FeedbackOptions = {
  now: NOW,
  retentionDays: 30,
  scoreRanges: { accuracy: { min: 0, max: 1 }, coherence: { min: 0, max: 1 } },
};
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const BY_SPAN = { trace_id: TRACE, span_id: SPAN };

describe('parseFeedback: valid items become pending rows with model ""', () => {
  it('a scored item by trace and span, ts defaulting to now', () => {
    expect(parseFeedback([{ ...BY_SPAN, name: 'accuracy', value: 0.75 }], OPTIONS)).toEqual({
      rows: [
        {
          ts: '1772366400.000000',
          model: '',
          model_version: '',
          trace_id: TRACE,
          span_id: SPAN,
          response_id: '',
          name: 'accuracy',
          value: 0.75,
          label: '',
          explanation: '',
          evaluator: '',
          attributes: {},
        },
      ],
      errors: [],
    });
  });

  it.each([
    ['ISO with microseconds', '2026-03-01T11:00:00.123456Z', '1772362800.123456'],
    ['ISO with an offset', '2026-03-01T13:00:00+02:00', '1772362800.000000'],
    ['epoch ms', 1772362800123, '1772362800.123000'],
    ['epoch ms as text', '1772362800123', '1772362800.123000'],
    ['fractional epoch ms', 1772362800123.5, '1772362800.123500'],
  ])('ts as %s', (_what, ts, text) => {
    const { rows, errors } = parseFeedback(
      { response_id: 'r-1', name: 'x', label: 'ok', ts },
      OPTIONS,
    );
    expect(errors).toEqual([]);
    expect(rows[0]?.ts).toBe(text);
  });

  it('a single object, label-only, by response_id, ids lower-cased, explanation and evaluator kept', () => {
    const { rows } = parseFeedback(
      {
        trace_id: TRACE.toUpperCase(),
        response_id: 'chatcmpl-1',
        name: 'verdict',
        label: 'wrong',
        explanation: 'see ticket 12',
        evaluator: 'support',
      },
      OPTIONS,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        trace_id: TRACE,
        span_id: '',
        response_id: 'chatcmpl-1',
        value: null,
        label: 'wrong',
        explanation: 'see ticket 12',
        evaluator: 'support',
      }),
    ]);
  });

  it('scores without a configured range are not range-checked', () => {
    expect(parseFeedback({ ...BY_SPAN, name: 'bleu', value: 42 }, OPTIONS).errors).toEqual([]);
  });
});

describe('parseFeedback: each bad item is refused with its index and reason, the rest kept', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    [
      'no ids',
      { name: 'accuracy', value: 1 },
      /^name the request: trace_id and span_id, or response_id$/,
    ],
    [
      'trace without span',
      { trace_id: TRACE, name: 'a', value: 1 },
      /^span_id is required with trace_id/,
    ],
    [
      'span without trace',
      { span_id: SPAN, name: 'a', value: 1 },
      /^trace_id is required with span_id/,
    ],
    [
      'short trace id',
      { ...BY_SPAN, trace_id: 'abc', name: 'a', value: 1 },
      /^trace_id: expected 32 hex digits, got "abc"$/,
    ],
    [
      'non-hex span id',
      { ...BY_SPAN, span_id: 'zzzzzzzzzzzzzzzz', name: 'a', value: 1 },
      /^span_id: expected 16 hex digits/,
    ],
    [
      'all-zero trace id',
      { ...BY_SPAN, trace_id: '0'.repeat(32), name: 'a', value: 1 },
      /^trace_id: must not be all zeros$/,
    ],
    ['no name', { ...BY_SPAN, value: 1 }, /^name: required$/],
    ['empty name', { ...BY_SPAN, name: '', value: 1 }, /^name: must not be empty$/],
    ['neither value nor label', { ...BY_SPAN, name: 'a' }, /^value or label is required$/],
    ['value as text', { ...BY_SPAN, name: 'a', value: '0.5' }, /^value: expected a number$/],
    [
      'infinite value (1e400 in JSON)',
      { ...BY_SPAN, name: 'a', value: Number.POSITIVE_INFINITY },
      /^value: must be a finite number$/,
    ],
    ['NaN value', { ...BY_SPAN, name: 'a', value: Number.NaN }, /^value: /],
    [
      'accuracy above 1',
      { ...BY_SPAN, name: 'accuracy', value: 1.5 },
      /^value: accuracy outside \[0, 1\], got 1\.5$/,
    ],
    [
      'coherence below 0',
      { ...BY_SPAN, name: 'coherence', value: -0.1 },
      /^value: coherence outside \[0, 1\]/,
    ],
    [
      'ts not a time',
      { ...BY_SPAN, name: 'a', value: 1, ts: 'yesterday' },
      /^ts: expected an ISO-8601 time with a zone or epoch milliseconds$/,
    ],
    [
      'ts without a zone',
      { ...BY_SPAN, name: 'a', value: 1, ts: '2026-03-01T11:00:00' },
      /^ts: expected an ISO-8601/,
    ],
    [
      'ts over 1 h ahead',
      { ...BY_SPAN, name: 'a', value: 1, ts: NOW.getTime() + 3_600_001 },
      /^ts: more than 1 h in the future$/,
    ],
    [
      'ts older than retention',
      { ...BY_SPAN, name: 'a', value: 1, ts: NOW.getTime() - 31 * 86_400_000 },
      /^ts: older than retention \(30 d\)$/,
    ],
    [
      'ts in epoch ms past what a time can hold (1e308 ms)',
      { ...BY_SPAN, name: 'a', value: 1, ts: 1e308 },
      /^ts: expected an ISO-8601 time with a zone or epoch milliseconds$/,
    ],
    ['not an object', 'accuracy=1', /^expected an object$/],
    ['null item', null, /^expected an object$/],
  ];

  it.each(cases)('%s', (_what, bad, message) => {
    const good = { ...BY_SPAN, name: 'accuracy', value: 0.5 };
    const verdict = parseFeedback([good, bad, good], OPTIONS);
    expect(verdict.rows).toHaveLength(2);
    expect(verdict.errors).toEqual([{ index: 1, message: expect.stringMatching(message) }]);
  });

  it('ts at exactly 1 h ahead and exactly at retention is accepted', () => {
    const edges = [NOW.getTime() + 3_600_000, NOW.getTime() - 30 * 86_400_000];
    const verdict = parseFeedback(
      edges.map((ts) => ({ ...BY_SPAN, name: 'a', value: 1, ts })),
      OPTIONS,
    );
    expect(verdict.errors).toEqual([]);
  });
});

describe('parseFeedback: a body that is neither an array nor an object', () => {
  it.each([[null], [42], ['text'], [true], [undefined]])('%p is a 400', (body) => {
    expect(() => parseFeedback(body, OPTIONS)).toThrow(AppError);
    try {
      parseFeedback(body, OPTIONS);
    } catch (err) {
      expect((err as AppError).status).toBe(400);
      expect((err as AppError).message).toMatch(/^expected a JSON array of feedback items/);
    }
  });

  it('an empty array accepts nothing and refuses nothing', () => {
    expect(parseFeedback([], OPTIONS)).toEqual({ rows: [], errors: [] });
  });
});

describe('isoToMicros', () => {
  it.each([
    ['2026-03-01T12:00:00Z', 1772366400000000n],
    ['2026-03-01T12:00:00.5Z', 1772366400500000n],
    ['2026-03-01T12:00:00.1234567Z', 1772366400123456n],
    ['2026-03-01T14:00:00.000001+02:00', 1772366400000001n],
  ])('%s -> %d', (text, micros) => {
    expect(isoToMicros(text)).toBe(micros);
  });

  it.each(['2026-03-01T12:00:00', '2026-03-01', 'x'])('%s -> undefined', (text) => {
    expect(isoToMicros(text)).toBeUndefined();
  });
});
