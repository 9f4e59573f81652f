// Turns an OpenSLO indicator and one of its objectives into an InsightAgent `sli:` entry:
// thresholdMetric -> latency, quality (Occurrences) or timeslice (Timeslices); ratioMetric ->
// latency, availability or quality (Occurrences). See docs/slo.md, "OpenSLO import".
import type { ObjectiveDoc, SliSpecDoc } from './openslo-schema';
import { type ReadSource, type Report, readSource, type Source } from './openslo-source';
import { got } from './spec-fields';

/** An `sli:` entry (snake_case, as in YAML), its model, and where its values came from. */
export interface MappedSli {
  sli: Record<string, unknown>;
  model?: string;
  /** InsightAgent entry path (e.g. `sli.threshold_ms`) -> OpenSLO path it was read from. */
  origins: Record<string, string>;
}

/** Where the parts of an SLO document are, for error messages. */
export interface Paths {
  indicator: string;
  objective: string;
  budgeting: string;
}

/** Slice lengths InsightAgent judges, in minutes, keyed by the `slice:` value. */
const SLICE_MINUTES: Record<string, number> = {
  '1m': 1,
  '5m': 5,
  '10m': 10,
  '15m': 15,
  '30m': 30,
  '1h': 60,
};

/** Returns the `sli:` entry for `indicator` and `objective`, or undefined after reporting why. */
export function mapIndicator(
  indicator: SliSpecDoc,
  objective: ObjectiveDoc,
  budgeting: 'Occurrences' | 'Timeslices',
  paths: Paths,
  dataSourceType: (name: string) => string | undefined,
  report: Report,
): MappedSli | undefined {
  const { thresholdMetric, ratioMetric } = indicator;
  if ((thresholdMetric === undefined) === (ratioMetric === undefined)) {
    report(paths.indicator, 'expected exactly one of thresholdMetric and ratioMetric');
    return undefined;
  }
  if (thresholdMetric !== undefined) {
    const at = `${paths.indicator}.thresholdMetric`;
    const read = readSource(thresholdMetric, at, dataSourceType, report);
    return read && fromThreshold(read, at, objective, budgeting, paths, report);
  }
  return fromRatio(ratioMetric as NonNullable<SliSpecDoc['ratioMetric']>, objective, budgeting, {
    paths,
    dataSourceType,
    report,
  });
}

function fromThreshold(
  { source, model }: ReadSource,
  at: string,
  objective: ObjectiveDoc,
  budgeting: 'Occurrences' | 'Timeslices',
  paths: Paths,
  report: Report,
): MappedSli | undefined {
  const o = paths.objective;
  const withModel = (m: Omit<MappedSli, 'model'>): MappedSli =>
    model === undefined ? m : { ...m, model };
  if (source.what === 'status' || source.what === 'events') {
    report(`${at}.metricSource.spec`, `${source.what} counts events: it belongs in a ratioMetric`);
    return undefined;
  }
  if (source.what === 'metric') {
    if (budgeting !== 'Timeslices') {
      report(
        paths.budgeting,
        `metric ${source.metric} is judged per slice; expected Timeslices, got "${budgeting}"`,
      );
      return undefined;
    }
    const op = opOf(objective, o, report);
    const value = thresholdValue(objective, o, report);
    const slice = sliceOf(objective, o, report);
    if (objective.timeSliceTarget !== undefined) {
      // One value per slice: the share of good values in a slice is 0 or 1, so any target in
      // (0, 1] means "the slice's value meets op value" — the timeslice SLI as it is.
      const t = objective.timeSliceTarget;
      if (!(t > 0 && t <= 1)) {
        report(`${o}.timeSliceTarget`, `expected a number in (0, 1], ${got(t)}`);
        return undefined;
      }
    }
    if (op === undefined || value === undefined || slice === undefined) return undefined;
    return withModel({
      sli: {
        kind: 'timeslice',
        metric: source.metric,
        ...(source.score === undefined ? {} : { score: source.score }),
        op: op === 'lte' ? '<=' : '>=',
        threshold: value,
        slice,
      },
      origins: {
        'sli.threshold': `${o}.value`,
        'sli.score': `${at}.metricSource.spec.score`,
        'sli.op': `${o}.op`,
      },
    });
  }
  if (source.what === 'field' && source.thresholdMs !== undefined) {
    report(
      `${at}.metricSource.spec.threshold_ms`,
      'a thresholdMetric takes its threshold from objectives[].value',
    );
    return undefined;
  }
  if (source.what === 'score' && source.threshold !== undefined) {
    report(
      `${at}.metricSource.spec.threshold`,
      'a thresholdMetric takes its threshold from objectives[].value',
    );
    return undefined;
  }
  if (budgeting !== 'Occurrences') {
    const name = source.what === 'field' ? source.field : `score ${source.score}`;
    report(
      paths.budgeting,
      `${name} is judged per request; expected Occurrences, or a per-slice {metric: …} with Timeslices`,
    );
    return undefined;
  }
  const wanted = source.what === 'field' ? 'lte' : 'gte';
  const op = opOf(objective, o, report);
  const value = thresholdValue(objective, o, report);
  if (op !== undefined && op !== wanted) {
    const what = source.what === 'field' ? `${source.field} <= value` : `${source.score} >= value`;
    report(`${o}.op`, `good requests are those with ${what}; expected ${wanted}, got "${op}"`);
    return undefined;
  }
  if (op === undefined || value === undefined) return undefined;
  return withModel(
    source.what === 'field'
      ? {
          sli: { kind: 'latency', field: source.field, threshold_ms: value },
          origins: { 'sli.threshold_ms': `${o}.value` },
        }
      : {
          sli: { kind: 'quality', score: source.score, threshold: value },
          origins: { 'sli.threshold': `${o}.value`, 'sli.score': `${at}.metricSource.spec.score` },
        },
  );
}

interface RatioContext {
  paths: Paths;
  dataSourceType: (name: string) => string | undefined;
  report: Report;
}

function fromRatio(
  ratio: NonNullable<SliSpecDoc['ratioMetric']>,
  objective: ObjectiveDoc,
  budgeting: 'Occurrences' | 'Timeslices',
  { paths, dataSourceType, report }: RatioContext,
): MappedSli | undefined {
  const at = `${paths.indicator}.ratioMetric`;
  if (ratio.raw !== undefined || ratio.rawType !== undefined) {
    report(`${at}.raw`, 'precomputed ratios are not supported; give good or bad, and total');
    return undefined;
  }
  if ((ratio.good === undefined) === (ratio.bad === undefined)) {
    report(at, 'expected exactly one of good and bad');
    return undefined;
  }
  if (ratio.total === undefined) {
    report(`${at}.total`, 'required: the events good (or bad) is counted among');
    return undefined;
  }
  if (budgeting !== 'Occurrences') {
    report(
      paths.budgeting,
      `a ratio is counted over events; expected Occurrences, got "${budgeting}" (per-slice objectives use a thresholdMetric with {metric: …})`,
    );
    return undefined;
  }
  for (const key of ['op', 'value', 'timeSliceTarget', 'timeSliceWindow'] as const) {
    if (objective[key] !== undefined) {
      report(
        `${paths.objective}.${key}`,
        'applies to a thresholdMetric only; a ratio objective has a target',
      );
      return undefined;
    }
  }
  const isGood = ratio.good !== undefined;
  const numPath = `${at}.${isGood ? 'good' : 'bad'}`;
  const num = readSource(
    ratio.good ?? (ratio.bad as NonNullable<typeof ratio.bad>),
    numPath,
    dataSourceType,
    report,
  );
  const total = readSource(ratio.total, `${at}.total`, dataSourceType, report);
  if (num === undefined || total === undefined) return undefined;
  if (num.model !== undefined && total.model !== undefined && num.model !== total.model) {
    report(
      `${at}.total.metricSource.spec.model`,
      `expected the model of ${numPath} ("${num.model}"), got "${total.model}"`,
    );
    return undefined;
  }
  const mapped = numerator(num.source, isGood, `${numPath}.metricSource.spec`, report);
  if (mapped === undefined) return undefined;
  const expectedTotal: Source =
    mapped.sli.kind === 'quality'
      ? { what: 'events', events: 'scored', score: mapped.sli.score as string }
      : { what: 'events', events: 'requests' };
  if (JSON.stringify(total.source) !== JSON.stringify(expectedTotal)) {
    const want =
      expectedTotal.score === undefined
        ? '{events: requests}'
        : `{events: scored, score: ${expectedTotal.score}}`;
    report(
      `${at}.total.metricSource.spec`,
      `a ${String(mapped.sli.kind)} ratio is counted among ${want}`,
    );
    return undefined;
  }
  const model = num.model ?? total.model;
  return model === undefined ? mapped : { ...mapped, model };
}

function numerator(
  source: Source,
  isGood: boolean,
  at: string,
  report: Report,
): MappedSli | undefined {
  switch (source.what) {
    case 'field':
      if (source.thresholdMs === undefined) {
        report(
          `${at}.threshold_ms`,
          `required: ${isGood ? 'good' : 'bad'} requests are those with ${source.field} ${isGood ? '<=' : '>'} threshold_ms`,
        );
        return undefined;
      }
      return {
        sli: { kind: 'latency', field: source.field, threshold_ms: source.thresholdMs },
        origins: { 'sli.threshold_ms': `${at}.threshold_ms` },
      };
    case 'status':
      if (source.status !== (isGood ? 'ok' : 'error')) {
        report(
          `${at}.status`,
          `expected ${isGood ? 'ok for good' : 'error for bad'} requests, got "${source.status}"`,
        );
        return undefined;
      }
      return { sli: { kind: 'availability' }, origins: {} };
    case 'score':
      if (source.threshold === undefined) {
        report(
          `${at}.threshold`,
          `required: ${isGood ? 'good' : 'bad'} scores are those ${isGood ? '>=' : '<'} threshold`,
        );
        return undefined;
      }
      return {
        sli: { kind: 'quality', score: source.score, threshold: source.threshold },
        origins: { 'sli.threshold': `${at}.threshold`, 'sli.score': `${at}.score` },
      };
    default:
      report(
        at,
        `a ratio counts requests: expected {field, threshold_ms}, {status} or {score, threshold}, got {${source.what}: …}`,
      );
      return undefined;
  }
}

function opOf(o: ObjectiveDoc, at: string, report: Report): 'lte' | 'gte' | undefined {
  if (o.op === 'lte' || o.op === 'gte') return o.op;
  report(
    `${at}.op`,
    o.op === undefined
      ? 'required with a thresholdMetric: lte or gte'
      : `expected lte or gte, got "${o.op}" (the rollups answer <= and >= exactly; write ${o.op === 'lt' ? 'lte' : 'gte'} with the bound you accept)`,
  );
  return undefined;
}

function thresholdValue(o: ObjectiveDoc, at: string, report: Report): number | undefined {
  if (o.value !== undefined) return o.value;
  report(`${at}.value`, 'required with a thresholdMetric: the threshold to compare with');
  return undefined;
}

function sliceOf(o: ObjectiveDoc, at: string, report: Report): string | undefined {
  const w = o.timeSliceWindow;
  // OpenSLO: a bare number is minutes.
  const minutes =
    typeof w === 'number' ? w : typeof w === 'string' ? shorthandMinutes(w) : undefined;
  const slice = Object.entries(SLICE_MINUTES).find(([, m]) => m === minutes)?.[0];
  if (slice !== undefined) return slice;
  report(
    `${at}.timeSliceWindow`,
    w === undefined
      ? `required with Timeslices: one of ${Object.keys(SLICE_MINUTES).join(', ')}`
      : `expected one of ${Object.keys(SLICE_MINUTES).join(', ')} (slices that divide an hour), ${got(w)}`,
  );
  return undefined;
}

function shorthandMinutes(text: string): number | undefined {
  const m = /^(\d+)([mh])$/.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * (m[2] === 'h' ? 60 : 1);
}
