import { formatIssues } from '../../../src/config/issues';
import { parseSloEntry, type SloSpec, sloListSchema, toConfigEntry } from '../../../src/slo/spec';
import { nearestExactBounds } from '../../../src/slo/spec-fields';

const latency = { kind: 'latency', field: 'ttft_ms', threshold_ms: 800 };
const base = { name: 'ttft', model: 'chimera', sli: latency, objective: 0.99 };

/** The problems of one entry, as `path: message` lines relative to the entry. */
function problems(raw: unknown): string[] {
  const result = parseSloEntry(raw);
  return result.success ? [] : formatIssues(result.error);
}

function parse(raw: unknown): SloSpec {
  const result = parseSloEntry(raw);
  if (!result.success) throw new Error(formatIssues(result.error).join('\n'));
  return result.data;
}

describe('SLO spec: valid entries', () => {
  it('fills every default for a latency SLO', () => {
    expect(parse({ name: 'ttft', sli: latency, objective: 0.99 })).toEqual({
      name: 'ttft',
      model: '*',
      sli: { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 },
      objective: 0.99,
      window: { kind: 'rolling', days: 30 },
      budgeting: 'occurrences',
      alerting: { minEvents: 100, page: true, ticket: true },
    });
  });

  it.each<[string, Record<string, unknown>, Partial<SloSpec>]>([
    [
      'availability, 7-day window, no ticket',
      {
        sli: { kind: 'availability' },
        window: { rolling: '7d' },
        alerting: { ticket: false },
        budgeting: 'occurrences',
      },
      {
        sli: { kind: 'availability' },
        window: { kind: 'rolling', days: 7 },
        alerting: { minEvents: 100, page: true, ticket: false },
      },
    ],
    [
      'quality with a three-decimal threshold, calendar month',
      {
        sli: { kind: 'quality', score: 'accuracy', threshold: 0.855 },
        window: { calendar: 'month' },
      },
      {
        sli: { kind: 'quality', score: 'accuracy', threshold: 0.855 },
        window: { kind: 'calendar', unit: 'month' },
      },
    ],
    [
      'latency on queue time at a sub-millisecond bound',
      { sli: { kind: 'latency', field: 'queue_ms', threshold_ms: 0.25 } },
      { sli: { kind: 'latency', field: 'queue_ms', thresholdMs: 0.25 } },
    ],
    [
      'timeslice throughput: minimum-events guard off by default',
      { sli: { kind: 'timeslice', metric: 'throughput_rps', op: '>=', threshold: 10 } },
      {
        sli: {
          kind: 'timeslice',
          metric: 'throughput_rps',
          op: '>=',
          threshold: 10,
          sliceMinutes: 1,
        },
        budgeting: 'timeslices',
        alerting: { minEvents: 0, page: true, ticket: true },
      },
    ],
    [
      'timeslice score mean over 5-minute slices',
      {
        sli: {
          kind: 'timeslice',
          metric: 'score_mean',
          score: 'coherence',
          op: '>=',
          threshold: 0.9,
          slice: '5m',
        },
        budgeting: 'timeslices',
        alerting: { min_events: 20 },
      },
      {
        sli: {
          kind: 'timeslice',
          metric: 'score_mean',
          score: 'coherence',
          op: '>=',
          threshold: 0.9,
          sliceMinutes: 5,
        },
        alerting: { minEvents: 20, page: true, ticket: true },
      },
    ],
    [
      'timeslice p95 over one-hour slices',
      {
        sli: {
          kind: 'timeslice',
          metric: 'latency_p95_ms',
          op: '<=',
          threshold: 2500,
          slice: '1h',
        },
      },
      {
        sli: {
          kind: 'timeslice',
          metric: 'latency_p95_ms',
          op: '<=',
          threshold: 2500,
          sliceMinutes: 60,
        },
      },
    ],
  ])('%s', (_, fields, expected) => {
    expect(parse({ ...base, ...fields })).toMatchObject(expected);
  });

  it('keeps a description and accepts names with _ and -', () => {
    expect(parse({ ...base, name: 'Chimera_ttft-2', description: 'first token' })).toMatchObject({
      name: 'Chimera_ttft-2',
      description: 'first token',
    });
  });

  it.each([
    base,
    { ...base, sli: { kind: 'availability' }, window: { calendar: 'month' } },
    {
      ...base,
      sli: {
        kind: 'timeslice',
        metric: 'score_mean',
        score: 'acc',
        op: '<=',
        threshold: 1,
        slice: '15m',
      },
      alerting: { min_events: 0, page: false, ticket: true },
    },
  ])('renders back to an entry that parses to the same spec (%#)', (raw) => {
    const spec = parse(raw);
    expect(parse(toConfigEntry(spec))).toEqual(spec);
  });
});

describe('SLO spec: refused entries name the field and what was expected', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'objective 1.5',
      { objective: 1.5 },
      'objective: expected a number between 0 and 1 (exclusive), got 1.5',
    ],
    [
      'objective 0',
      { objective: 0 },
      'objective: expected a number between 0 and 1 (exclusive), got 0',
    ],
    [
      'objective 1',
      { objective: 1 },
      'objective: expected a number between 0 and 1 (exclusive), got 1',
    ],
    ['objective as a percentage', { objective: 99.9 }, 'got 99.9 (99.9 % is written 0.999)'],
    [
      'objective as text',
      { objective: '0.99' },
      'objective: expected a number between 0 and 1 (exclusive), got "0.99"',
    ],
    [
      'objective missing',
      { objective: undefined },
      'objective: expected a number between 0 and 1 (exclusive), got nothing',
    ],
    [
      'name with a space',
      { name: 'ttft p95' },
      'name: expected a name: a letter, then letters, digits, "_" or "-", at most 63 characters, got "ttft p95"',
    ],
    ['name starting with a digit', { name: '9ttft' }, 'name: expected a name'],
    ['name too long', { name: `a${'b'.repeat(63)}` }, 'name: expected a name'],
    ['empty model', { model: '' }, 'model: expected a model name or "*" for every model, got ""'],
    [
      'unknown key',
      { objectve: 0.9 },
      '(root): unknown key "objectve"; expected name, model, description, sli, objective, window, budgeting, alerting',
    ],
    [
      'sli missing',
      { sli: undefined },
      'sli: expected a mapping with kind (latency, availability, quality, timeslice) and its fields, got nothing',
    ],
    [
      'unknown sli kind',
      { sli: { kind: 'error_rate' } },
      'sli.kind: expected one of latency, availability, quality, timeslice, got "error_rate"',
    ],
    [
      'unknown latency field',
      { sli: { ...latency, field: 'tpot_ms' } },
      'sli.field: expected one of ttft_ms, latency_ms, queue_ms, got "tpot_ms"',
    ],
    [
      'threshold not a histogram bound',
      { sli: { ...latency, threshold_ms: 801 } },
      'sli.threshold_ms: 801 ms is not an exact bound of the rollup histograms (durations are kept to two significant digits in microseconds); use 800 or 810',
    ],
    [
      'threshold between bounds above 1 s',
      { sli: { ...latency, threshold_ms: 1234 } },
      'use 1200 or 1300',
    ],
    [
      'threshold finer than a microsecond',
      { sli: { ...latency, threshold_ms: 0.0005 } },
      'sli.threshold_ms: 0.0005 ms is not an exact bound',
    ],
    [
      'threshold 0',
      { sli: { ...latency, threshold_ms: 0 } },
      'sli.threshold_ms: expected a duration in milliseconds above 0, got 0',
    ],
    [
      'threshold in seconds text',
      { sli: { ...latency, threshold_ms: '800ms' } },
      'sli.threshold_ms: expected a duration in milliseconds, got "800ms"',
    ],
    [
      'extra key on availability',
      { sli: { kind: 'availability', threshold: 1 } },
      'sli: unknown key "threshold"; expected kind',
    ],
    [
      'quality with 4 decimals',
      { sli: { kind: 'quality', score: 'accuracy', threshold: 0.8505 } },
      'sli.threshold: expected a score threshold with at most 3 decimals (scores are kept to 0.001 in the rollups), got 0.8505',
    ],
    [
      'quality without score',
      { sli: { kind: 'quality', threshold: 0.8 } },
      'sli.score: expected a score name such as accuracy or coherence, got nothing',
    ],
    [
      'timeslice without op',
      { sli: { kind: 'timeslice', metric: 'throughput_rps', threshold: 10 } },
      'sli.op: expected one of >=, <=, got nothing',
    ],
    [
      'timeslice with >',
      { sli: { kind: 'timeslice', metric: 'throughput_rps', op: '>', threshold: 10 } },
      'sli.op: expected one of >=, <=, got ">"',
    ],
    [
      'timeslice unknown metric',
      { sli: { kind: 'timeslice', metric: 'tokens_per_s', op: '>=', threshold: 10 } },
      'sli.metric: expected one of throughput_rps, ttft_p95_ms, latency_p95_ms, score_mean, got "tokens_per_s"',
    ],
    [
      'timeslice 3m slice',
      {
        sli: { kind: 'timeslice', metric: 'throughput_rps', op: '>=', threshold: 10, slice: '3m' },
      },
      'sli.slice: expected one of 1m, 5m, 10m, 15m, 30m, 1h, got "3m"',
    ],
    [
      'score_mean without score',
      { sli: { kind: 'timeslice', metric: 'score_mean', op: '>=', threshold: 0.8 } },
      'sli.score: metric score_mean needs the score whose mean is judged, e.g. score: accuracy',
    ],
    [
      'score on throughput',
      {
        sli: {
          kind: 'timeslice',
          metric: 'throughput_rps',
          score: 'accuracy',
          op: '>=',
          threshold: 1,
        },
      },
      'sli.score: score applies to metric score_mean only, not throughput_rps',
    ],
    [
      'negative throughput',
      { sli: { kind: 'timeslice', metric: 'throughput_rps', op: '>=', threshold: -1 } },
      'sli.threshold: expected a threshold of 0 or more for throughput_rps, got -1',
    ],
    [
      'p95 as a lower bound',
      { sli: { kind: 'timeslice', metric: 'ttft_p95_ms', op: '>=', threshold: 800 } },
      'sli.op: ttft_p95_ms is an upper bound: expected op "<=", got ">="',
    ],
    [
      'p95 off the histogram bounds',
      { sli: { kind: 'timeslice', metric: 'latency_p95_ms', op: '<=', threshold: 1234 } },
      'sli.threshold: 1234 ms is not an exact bound of the rollup histograms (durations are kept to two significant digits in microseconds); use 1200 or 1300',
    ],
    [
      'negative p95',
      { sli: { kind: 'timeslice', metric: 'ttft_p95_ms', op: '<=', threshold: -5 } },
      'sli.threshold: expected a duration in milliseconds above 0, got -5',
    ],
    [
      'window both',
      { window: { rolling: '30d', calendar: 'month' } },
      'window: expected {rolling: 7d|28d|30d} or {calendar: month}',
    ],
    [
      'window empty',
      { window: {} },
      'window: expected {rolling: 7d|28d|30d} or {calendar: month}, got {}',
    ],
    [
      'window 14d',
      { window: { rolling: '14d' } },
      'window.rolling: expected one of 7d, 28d, 30d, got "14d"',
    ],
    [
      'window as text',
      { window: '30d' },
      'window: expected a window with rolling, calendar, got "30d"',
    ],
    [
      'window calendar week',
      { window: { calendar: 'week' } },
      'window.calendar: expected one of month, got "week"',
    ],
    [
      'timeslices budgeting for latency',
      { budgeting: 'timeslices' },
      'budgeting: a latency SLI counts good events; expected budgeting: occurrences (per-slice objectives are kind: timeslice)',
    ],
    [
      'occurrences budgeting for timeslice',
      {
        sli: { kind: 'timeslice', metric: 'throughput_rps', op: '>=', threshold: 1 },
        budgeting: 'occurrences',
      },
      'budgeting: a timeslice SLI counts good slices; expected budgeting: timeslices',
    ],
    [
      'unknown budgeting',
      { budgeting: 'Occurrences' },
      'budgeting: expected one of occurrences, timeslices, got "Occurrences"',
    ],
    [
      'negative min_events',
      { alerting: { min_events: -1 } },
      'alerting.min_events: expected events, a whole number from 0 to 1000000000, got -1',
    ],
    [
      'page as text',
      { alerting: { page: 'yes' } },
      'alerting.page: expected true or false, got "yes"',
    ],
    [
      'unknown alerting key',
      { alerting: { severity: 'page' } },
      'alerting: unknown key "severity"; expected min_events, page, ticket',
    ],
    ['description not text', { description: 5 }, 'description: expected a text, got 5'],
  ])('%s', (_, fields, message) => {
    const lines = problems({ ...base, ...fields });
    expect(lines.join('\n')).toContain(message);
  });

  it.each<[number, Record<string, unknown> | undefined, string[]]>([
    [
      0.9,
      undefined,
      [
        'objective: page 1h/5m at 14.4x can never fire at objective 0.9: a burn rate of 14.4 needs 14.4 x (1 - 0.9) = 144 % of events to be bad, and at most 100 % can be; use a threshold of at most 10 or an objective of at least 0.930556 (or set alerting.page: false)',
      ],
    ],
    [0.9, { page: false }, []],
    [0.93, { page: true, ticket: true }, ['objective: page 1h/5m at 14.4x can never fire']],
    [0.8, { page: false }, []],
    [0.5, { page: false }, ['objective: ticket 1d/2h at 3x can never fire at objective 0.5']],
    [0.5, { page: false, ticket: false }, []],
  ])('objective %d with alerting %j: alerts that can never fire are refused', (o, a, expected) => {
    const lines = problems({ ...base, objective: o, ...(a === undefined ? {} : { alerting: a }) });
    expect(lines).toHaveLength(expected.length);
    expected.forEach((line, i) => {
      expect(lines[i]).toContain(line);
    });
  });

  it('refuses an entry that is not a mapping', () => {
    expect(problems(5)).toEqual([
      '(root): expected an SLO with name, model, description, sli, objective, window, budgeting, alerting, got 5',
    ]);
  });
});

describe('SLO list', () => {
  it('defaults to no SLOs', () => {
    expect(sloListSchema.parse(undefined)).toEqual([]);
  });

  it('refuses a duplicate name at the later entry', () => {
    const result = sloListSchema.safeParse([
      base,
      { ...base, model: 'other' },
      { ...base, name: 'x' },
    ]);
    expect(result.success).toBe(false);
    expect(result.success ? [] : formatIssues(result.error)).toEqual([
      '[1].name: duplicate name "ttft" (entry 0 has it); SLO names must be unique',
    ]);
  });
});

describe('nearest exact histogram bounds', () => {
  it.each([
    [801, 800, 810],
    [1234, 1200, 1300],
    [99.95, 99, 100],
    [0.123, 0.12, 0.13],
    [12345, 12000, 13000],
  ])('%d ms lies between %d and %d', (ms, below, above) => {
    expect(nearestExactBounds(ms)).toEqual({ below, above });
  });
});
