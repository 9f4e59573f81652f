// Metrics → metric_points, one row per data point as sent (gauge, sum, histogram, exponential
// histogram, summary). Each data point is an item: refused for a time outside the window, a
// start after its time, or a NaN/±Infinity value. Points flagged "no recorded value" carry no
// value and are skipped without counting as refused.
import {
  type Int64,
  type KeyValue,
  type Metric,
  type MetricsExport,
  type NumberDataPoint,
  toBigInt,
  toNumber,
} from '../otlp';
import { type MetricPointRow, unixMicros } from '../rows';
import { attributeMap, type ResourceInfo, resourceInfo } from './attributes';
import { checkTime, isoTime } from './checks';
import type { MapContext } from './context';
import { KEY } from './keys';

const NO_RECORDED_VALUE = 1;
const TEMPORALITY: readonly MetricPointRow['temporality'][] = [
  'unspecified',
  'delta',
  'cumulative',
];

interface PointBase {
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  flags: number;
}

type Values = Pick<
  MetricPointRow,
  | 'value'
  | 'count'
  | 'sum'
  | 'min'
  | 'max'
  | 'bucket_bounds'
  | 'bucket_counts'
  | 'scale'
  | 'zero_count'
  | 'positive_offset'
  | 'positive_counts'
  | 'negative_offset'
  | 'negative_counts'
  | 'quantiles'
  | 'quantile_values'
>;

const EMPTY: Values = {
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

const counts = (values: readonly Int64[]): number[] => values.map(toNumber);

function numberValue(point: NumberDataPoint): number | null {
  if (Object.hasOwn(point, 'asDouble')) return point.asDouble;
  if (Object.hasOwn(point, 'asInt')) return toNumber(point.asInt);
  return null;
}

// Returns the first field of a point holding NaN or ±Infinity.
function nonFinite(fields: Record<string, number | null | readonly number[]>): string | undefined {
  for (const [name, v] of Object.entries(fields)) {
    if (v === null) continue;
    if (typeof v === 'number' ? !Number.isFinite(v) : v.some((x) => !Number.isFinite(x)))
      return name;
  }
  return undefined;
}

/** Maps every data point of a metrics request into ctx.rows; refusals go to ctx.problems. */
export function mapMetrics(request: MetricsExport, ctx: MapContext): void {
  for (const resourceMetrics of request.resourceMetrics) {
    let resource: ResourceInfo | undefined;
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        resource ??= resourceInfo(resourceMetrics.resource);
        mapMetric(metric, resource, ctx);
      }
    }
  }
}

function mapMetric(metric: Metric, resource: ResourceInfo, ctx: MapContext): void {
  const add = (
    kind: MetricPointRow['kind'],
    temporality: number,
    monotonic: boolean,
    point: PointBase,
    values: Values,
  ) => addPoint(metric, kind, temporality, monotonic, point, values, resource, ctx);
  if (metric.gauge !== null) {
    for (const p of metric.gauge.dataPoints) {
      add('gauge', 0, false, p, { ...EMPTY, value: numberValue(p) });
    }
  } else if (metric.sum !== null) {
    const { aggregationTemporality: t, isMonotonic } = metric.sum;
    for (const p of metric.sum.dataPoints) {
      add('sum', t, isMonotonic, p, { ...EMPTY, value: numberValue(p) });
    }
  } else if (metric.histogram !== null) {
    const t = metric.histogram.aggregationTemporality;
    for (const p of metric.histogram.dataPoints) {
      add('histogram', t, false, p, {
        ...EMPTY,
        count: toNumber(p.count),
        sum: p.sum,
        min: p.min,
        max: p.max,
        bucket_bounds: p.explicitBounds,
        bucket_counts: counts(p.bucketCounts),
      });
    }
  } else if (metric.exponentialHistogram !== null) {
    const t = metric.exponentialHistogram.aggregationTemporality;
    for (const p of metric.exponentialHistogram.dataPoints) {
      add('exponential_histogram', t, false, p, {
        ...EMPTY,
        count: toNumber(p.count),
        sum: p.sum,
        min: p.min,
        max: p.max,
        scale: p.scale,
        zero_count: toNumber(p.zeroCount),
        positive_offset: p.positive === null ? null : p.positive.offset,
        positive_counts: counts(p.positive?.bucketCounts ?? []),
        negative_offset: p.negative === null ? null : p.negative.offset,
        negative_counts: counts(p.negative?.bucketCounts ?? []),
      });
    }
  } else if (metric.summary !== null) {
    for (const p of metric.summary.dataPoints) {
      add('summary', 0, false, p, {
        ...EMPTY,
        count: toNumber(p.count),
        sum: p.sum,
        quantiles: p.quantileValues.map((q) => q.quantile),
        quantile_values: p.quantileValues.map((q) => q.value),
      });
    }
  }
}

function addPoint(
  metric: Metric,
  kind: MetricPointRow['kind'],
  temporality: number,
  monotonic: boolean,
  point: PointBase,
  values: Values,
  resource: ResourceInfo,
  ctx: MapContext,
): void {
  if ((point.flags & NO_RECORDED_VALUE) !== 0) return;
  const at = toBigInt(point.timeUnixNano);
  const start = toBigInt(point.startTimeUnixNano);
  const timeReason = checkTime(at, `${metric.name}: time`, ctx.window);
  if (timeReason !== undefined) {
    ctx.problems.refuse(timeReason, isoTime(at));
    return;
  }
  if (start > at) {
    ctx.problems.refuse(`${metric.name}: start time after time`, isoTime(start));
    return;
  }
  const bad = nonFinite({
    value: values.value,
    sum: values.sum,
    min: values.min,
    max: values.max,
    bucket_bounds: values.bucket_bounds,
    quantiles: values.quantiles,
    quantile_values: values.quantile_values,
  });
  if (bad !== undefined) {
    ctx.problems.refuse(`${metric.name}: ${bad} not finite`);
    return;
  }
  const attributes = attributeMap(point.attributes);
  const model = attributes[KEY.requestModel] ?? attributes[KEY.responseModel] ?? '';
  ctx.rows.metric_points.push({
    ts: unixMicros(at),
    start_ts: start === 0n ? null : unixMicros(start),
    name: metric.name,
    kind,
    unit: metric.unit,
    temporality: TEMPORALITY[temporality] ?? 'unspecified',
    is_monotonic: monotonic,
    service: resource.service,
    model,
    ...values,
    attributes,
    resource_attributes: resource.attributes,
  });
}
