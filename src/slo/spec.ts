// The SLO specification: one entry of the YAML `slos:` list, validated and normalised. Pure; the
// evaluation (burn rates, budgets) reads SloSpec and never the YAML. Shapes: docs/slo.md.
import { z } from 'zod';
import { conditionProblems, WORKBOOK_CONDITIONS } from './burn-rate';
import {
  durationThreshold,
  finiteNumber,
  got,
  mapping,
  nonEmptyString,
  objective,
  oneOf,
  scoreName,
  scoreThreshold,
  sloName,
  wholeNumber,
} from './spec-fields';
import { REFERENCE_PERIOD_MS } from './windows';

/** The model of an SLO that applies to every model seen. */
export const EVERY_MODEL = '*';

export const LATENCY_FIELDS = ['ttft_ms', 'latency_ms', 'queue_ms'] as const;
export const TIMESLICE_METRICS = [
  'throughput_rps',
  'ttft_p95_ms',
  'latency_p95_ms',
  'score_mean',
] as const;
export const TIMESLICE_OPS = ['>=', '<='] as const;
/** Slice lengths: each divides an hour, so slices line up with minute rollups and hours. */
export const SLICES = ['1m', '5m', '10m', '15m', '30m', '1h'] as const;
export const ROLLING_WINDOWS = ['7d', '28d', '30d'] as const;
export const BUDGETING = ['occurrences', 'timeslices'] as const;

export type LatencyField = (typeof LATENCY_FIELDS)[number];
export type TimesliceMetric = (typeof TIMESLICE_METRICS)[number];
export type TimesliceOp = (typeof TIMESLICE_OPS)[number];
export type Slice = (typeof SLICES)[number];
export type RollingWindow = (typeof ROLLING_WINDOWS)[number];
export type Budgeting = (typeof BUDGETING)[number];

/** What a good event (or a good slice) is. */
export type Sli =
  | { kind: 'latency'; field: LatencyField; thresholdMs: number }
  | { kind: 'availability' }
  | { kind: 'quality'; score: string; threshold: number }
  | {
      kind: 'timeslice';
      metric: TimesliceMetric;
      /** Set exactly when metric is score_mean. */
      score?: string;
      op: TimesliceOp;
      threshold: number;
      sliceMinutes: number;
    };

/** The SLO window: rolling over the last `days`, or the current calendar month (UTC). */
export type SloWindow =
  | { kind: 'rolling'; days: 7 | 28 | 30 }
  | { kind: 'calendar'; unit: 'month' };

/** Which burn-rate alerts an SLO may raise, and the fewest events that may raise one. */
export interface SloAlerting {
  /** Alerts need at least this many events in the pair's long window (docs/slo.md). */
  minEvents: number;
  page: boolean;
  ticket: boolean;
}

/** One SLO, validated and with every default filled in. */
export interface SloSpec {
  name: string;
  /** A model name, or EVERY_MODEL: one SLO per model seen. */
  model: string;
  description?: string;
  sli: Sli;
  /** Share of good events (occurrences) or good slices (timeslices), 0 < objective < 1. */
  objective: number;
  window: SloWindow;
  budgeting: Budgeting;
  alerting: SloAlerting;
}

/**
 * The minimum-events default: 100 observations in the long window (requests, or scored requests
 * for quality and score_mean), so a 14.4x burn at 99 % means at least 15 bad events, not one or
 * two unlucky ones. Throughput SLOs default to 0: low traffic is what they measure.
 */
export function defaultMinEvents(sli: Sli): number {
  return sli.kind === 'timeslice' && sli.metric === 'throughput_rps' ? 0 : 100;
}

/** Returns the alert severities that have a condition which can never fire at `objective`. */
export function neverFiringSeverities(objective: number): Array<'page' | 'ticket'> {
  const found = WORKBOOK_CONDITIONS.filter(
    (c) => conditionProblems(objective, [c], REFERENCE_PERIOD_MS).length > 0,
  ).map((c) => c.severity);
  return [...new Set(found)];
}

/** The budgeting method an SLI kind implies. */
export function budgetingOf(sli: Sli): Budgeting {
  return sli.kind === 'timeslice' ? 'timeslices' : 'occurrences';
}

const SLI_KINDS = ['latency', 'availability', 'quality', 'timeslice'] as const;

const latencySli = mapping(
  { kind: z.literal('latency'), field: oneOf(LATENCY_FIELDS), threshold_ms: durationThreshold },
  'a latency SLI',
);
const availabilitySli = mapping({ kind: z.literal('availability') }, 'an availability SLI');
const qualitySli = mapping(
  { kind: z.literal('quality'), score: scoreName, threshold: scoreThreshold },
  'a quality SLI',
);
const timesliceSli = mapping(
  {
    kind: z.literal('timeslice'),
    metric: oneOf(TIMESLICE_METRICS),
    score: scoreName.optional(),
    op: oneOf(TIMESLICE_OPS),
    threshold: finiteNumber('a threshold'),
    slice: oneOf(SLICES).default('1m'),
  },
  'a timeslice SLI',
).superRefine((sli, ctx) => {
  if (sli.metric === 'score_mean' && sli.score === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['score'],
      message: 'metric score_mean needs the score whose mean is judged, e.g. score: accuracy',
    });
  }
  if (sli.metric !== 'score_mean' && sli.score !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['score'],
      message: `score applies to metric score_mean only, not ${sli.metric}`,
    });
  }
  if (sli.metric === 'ttft_p95_ms' || sli.metric === 'latency_p95_ms') {
    // Judged by counting the slice's requests <= threshold in the rollup histograms: exact for
    // an upper bound on a histogram bound, not answerable for a lower bound.
    if (sli.op !== '<=')
      ctx.addIssue({
        code: 'custom',
        path: ['op'],
        message: `${sli.metric} is an upper bound: expected op "<=", got "${sli.op}"`,
      });
    const threshold = durationThreshold.safeParse(sli.threshold);
    for (const issue of threshold.success ? [] : threshold.error.issues)
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: issue.message });
    return;
  }
  if (sli.metric !== 'score_mean' && sli.threshold < 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['threshold'],
      message: `expected a threshold of 0 or more for ${sli.metric}, ${got(sli.threshold)}`,
    });
  }
});

const sli = z.discriminatedUnion('kind', [latencySli, availabilitySli, qualitySli, timesliceSli], {
  error: (iss) =>
    iss.code === 'invalid_union'
      ? `expected one of ${SLI_KINDS.join(', ')}, ${got((iss.input as { kind?: unknown })?.kind)}`
      : `expected a mapping with kind (${SLI_KINDS.join(', ')}) and its fields, ${got(iss.input)}`,
});

const WINDOW_SHAPES = 'expected {rolling: 7d|28d|30d} or {calendar: month}';
const window = mapping(
  { rolling: oneOf(ROLLING_WINDOWS).optional(), calendar: oneOf(['month']).optional() },
  'a window',
).superRefine((w, ctx) => {
  if ((w.rolling === undefined) === (w.calendar === undefined)) {
    ctx.addIssue({ code: 'custom', message: `${WINDOW_SHAPES}, ${got(w)}` });
  }
});

const alerting = mapping(
  {
    min_events: wholeNumber(0, 1_000_000_000, 'events').optional(),
    page: z.boolean({ error: (iss) => `expected true or false, ${got(iss.input)}` }).optional(),
    ticket: z.boolean({ error: (iss) => `expected true or false, ${got(iss.input)}` }).optional(),
  },
  'alerting settings',
);

const entry = mapping(
  {
    name: sloName,
    model: nonEmptyString(`a model name or "${EVERY_MODEL}" for every model`).default(EVERY_MODEL),
    description: z
      .string({ error: (iss) => `expected a text, ${got(iss.input)}` })
      .max(1050, { error: 'expected at most 1050 characters' })
      .optional(),
    sli,
    objective,
    window: window.optional(),
    budgeting: oneOf(BUDGETING).optional(),
    alerting: alerting.optional(),
  },
  'an SLO',
)
  .superRefine((raw, ctx) => {
    // Thresholds are kept when windows are scaled to the SLO period (docs/slo-math.md), so the
    // Workbook's 30-day conditions tell whether any enabled alert could never fire.
    for (const condition of WORKBOOK_CONDITIONS) {
      if (raw.alerting?.[condition.severity] === false) continue;
      for (const problem of conditionProblems(raw.objective, [condition], REFERENCE_PERIOD_MS)) {
        ctx.addIssue({
          code: 'custom',
          path: ['objective'],
          message: `${problem} (or set alerting.${condition.severity}: false)`,
        });
      }
    }
    const implied = raw.sli.kind === 'timeslice' ? 'timeslices' : 'occurrences';
    if (raw.budgeting !== undefined && raw.budgeting !== implied) {
      ctx.addIssue({
        code: 'custom',
        path: ['budgeting'],
        message:
          implied === 'timeslices'
            ? 'a timeslice SLI counts good slices; expected budgeting: timeslices'
            : `a ${raw.sli.kind} SLI counts good events; expected budgeting: occurrences (per-slice objectives are kind: timeslice)`,
      });
    }
  })
  .transform((raw): SloSpec => {
    const parsedSli = toSli(raw.sli);
    return {
      name: raw.name,
      model: raw.model,
      ...(raw.description === undefined ? {} : { description: raw.description }),
      sli: parsedSli,
      objective: raw.objective,
      window: raw.window?.calendar
        ? { kind: 'calendar', unit: 'month' }
        : { kind: 'rolling', days: rollingDays(raw.window?.rolling ?? '30d') },
      budgeting: budgetingOf(parsedSli),
      alerting: {
        minEvents: raw.alerting?.min_events ?? defaultMinEvents(parsedSli),
        page: raw.alerting?.page ?? true,
        ticket: raw.alerting?.ticket ?? true,
      },
    };
  });

function toSli(raw: z.output<typeof sli>): Sli {
  switch (raw.kind) {
    case 'latency':
      return { kind: 'latency', field: raw.field, thresholdMs: raw.threshold_ms };
    case 'availability':
      return { kind: 'availability' };
    case 'quality':
      return { kind: 'quality', score: raw.score, threshold: raw.threshold };
    case 'timeslice':
      return {
        kind: 'timeslice',
        metric: raw.metric,
        ...(raw.score === undefined ? {} : { score: raw.score }),
        op: raw.op,
        threshold: raw.threshold,
        sliceMinutes: sliceMinutes(raw.slice),
      };
  }
}

function rollingDays(w: RollingWindow): 7 | 28 | 30 {
  return w === '7d' ? 7 : w === '28d' ? 28 : 30;
}

/** Minutes in a slice length ('5m' -> 5, '1h' -> 60). */
export function sliceMinutes(slice: Slice): number {
  return slice.endsWith('h') ? Number.parseInt(slice, 10) * 60 : Number.parseInt(slice, 10);
}

/** The zod schema of one `slos:` entry: YAML (snake_case) in, SloSpec out. */
export const sloEntrySchema = entry;

/** The zod schema of the `slos:` section: a list of SLOs with unique names. */
export const sloListSchema = z
  .array(entry, { error: (iss) => `expected a list of SLOs, ${got(iss.input)}` })
  .superRefine((slos, ctx) => {
    const first = new Map<string, number>();
    slos.forEach((slo, i) => {
      const seen = first.get(slo.name);
      if (seen === undefined) first.set(slo.name, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `duplicate name "${slo.name}" (entry ${seen} has it); SLO names must be unique`,
        });
    });
  })
  .default([]);

/** Parses one SLO entry; returns the spec or the zod error (paths relative to the entry). */
export function parseSloEntry(raw: unknown): z.ZodSafeParseResult<SloSpec> {
  return entry.safeParse(raw);
}

/** Returns the YAML mapping (snake_case, every field explicit) that parses back to `spec`. */
export function toConfigEntry(spec: SloSpec): Record<string, unknown> {
  return {
    name: spec.name,
    model: spec.model,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    sli: sliEntry(spec.sli),
    objective: spec.objective,
    window:
      spec.window.kind === 'calendar'
        ? { calendar: spec.window.unit }
        : { rolling: `${spec.window.days}d` },
    budgeting: spec.budgeting,
    alerting: {
      min_events: spec.alerting.minEvents,
      page: spec.alerting.page,
      ticket: spec.alerting.ticket,
    },
  };
}

function sliEntry(s: Sli): Record<string, unknown> {
  switch (s.kind) {
    case 'latency':
      return { kind: s.kind, field: s.field, threshold_ms: s.thresholdMs };
    case 'availability':
      return { kind: s.kind };
    case 'quality':
      return { kind: s.kind, score: s.score, threshold: s.threshold };
    case 'timeslice':
      return {
        kind: s.kind,
        metric: s.metric,
        ...(s.score === undefined ? {} : { score: s.score }),
        op: s.op,
        threshold: s.threshold,
        slice: s.sliceMinutes % 60 === 0 ? `${s.sliceMinutes / 60}h` : `${s.sliceMinutes}m`,
      };
  }
}
