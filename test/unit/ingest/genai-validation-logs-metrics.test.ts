// Item 5 of issue 3 for logs and metrics: each evaluation log record and each data point is an
// item, refused with a reason while the valid ones of the same request are kept.
import { attrs, logsRequest, metricsRequest, nanos } from '../../helpers/genai-otlp';
import { mapBoth, NOW_MS } from '../../helpers/map-otlp';

const START_MS = NOW_MS - 60_000;
const DAY_MS = 86_400_000;

describe('evaluation log records: each record is the item', () => {
  const record = (fields: object, attributes: object = {}) => ({
    timeUnixNano: nanos(START_MS),
    eventName: 'gen_ai.evaluation.result',
    traceId: '0102030405060708090a0b0c0d0e0f10',
    spanId: '0102030405060708',
    attributes: attrs({
      'gen_ai.evaluation.name': 'accuracy',
      'gen_ai.evaluation.score.value': 0.5,
      ...attributes,
    }),
    ...fields,
  });

  it.each<[string, object, object, string]>([
    ['trace_id of 3 bytes', { traceId: '010203' }, {}, 'trace_id must be 16 bytes or empty (1)'],
    [
      'span_id of 9 bytes',
      { spanId: '010203040506070809' },
      {},
      'span_id must be 8 bytes or empty (1)',
    ],
    [
      'time over 1 h ahead',
      { timeUnixNano: nanos(NOW_MS + 2 * 3_600_000) },
      {},
      'time more than 1 h in the future (1, e.g. 2026-03-01T14:00:00.000Z)',
    ],
    [
      'time older than retention',
      { timeUnixNano: nanos(NOW_MS - 40 * DAY_MS) },
      {},
      'time older than retention (30 d) (1, e.g. 2026-01-20T12:00:00.000Z)',
    ],
    [
      'score out of range',
      {},
      { 'gen_ai.evaluation.score.value': 3 },
      'accuracy outside [0, 1] (1, e.g. 3)',
    ],
    [
      'NaN score',
      {},
      { 'gen_ai.evaluation.score.value': Number.NaN },
      'accuracy score not finite (1, e.g. NaN)',
    ],
    [
      '-Infinity score',
      {},
      { 'gen_ai.evaluation.score.value': Number.NEGATIVE_INFINITY },
      'accuracy score not finite (1, e.g. -Infinity)',
    ],
    [
      'no evaluation name',
      {},
      { 'gen_ai.evaluation.name': '' },
      'gen_ai.evaluation.name missing (1)',
    ],
    [
      'nothing to link it by',
      { traceId: '', spanId: '' },
      {},
      'evaluation names no model, span ids or gen_ai.response.id (1)',
    ],
  ])('%s → refused', (_label, fields, attributes, reason) => {
    const mapped = mapBoth('logs', logsRequest([record({}), record(fields, attributes)]));
    expect(mapped.rejected).toBe(1);
    expect(mapped.errorMessage).toBe(`1 log record refused: ${reason}`);
    expect(mapped.rows.pending_evaluations).toHaveLength(1);
  });

  it('accepts empty ids when gen_ai.response.id links the record', () => {
    const mapped = mapBoth(
      'logs',
      logsRequest([record({ traceId: '', spanId: '' }, { 'gen_ai.response.id': 'r1' })]),
    );
    expect(mapped).toMatchObject({ rejected: 0, errorMessage: '' });
    expect(mapped.rows.pending_evaluations[0]).toMatchObject({
      trace_id: '',
      span_id: '',
      response_id: 'r1',
    });
  });

  it('ignores log records that are not evaluations (the official logs and events examples)', () => {
    const mapped = mapBoth(
      'logs',
      logsRequest([record({ eventName: 'browser.page_view' }), { body: { stringValue: 'hello' } }]),
    );
    expect(mapped).toMatchObject({ rejected: 0, errorMessage: '' });
    expect(mapped.rows.pending_evaluations).toEqual([]);
  });
});

describe('metric data points: each point is the item', () => {
  const gauge = (points: object[]) => ({
    name: 'gpu.util',
    unit: '1',
    gauge: { dataPoints: points },
  });
  const point = (fields: object) => ({ timeUnixNano: nanos(START_MS), asDouble: 0.5, ...fields });

  it.each<[string, object, string]>([
    ['time missing', gauge([point({ timeUnixNano: '0' })]), 'gpu.util: time missing (1)'],
    [
      'time over 1 h ahead',
      gauge([point({ timeUnixNano: nanos(NOW_MS + 2 * 3_600_000) })]),
      'gpu.util: time more than 1 h in the future (1, e.g. 2026-03-01T14:00:00.000Z)',
    ],
    [
      'time older than retention',
      gauge([point({ timeUnixNano: nanos(NOW_MS - 31 * DAY_MS) })]),
      'gpu.util: time older than retention (30 d) (1, e.g. 2026-01-29T12:00:00.000Z)',
    ],
    [
      'start after time',
      gauge([point({ startTimeUnixNano: nanos(START_MS + 1) })]),
      'gpu.util: start time after time (1, e.g. 2026-03-01T11:59:00.001Z)',
    ],
    ['NaN value', gauge([point({ asDouble: 'NaN' })]), 'gpu.util: value not finite (1)'],
    [
      'infinite histogram sum',
      {
        name: 'lat',
        histogram: {
          dataPoints: [
            point({ asDouble: undefined, count: '1', sum: 'Infinity', bucketCounts: ['1'] }),
          ],
        },
      },
      'lat: sum not finite (1)',
    ],
    [
      'NaN bucket bound',
      {
        name: 'lat',
        histogram: {
          dataPoints: [
            point({
              asDouble: undefined,
              count: '2',
              bucketCounts: ['1', '1'],
              explicitBounds: ['NaN'],
            }),
          ],
        },
      },
      'lat: bucket_bounds not finite (1)',
    ],
    [
      'NaN exponential-histogram min',
      {
        name: 'exp',
        exponentialHistogram: {
          dataPoints: [point({ asDouble: undefined, count: '1', min: 'NaN' })],
        },
      },
      'exp: min not finite (1)',
    ],
    [
      'infinite quantile value',
      {
        name: 'q',
        summary: {
          dataPoints: [
            point({
              asDouble: undefined,
              count: '1',
              sum: 1,
              quantileValues: [{ quantile: 0.5, value: '-Infinity' }],
            }),
          ],
        },
      },
      'q: quantile_values not finite (1)',
    ],
  ])('%s → refused', (_label, metric, reason) => {
    const mapped = mapBoth('metrics', metricsRequest([gauge([point({})]), metric]));
    expect(mapped.rejected).toBe(1);
    expect(mapped.errorMessage).toBe(`1 data point refused: ${reason}`);
    expect(mapped.rows.metric_points.map((p) => p.name)).toEqual(['gpu.util']);
  });

  it('skips points flagged "no recorded value" without refusing them', () => {
    const mapped = mapBoth(
      'metrics',
      metricsRequest([gauge([point({ flags: 1, asDouble: 'NaN' }), point({})])]),
    );
    expect(mapped).toMatchObject({ rejected: 0, errorMessage: '' });
    expect(mapped.rows.metric_points).toHaveLength(1);
  });
});
