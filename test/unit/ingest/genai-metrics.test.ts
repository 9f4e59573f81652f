import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MetricPointRow } from '../../../src/ingest/rows';
import { attrs, metricsRequest, nanos } from '../../helpers/genai-otlp';
import { mapBoth, NOW_MS } from '../../helpers/map-otlp';

const T_MS = NOW_MS - 60_000;
const EXAMPLE_TS = '1544712660.300000';

const EMPTY = {
  value: null,
  count: null,
  sum: null,
  min: null,
  max: null,
  bucket_bounds: [],
  bucket_counts: [],
  scale: null,
  zero_count: null,
  positive_offset: null,
  positive_counts: [],
  negative_offset: null,
  negative_counts: [],
  quantiles: [],
  quantile_values: [],
};

describe('the official metrics example → metric_points', () => {
  const json = JSON.parse(
    readFileSync(
      path.join(__dirname, '..', '..', 'fixtures', 'otlp-examples', 'metrics.json'),
      'utf8',
    ),
  );
  const mapped = mapBoth('metrics', json, { now: new Date('2018-12-13T15:00:00Z') });
  const common = {
    ts: EXAMPLE_TS,
    unit: '1',
    service: 'my.service',
    model: '',
    resource_attributes: { 'service.name': 'my.service' },
  };

  it('maps all four points, nothing refused', () => {
    expect(mapped.rejected).toBe(0);
    expect(mapped.errorMessage).toBe('');
    expect(mapped.rows.metric_points).toEqual<MetricPointRow[]>([
      {
        ...common,
        ...EMPTY,
        start_ts: EXAMPLE_TS,
        name: 'my.counter',
        kind: 'sum',
        temporality: 'delta',
        is_monotonic: true,
        value: 5,
        attributes: { 'my.counter.attr': 'some value' },
      },
      {
        ...common,
        ...EMPTY,
        start_ts: null,
        name: 'my.gauge',
        kind: 'gauge',
        temporality: 'unspecified',
        is_monotonic: false,
        value: 10,
        attributes: { 'my.gauge.attr': 'some value' },
      },
      {
        ...common,
        ...EMPTY,
        start_ts: EXAMPLE_TS,
        name: 'my.histogram',
        kind: 'histogram',
        temporality: 'delta',
        is_monotonic: false,
        count: 2,
        sum: 2,
        min: 0,
        max: 2,
        bucket_bounds: [1],
        bucket_counts: [1, 1],
        attributes: { 'my.histogram.attr': 'some value' },
      },
      {
        ...common,
        ...EMPTY,
        start_ts: EXAMPLE_TS,
        name: 'my.exponential.histogram',
        kind: 'exponential_histogram',
        temporality: 'delta',
        is_monotonic: false,
        count: 3,
        sum: 10,
        min: 0,
        max: 5,
        scale: 0,
        zero_count: 1,
        positive_offset: 1,
        positive_counts: [0, 2],
        attributes: { 'my.exponential.histogram.attr': 'some value' },
      },
    ]);
  });
});

describe('metric points', () => {
  const one = (metric: object) => {
    const mapped = mapBoth('metrics', metricsRequest([metric]));
    expect(mapped).toMatchObject({ rejected: 0, errorMessage: '' });
    expect(mapped.rows.metric_points).toHaveLength(1);
    return mapped.rows.metric_points[0] as MetricPointRow;
  };
  const at = { timeUnixNano: nanos(T_MS) };

  it.each<[string, object, Partial<MetricPointRow>]>([
    [
      'model from a gen_ai.request.model point attribute, service from the resource',
      {
        name: 'gen_ai.client.token.usage',
        unit: '{token}',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [
            {
              ...at,
              asInt: '42',
              attributes: attrs({
                'gen_ai.request.model': 'chimera',
                'gen_ai.token.type': 'input',
              }),
            },
          ],
        },
      },
      {
        model: 'chimera',
        service: 'chat-api',
        value: 42,
        temporality: 'cumulative',
        is_monotonic: true,
        attributes: { 'gen_ai.request.model': 'chimera', 'gen_ai.token.type': 'input' },
      },
    ],
    [
      'model from gen_ai.response.model',
      {
        name: 'm',
        gauge: {
          dataPoints: [{ ...at, asDouble: 1, attributes: attrs({ 'gen_ai.response.model': 'r' }) }],
        },
      },
      { model: 'r' },
    ],
    ['a gauge point without a value', { name: 'm', gauge: { dataPoints: [at] } }, { value: null }],
    [
      'a histogram without sum, min or max',
      {
        name: 'h',
        histogram: {
          aggregationTemporality: 1,
          dataPoints: [{ ...at, count: '3', bucketCounts: ['3'] }],
        },
      },
      {
        kind: 'histogram',
        count: 3,
        sum: null,
        min: null,
        max: null,
        bucket_bounds: [],
        bucket_counts: [3],
      },
    ],
    [
      'negative exponential buckets',
      {
        name: 'e',
        exponentialHistogram: {
          aggregationTemporality: 2,
          dataPoints: [
            { ...at, count: '2', scale: -1, negative: { offset: -2, bucketCounts: ['1', '1'] } },
          ],
        },
      },
      {
        scale: -1,
        negative_offset: -2,
        negative_counts: [1, 1],
        positive_offset: null,
        positive_counts: [],
      },
    ],
    [
      'a summary',
      {
        name: 's',
        unit: 'ms',
        summary: {
          dataPoints: [
            {
              ...at,
              count: '10',
              sum: 55,
              quantileValues: [
                { quantile: 0.5, value: 4 },
                { quantile: 0.99, value: 9.5 },
              ],
            },
          ],
        },
      },
      {
        kind: 'summary',
        count: 10,
        sum: 55,
        quantiles: [0.5, 0.99],
        quantile_values: [4, 9.5],
        unit: 'ms',
      },
    ],
  ])('%s', (_label, metric, expected) => {
    expect(one(metric)).toMatchObject(expected);
  });

  it('ignores a metric without data', () => {
    const mapped = mapBoth('metrics', metricsRequest([{ name: 'empty' }]));
    expect(mapped.rows.metric_points).toEqual([]);
    expect(mapped.rejected).toBe(0);
  });
});
