// The `drift:` section of the YAML config: one monitor per entry, validated here. A monitor
// compares a model's current window with a reference on a set of features; docs/drift.md.
import { z } from 'zod';
import { formatIssues } from '../config/issues';
import { ConfigError } from '../errors';
import { got, mapping, oneOf } from '../slo/spec-fields';

/** Methods for numeric features; `auto` picks as Evidently does by default (stats/choose). */
export const NUMERIC_METHODS = ['auto', 'ks', 'wasserstein', 'psi', 'jensenshannon'] as const;
/** Methods for categorical features. */
export const CATEGORICAL_METHODS = ['auto', 'chisquare', 'z', 'psi', 'jensenshannon'] as const;

export type NumericMethod = (typeof NUMERIC_METHODS)[number];
export type CategoricalMethod = (typeof CATEGORICAL_METHODS)[number];

/** Where the reference comes from. */
export type ReferenceSpec =
  | { kind: 'rolling'; offsetMs: number }
  | { kind: 'pinned'; fromMs: number; toMs: number }
  | { kind: 'profile'; profileId: string };

/** One drift monitor, validated. */
export interface DriftMonitor {
  name: string;
  /** A model name, or `*` for every model seen. */
  model: string;
  /** Features to compare; empty = every feature seen in the current window. */
  features: string[];
  windowMs: number;
  /** How often the monitor runs (its schedule); each run judges the window ending then. */
  everyMs: number;
  reference: ReferenceSpec;
  numeric: { method: NumericMethod; threshold?: number };
  categorical: { method: CategoricalMethod; threshold?: number };
  /** Below this many values in either window a feature is "insufficient data". */
  minSamples: number;
  /** Dataset drift when the share of drifted features >= this. */
  driftShare: number;
  correction: 'none' | 'benjamini-hochberg';
}

const DURATION = /^([1-9][0-9]*)(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Returns the milliseconds of `30m`, `1h`, `7d`; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const duration = (what: string) =>
  z
    .string({ error: (iss) => `expected ${what} such as 30m, 1h or 7d, ${got(iss.input)}` })
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${what} such as 30m, 1h or 7d, ${got(text)}`,
        });
        return z.NEVER;
      }
      return ms;
    });

const instant = z.iso
  .datetime({ offset: true, error: (iss) => `expected an ISO 8601 time, ${got(iss.input)}` })
  .transform((t) => Date.parse(t));

const reference = z.union(
  [
    mapping({ rolling: duration('an offset') }, 'a rolling reference').transform(
      (r): ReferenceSpec => ({ kind: 'rolling', offsetMs: r.rolling }),
    ),
    mapping({ from: instant, to: instant }, 'a pinned reference').transform(
      (r): ReferenceSpec => ({ kind: 'pinned', fromMs: r.from, toMs: r.to }),
    ),
    mapping({ profile: z.string().min(1) }, 'an uploaded reference profile').transform(
      (r): ReferenceSpec => ({ kind: 'profile', profileId: r.profile }),
    ),
  ],
  {
    error: () =>
      'expected {rolling: 7d} (the same window that long before), {from, to} (a pinned window) or {profile: ID} (an uploaded reference)',
  },
);

const checkedReference = reference.superRefine((r, ctx) => {
  if (r.kind === 'pinned' && r.fromMs >= r.toMs)
    ctx.addIssue({
      code: 'custom',
      message: 'expected a pinned reference whose from is before its to',
    });
});

const threshold = z
  .number({ error: (iss) => `expected a threshold above 0, ${got(iss.input)}` })
  .gt(0, { error: (iss) => `expected a threshold above 0, ${got(iss.input)}` });

// A method and its threshold; `auto` takes Evidently's per-method defaults (p < 0.05, distance
// >= 0.1), so a threshold beside it — one number for two kinds of rule — is refused.
function methodChoice<const T extends readonly [string, ...string[]]>(methods: T) {
  return mapping({
    method: oneOf(methods).default('auto' as T[number]),
    threshold: threshold.optional(),
  })
    .superRefine((m, ctx) => {
      if (m.method === 'auto' && m.threshold !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['threshold'],
          message:
            'a threshold needs a named method; with auto the defaults apply (p < 0.05 for tests, >= 0.1 for distances)',
        });
    })
    .default({ method: 'auto' as T[number] });
}

const monitor = mapping(
  {
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, {
        error: 'expected a name of letters, digits, _ or -',
      })
      .optional(),
    model: z.string({ error: 'expected a model name or "*"' }).min(1),
    features: z.array(z.string().min(1), { error: 'expected a list of feature names' }).default([]),
    window: duration('a window').default(3_600_000),
    every: duration('a schedule').optional(),
    reference: checkedReference.default({ kind: 'rolling', offsetMs: 7 * 86_400_000 }),
    numeric: methodChoice(NUMERIC_METHODS),
    categorical: methodChoice(CATEGORICAL_METHODS),
    min_samples: z.number().int().min(1).default(30),
    drift_share: z.number().gt(0).max(1).default(0.5),
    correction: oneOf(['none', 'benjamini-hochberg']).default('none'),
  },
  'a drift monitor',
).transform(
  (m): DriftMonitor => ({
    name: m.name ?? (m.model === '*' ? 'default' : m.model),
    model: m.model,
    features: m.features,
    windowMs: m.window,
    everyMs: m.every ?? m.window,
    reference: m.reference,
    numeric: m.numeric,
    categorical: m.categorical,
    minSamples: m.min_samples,
    driftShare: m.drift_share,
    correction: m.correction,
  }),
);

const monitors = z.array(monitor).superRefine((list, ctx) => {
  list.forEach((m, i) => {
    if (m.reference.kind === 'rolling' && m.reference.offsetMs < m.windowMs)
      ctx.addIssue({
        code: 'custom',
        path: [i, 'reference'],
        message: `a rolling reference ${m.reference.offsetMs / 60_000} min back overlaps the ${m.windowMs / 60_000}-min current window; expected an offset of at least the window`,
      });
  });
  const seen = new Set<string>();
  list.forEach((m, i) => {
    if (seen.has(m.name))
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `duplicate monitor name "${m.name}"`,
      });
    seen.add(m.name);
  });
});

/** The monitor every model gets when `drift:` is empty: the last hour against the same hour 7 days before. */
export function defaultMonitor(): DriftMonitor {
  return monitors.parse([{ model: '*' }])[0] as DriftMonitor;
}

/** Validates the `drift:` section; throws a ConfigError naming each problem's YAML path. */
export function parseDriftMonitors(section: readonly unknown[], source: string): DriftMonitor[] {
  const result = monitors.safeParse(section);
  if (!result.success)
    throw new ConfigError(
      `${source}: invalid drift section:\n  ${formatIssues(result.error)
        .map((line) => `drift${line.startsWith('[') ? '' : '.'}${line}`)
        .join('\n  ')}`,
    );
  return result.data;
}
