import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSloImport } from '../../../src/cli/slo-import';
import { parseFileConfig } from '../../../src/config/file';
import { ConfigError } from '../../../src/errors';
import { importOpenSlo, renderSlosYaml } from '../../../src/slo/openslo';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'openslo');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** The problems importOpenSlo reports for `text`, one per line. */
function importProblems(text: string): string[] {
  try {
    importOpenSlo(text, 'in.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error('expected the import to fail');
}

describe('OpenSLO import: valid documents', () => {
  it('maps an inline ratio indicator on TTFT to a latency SLO', () => {
    const { slos, notes } = importOpenSlo(fixture('ratio-latency.yaml'), 'ratio-latency.yaml');
    expect(notes).toEqual([]);
    expect(slos).toEqual([
      {
        name: 'chimera-ttft',
        model: 'chimera',
        description: 'TTFT under 800 ms',
        sli: { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 },
        objective: 0.99,
        window: { kind: 'rolling', days: 28 },
        budgeting: 'occurrences',
        alerting: { minEvents: 100, page: true, ticket: true },
      },
    ]);
  });

  it('reads several documents: indicatorRef, DataSource types, calendar month, timeslices', () => {
    const { slos, notes } = importOpenSlo(fixture('several.yaml'), 'several.yaml');
    expect(slos.map((s) => [s.name, s.model, s.sli, s.objective, s.window, s.budgeting])).toEqual([
      [
        'availability',
        '*',
        { kind: 'availability' },
        0.9995,
        { kind: 'calendar', unit: 'month' },
        'occurrences',
      ],
      [
        'accuracy',
        'chimera',
        { kind: 'quality', score: 'accuracy', threshold: 0.85 },
        0.9,
        { kind: 'rolling', days: 7 },
        'occurrences',
      ],
      [
        'throughput-1',
        '*',
        { kind: 'timeslice', metric: 'throughput_rps', op: '>=', threshold: 10, sliceMinutes: 1 },
        0.99,
        { kind: 'rolling', days: 30 },
        'timeslices',
      ],
      [
        'throughput-2',
        '*',
        { kind: 'timeslice', metric: 'throughput_rps', op: '>=', threshold: 2, sliceMinutes: 5 },
        0.999,
        { kind: 'rolling', days: 30 },
        'timeslices',
      ],
    ]);
    expect(slos[2]?.description).toBe('At least 10 rps');
    expect(notes).toEqual([
      'document 1 (kind Service) describes no SLO of its own; not imported',
      'document 7 (kind AlertPolicy) describes no SLO of its own; not imported',
      "document 4 (availability): alertPolicies not imported; InsightAgent's multi-window burn-rate alerts apply (alerting: page, ticket)",
      'document 5 (accuracy): objective 0.9 is too low for the page alert to ever fire; imported with alerting.page: false',
    ]);
    expect(slos[1]?.alerting).toEqual({ minEvents: 100, page: false, ticket: true });
  });

  it('renders YAML that loads as the slos: section, giving the same specs', () => {
    const imported = importOpenSlo(fixture('several.yaml'), 'several.yaml');
    const yaml = renderSlosYaml(imported, 'several.yaml');
    expect(yaml).toMatch(/^# Imported from several.yaml by insightagent slo import\.\n/);
    expect(yaml).toContain('# Note: document 1 (kind Service)');
    expect(parseFileConfig(yaml, 'out.yaml', {}).slos).toEqual(imported.slos);
  });
});

describe('OpenSLO import: refused documents name the document and the field', () => {
  it('refuses vendor queries, naming both metric sources', () => {
    expect(importProblems(fixture('vendor-query.yaml'))).toEqual([
      'document 1 (web-latency): spec.indicator.spec.ratioMetric.good.metricSource.type: expected insightagent, got "Prometheus"; InsightAgent reads its own store, so vendor queries cannot be imported (docs/slo.md)',
      'document 1 (web-latency): spec.indicator.spec.ratioMetric.total.metricSource.type: expected insightagent, got "Prometheus"; InsightAgent reads its own store, so vendor queries cannot be imported (docs/slo.md)',
    ]);
  });

  it('reports every problem of every document at once', () => {
    expect(importProblems(fixture('several-problems.yaml'))).toEqual([
      'document 1 (old): apiVersion: expected openslo/v1, got "openslo/v1alpha"',
      'document 2 (ttft): spec.timeWindow[0].duration: expected a rolling window of 7d, 28d or 30d (also 1w, 4w), got "14d"',
      'document 2 (ttft): spec.objectives[0].value: 801 ms is not an exact bound of the rollup histograms (durations are kept to two significant digits in microseconds); use 800 or 810',
      'document 2 (ttft): spec.objectives[0].target: expected a number between 0 and 1 (exclusive), got 1.5',
      'document 3 (by-ref): spec.indicatorRef: no SLI named "missing" in the file',
    ]);
  });
});

/** An OpenSLO SLO document around `indicator` (YAML under spec.indicator.spec) and `rest`. */
function sloYaml(indicator: string, rest: string): string {
  const indent = (text: string, n: number) =>
    text
      .split('\n')
      .map((l) => ' '.repeat(n) + l)
      .join('\n');
  return [
    'apiVersion: openslo/v1',
    'kind: SLO',
    'metadata: {name: s}',
    'spec:',
    '  service: chat',
    '  indicator:',
    '    metadata: {name: i}',
    '    spec:',
    indent(indicator, 6),
    indent(rest, 2),
  ].join('\n');
}

const src = (spec: string) => `metricSource: {type: insightagent, spec: ${spec}}`;
const threshold = (spec: string) => `thresholdMetric: {${src(spec)}}`;
const ratio = (num: string, total = '{events: requests}') =>
  `ratioMetric: {good: {${src(num)}}, total: {${src(total)}}}`;
const occurrences = (objective: string) =>
  `budgetingMethod: Occurrences\nobjectives:\n  - ${objective}`;
const timeslices = (objective: string) =>
  `budgetingMethod: Timeslices\nobjectives:\n  - ${objective}`;

describe('OpenSLO import: table of mappings', () => {
  it.each<[string, string, Record<string, unknown>]>([
    [
      'bad latency over total requests',
      sloYaml(
        `ratioMetric: {bad: {${src('{field: latency_ms, threshold_ms: 2500}')}}, total: {${src('{events: requests}')}}}`,
        occurrences('{target: 0.95}'),
      ),
      { sli: { kind: 'latency', field: 'latency_ms', thresholdMs: 2500 }, objective: 0.95 },
    ],
    [
      'good scores over scored requests',
      sloYaml(
        ratio(
          '{score: coherence, threshold: "0.9", model: m}',
          '{events: scored, score: coherence}',
        ),
        occurrences('{targetPercent: 99}'),
      ),
      { model: 'm', sli: { kind: 'quality', score: 'coherence', threshold: 0.9 }, objective: 0.99 },
    ],
    [
      'queue time threshold',
      sloYaml(threshold('{field: queue_ms}'), occurrences('{op: lte, value: 50, target: 0.999}')),
      { sli: { kind: 'latency', field: 'queue_ms', thresholdMs: 50 }, objective: 0.999 },
    ],
    [
      'p95 per 5-minute slice, minutes as a number',
      sloYaml(
        threshold('{metric: latency_p95_ms}'),
        timeslices('{op: lte, value: 2000, target: 0.99, timeSliceTarget: 1, timeSliceWindow: 5}'),
      ),
      {
        sli: {
          kind: 'timeslice',
          metric: 'latency_p95_ms',
          op: '<=',
          threshold: 2000,
          sliceMinutes: 5,
        },
        budgeting: 'timeslices',
        alerting: { minEvents: 100, page: true, ticket: true },
      },
    ],
    [
      'mean score per hour-long slice',
      sloYaml(
        threshold('{metric: score_mean, score: accuracy}'),
        timeslices('{op: gte, value: 0.8, target: 0.99, timeSliceWindow: 60m}'),
      ),
      {
        sli: {
          kind: 'timeslice',
          metric: 'score_mean',
          score: 'accuracy',
          op: '>=',
          threshold: 0.8,
          sliceMinutes: 60,
        },
      },
    ],
    [
      'rolling week written 1w, type in capitals',
      sloYaml(
        `ratioMetric: {good: {metricSource: {type: INSIGHTAGENT, spec: {status: ok}}}, total: {${src('{events: requests}')}}}`,
        `timeWindow: [{duration: 1w, isRolling: true}]\n${occurrences('{target: 0.99}')}`,
      ),
      { sli: { kind: 'availability' }, window: { kind: 'rolling', days: 7 } },
    ],
  ])('%s', (_, text, expected) => {
    const { slos } = importOpenSlo(text, 'in.yaml');
    expect(slos).toHaveLength(1);
    expect(slos[0]).toMatchObject({ name: 's', ...expected });
  });
});

describe('OpenSLO import: table of refusals', () => {
  const P = 'document 1 (s): ';
  const IND = 'spec.indicator.spec';
  it.each<[string, string, string]>([
    [
      'RatioTimeslices',
      sloYaml(
        ratio('{status: ok}'),
        'budgetingMethod: RatioTimeslices\nobjectives: [{target: 0.99}]',
      ),
      `${P}spec.budgetingMethod: RatioTimeslices is not supported; expected Occurrences (ratios over events) or Timeslices (a thresholdMetric per slice)`,
    ],
    [
      'unknown budgeting method',
      sloYaml(ratio('{status: ok}'), 'budgetingMethod: Events\nobjectives: [{target: 0.99}]'),
      `${P}spec.budgetingMethod: expected one of Occurrences, Timeslices, RatioTimeslices, got "Events"`,
    ],
    [
      'no objectives',
      sloYaml(ratio('{status: ok}'), 'budgetingMethod: Occurrences\nobjectives: []'),
      `${P}spec.objectives: expected at least 1 item(s)`,
    ],
    [
      'target and targetPercent',
      sloYaml(ratio('{status: ok}'), occurrences('{target: 0.99, targetPercent: 99}')),
      `${P}spec.objectives[0]: expected exactly one of target and targetPercent`,
    ],
    [
      'targetPercent 100',
      sloYaml(ratio('{status: ok}'), occurrences('{targetPercent: 100}')),
      `${P}spec.objectives[0].targetPercent: expected a number between 0 and 1 (exclusive), got 1`,
    ],
    [
      'indicator and indicatorRef',
      sloYaml(ratio('{status: ok}'), `indicatorRef: x\n${occurrences('{target: 0.9}')}`),
      `${P}spec: expected exactly one of indicator and indicatorRef`,
    ],
    [
      'both good and bad',
      sloYaml(
        `ratioMetric: {good: {${src('{status: ok}')}}, bad: {${src('{status: error}')}}, total: {${src('{events: requests}')}}}`,
        occurrences('{target: 0.9}'),
      ),
      `${P}${IND}.ratioMetric: expected exactly one of good and bad`,
    ],
    [
      'raw ratio',
      sloYaml(
        `ratioMetric: {rawType: success, raw: {${src('{status: ok}')}}}`,
        occurrences('{target: 0.9}'),
      ),
      `${P}${IND}.ratioMetric.raw: precomputed ratios are not supported; give good or bad, and total`,
    ],
    [
      'no total',
      sloYaml(`ratioMetric: {good: {${src('{status: ok}')}}}`, occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.total: required: the events good (or bad) is counted among`,
    ],
    [
      'good counting errors',
      sloYaml(ratio('{status: error}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.good.metricSource.spec.status: expected ok for good requests, got "error"`,
    ],
    [
      'latency ratio without threshold',
      sloYaml(ratio('{field: ttft_ms}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.good.metricSource.spec.threshold_ms: required: good requests are those with ttft_ms <= threshold_ms`,
    ],
    [
      'quality ratio over all requests',
      sloYaml(ratio('{score: accuracy, threshold: 0.8}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.total.metricSource.spec: a quality ratio is counted among {events: scored, score: accuracy}`,
    ],
    [
      'models disagree',
      sloYaml(
        ratio('{status: ok, model: a}', '{events: requests, model: b}'),
        occurrences('{target: 0.9}'),
      ),
      `${P}${IND}.ratioMetric.total.metricSource.spec.model: expected the model of ${IND}.ratioMetric.good ("a"), got "b"`,
    ],
    [
      'op on a ratio objective',
      sloYaml(ratio('{status: ok}'), occurrences('{target: 0.9, op: gte, value: 1}')),
      `${P}spec.objectives[0].op: applies to a thresholdMetric only; a ratio objective has a target`,
    ],
    [
      'ratio with Timeslices',
      sloYaml(
        ratio('{status: ok}'),
        timeslices('{target: 0.9, timeSliceTarget: 0.9, timeSliceWindow: 1m}'),
      ),
      `${P}spec.budgetingMethod: a ratio is counted over events; expected Occurrences, got "Timeslices"`,
    ],
    [
      'unknown spec key',
      sloYaml(ratio('{status: ok, query: up}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.good.metricSource.spec: unknown key "query" beside status; expected status, model`,
    ],
    [
      'empty spec',
      sloYaml(ratio('{}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.good.metricSource.spec: expected one of {field: ttft_ms|latency_ms|queue_ms}`,
    ],
    [
      'unknown latency field',
      sloYaml(threshold('{field: tpot_ms}'), occurrences('{op: lte, value: 50, target: 0.9}')),
      `${P}${IND}.thresholdMetric.metricSource.spec.field: expected one of ttft_ms, latency_ms, queue_ms, got "tpot_ms"`,
    ],
    [
      'op lt on latency',
      sloYaml(threshold('{field: ttft_ms}'), occurrences('{op: lt, value: 800, target: 0.9}')),
      `${P}spec.objectives[0].op: expected lte or gte, got "lt" (the rollups answer <= and >= exactly; write lte with the bound you accept)`,
    ],
    [
      'op gte on latency',
      sloYaml(threshold('{field: ttft_ms}'), occurrences('{op: gte, value: 800, target: 0.9}')),
      `${P}spec.objectives[0].op: good requests are those with ttft_ms <= value; expected lte, got "gte"`,
    ],
    [
      'threshold without value',
      sloYaml(threshold('{score: accuracy}'), occurrences('{op: gte, target: 0.9}')),
      `${P}spec.objectives[0].value: required with a thresholdMetric: the threshold to compare with`,
    ],
    [
      'quality value with 4 decimals',
      sloYaml(threshold('{score: accuracy}'), occurrences('{op: gte, value: 0.8505, target: 0.9}')),
      `${P}spec.objectives[0].value: expected a score threshold with at most 3 decimals`,
    ],
    [
      'per-request field with Timeslices',
      sloYaml(
        threshold('{field: ttft_ms}'),
        timeslices('{op: lte, value: 800, target: 0.9, timeSliceWindow: 1m}'),
      ),
      `${P}spec.budgetingMethod: ttft_ms is judged per request; expected Occurrences, or a per-slice {metric: …} with Timeslices`,
    ],
    [
      'per-slice metric with Occurrences',
      sloYaml(
        threshold('{metric: ttft_p95_ms}'),
        occurrences('{op: lte, value: 800, target: 0.9}'),
      ),
      `${P}spec.budgetingMethod: metric ttft_p95_ms is judged per slice; expected Timeslices, got "Occurrences"`,
    ],
    [
      'timeslices without a window',
      sloYaml(
        threshold('{metric: throughput_rps}'),
        timeslices('{op: gte, value: 10, target: 0.9}'),
      ),
      `${P}spec.objectives[0].timeSliceWindow: required with Timeslices: one of 1m, 5m, 10m, 15m, 30m, 1h`,
    ],
    [
      'timeslices with a 2h slice',
      sloYaml(
        threshold('{metric: throughput_rps}'),
        timeslices('{op: gte, value: 10, target: 0.9, timeSliceWindow: 2h}'),
      ),
      `${P}spec.objectives[0].timeSliceWindow: expected one of 1m, 5m, 10m, 15m, 30m, 1h (slices that divide an hour), got "2h"`,
    ],
    [
      'timeSliceTarget above 1',
      sloYaml(
        threshold('{metric: throughput_rps}'),
        timeslices('{op: gte, value: 10, target: 0.9, timeSliceTarget: 1.5, timeSliceWindow: 1m}'),
      ),
      `${P}spec.objectives[0].timeSliceTarget: expected a number in (0, 1], got 1.5`,
    ],
    [
      'p95 as a lower bound',
      sloYaml(
        threshold('{metric: ttft_p95_ms}'),
        timeslices('{op: gte, value: 800, target: 0.9, timeSliceWindow: 1m}'),
      ),
      `${P}spec.objectives[0].op: ttft_p95_ms is an upper bound: expected op "<=", got ">="`,
    ],
    [
      'p95 off the histogram bounds',
      sloYaml(
        threshold('{metric: ttft_p95_ms}'),
        timeslices('{op: lte, value: 801, target: 0.9, timeSliceWindow: 1m}'),
      ),
      `${P}spec.objectives[0].value: 801 ms is not an exact bound of the rollup histograms (durations are kept to two significant digits in microseconds); use 800 or 810`,
    ],
    [
      'score_mean without score',
      sloYaml(
        threshold('{metric: score_mean}'),
        timeslices('{op: gte, value: 0.8, target: 0.9, timeSliceWindow: 5m}'),
      ),
      `${P}${IND}.thresholdMetric.metricSource.spec.score: metric score_mean needs the score whose mean is judged, e.g. score: accuracy`,
    ],
    [
      'calendar window of a quarter',
      sloYaml(
        ratio('{status: ok}'),
        `timeWindow: [{duration: 1Q, calendar: {timeZone: UTC}}]\n${occurrences('{target: 0.9}')}`,
      ),
      `${P}spec.timeWindow[0].duration: a calendar window is one month here; expected 1M, got "1Q"`,
    ],
    [
      'calendar month in another zone',
      sloYaml(
        ratio('{status: ok}'),
        `timeWindow: [{duration: 1M, calendar: {startTime: "2026-01-01 00:00:00", timeZone: America/New_York}}]\n${occurrences('{target: 0.9}')}`,
      ),
      `${P}spec.timeWindow[0].calendar.timeZone: calendar months are UTC in InsightAgent; expected UTC, got "America/New_York"`,
    ],
    [
      'calendar month starting mid-month',
      sloYaml(
        ratio('{status: ok}'),
        `timeWindow: [{duration: 1M, calendar: {startTime: "2026-01-15 12:00:00"}}]\n${occurrences('{target: 0.9}')}`,
      ),
      `${P}spec.timeWindow[0].calendar.startTime: calendar months start on the 1st at 00:00; got "2026-01-15 12:00:00"`,
    ],
    [
      'two time windows',
      sloYaml(
        ratio('{status: ok}'),
        `timeWindow: [{duration: 7d, isRolling: true}, {duration: 30d, isRolling: true}]\n${occurrences('{target: 0.9}')}`,
      ),
      `${P}spec.timeWindow: expected exactly one time window, got 2`,
    ],
    [
      'a metricSourceRef to nothing',
      sloYaml(
        `ratioMetric: {good: {metricSource: {metricSourceRef: nowhere, spec: {status: ok}}}, total: {${src('{events: requests}')}}}`,
        occurrences('{target: 0.9}'),
      ),
      `${P}${IND}.ratioMetric.good.metricSource.metricSourceRef: no DataSource named "nowhere" in the file; give type: insightagent instead`,
    ],
    [
      'a name starting with a digit',
      sloYaml(ratio('{status: ok}'), occurrences('{target: 0.9}')).replace('name: s}', 'name: 9s}'),
      'document 1 (9s): metadata.name: expected a name starting with a letter, got "9s"',
    ],
    [
      'duplicate names across documents',
      `${sloYaml(ratio('{status: ok}'), occurrences('{target: 0.9}'))}\n---\n${sloYaml(ratio('{status: ok}'), occurrences('{target: 0.99}'))}`,
      'document 2 (s): duplicate name "s" (entry 0 has it); SLO names must be unique',
    ],
    [
      'an unknown kind',
      'apiVersion: openslo/v1\nkind: Dashboard\nmetadata: {name: d}',
      'document 1 (d): kind: expected SLO, SLI, DataSource or Service, AlertPolicy, AlertCondition, AlertNotificationTarget, got "Dashboard"',
    ],
    [
      'a document that is not a mapping',
      '- apiVersion: openslo/v1',
      'document 1: (root): expected a mapping, got [{"apiVersion":"openslo/v1"}]',
    ],
    [
      'an SLO without metadata.name',
      'apiVersion: openslo/v1\nkind: SLO\nmetadata: {}\nspec: {budgetingMethod: Occurrences, objectives: [{target: 0.9}]}',
      'document 1: metadata.name: expected string, got nothing',
    ],
    [
      'a threshold that is not a number',
      sloYaml(ratio('{field: ttft_ms, threshold_ms: fast}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.good.metricSource.spec.threshold_ms: expected a number, got "fast"`,
    ],
    [
      'a model that is not a name',
      sloYaml(ratio('{status: ok, model: 5}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.good.metricSource.spec.model: expected a name, got 5`,
    ],
    [
      'total counting something else',
      sloYaml(ratio('{status: ok}', '{events: all}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.total.metricSource.spec.events: expected requests or scored, got "all"`,
    ],
    [
      'a ratio over a per-slice metric',
      sloYaml(ratio('{metric: throughput_rps}'), occurrences('{target: 0.9}')),
      `${P}${IND}.ratioMetric.good.metricSource.spec: a ratio counts requests: expected {field, threshold_ms}, {status} or {score, threshold}, got {metric: …}`,
    ],
    [
      'a threshold over status',
      sloYaml(threshold('{status: ok}'), occurrences('{op: gte, value: 1, target: 0.9}')),
      `${P}${IND}.thresholdMetric.metricSource.spec: status counts events: it belongs in a ratioMetric`,
    ],
    [
      'a threshold on the source too',
      sloYaml(
        threshold('{field: ttft_ms, threshold_ms: 800}'),
        occurrences('{op: lte, value: 800, target: 0.9}'),
      ),
      `${P}${IND}.thresholdMetric.metricSource.spec.threshold_ms: a thresholdMetric takes its threshold from objectives[].value`,
    ],
    [
      'a source without type or reference',
      sloYaml(
        'thresholdMetric: {metricSource: {spec: {field: ttft_ms}}}',
        occurrences('{op: lte, value: 800, target: 0.9}'),
      ),
      `${P}${IND}.thresholdMetric.metricSource.type: expected insightagent, got nothing`,
    ],
    [
      'both indicator kinds',
      sloYaml(
        `${threshold('{field: ttft_ms}')}\n${ratio('{status: ok}')}`,
        occurrences('{op: lte, value: 800, target: 0.9}'),
      ),
      `${P}${IND}: expected exactly one of thresholdMetric and ratioMetric`,
    ],
    [
      'no SLO at all',
      'apiVersion: openslo/v1\nkind: Service\nmetadata: {name: chat}',
      'no document of kind SLO',
    ],
    ['invalid YAML', 'apiVersion: [openslo/v1\n', 'document 1: line 2, column 1:'],
  ])('%s', (_, text, message) => {
    expect(importProblems(text).join('\n')).toContain(message);
  });
});

describe('insightagent slo import', () => {
  const sink = () => {
    const chunks: string[] = [];
    return {
      stream: { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream,
      text: () => chunks.join(''),
    };
  };

  it('prints the slos: YAML to stdout', () => {
    const out = sink();
    runSloImport({ file: join(FIXTURES, 'ratio-latency.yaml') }, out.stream);
    const config = parseFileConfig(out.text(), 'stdout', {});
    expect(config.slos.map((s) => s.name)).toEqual(['chimera-ttft']);
    expect(out.text()).toContain('threshold_ms: 800');
  });

  it('writes to --out and nothing to stdout', () => {
    const out = sink();
    const path = join(mkdtempSync(join(tmpdir(), 'ia-slo-')), 'slos.yaml');
    runSloImport({ file: join(FIXTURES, 'several.yaml'), out: path }, out.stream);
    expect(out.text()).toBe('');
    expect(parseFileConfig(readFileSync(path, 'utf8'), path, {}).slos).toHaveLength(4);
  });

  it('fails with a ConfigError (exit 2) naming the file', () => {
    const out = sink();
    const missing = () => runSloImport({ file: '/nonexistent/slo.yaml' }, out.stream);
    expect(missing).toThrow(ConfigError);
    expect(missing).toThrow('slo import: cannot read /nonexistent/slo.yaml: ');
    const file = join(FIXTURES, 'vendor-query.yaml');
    expect(() => runSloImport({ file }, out.stream)).toThrow(ConfigError);
    expect(() => runSloImport({ file }, out.stream)).toThrow(
      `${file}: cannot import:\n  document 1 (web-latency)`,
    );
    expect(out.text()).toBe('');
  });
});
