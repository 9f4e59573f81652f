// The `reports:` section of the YAML config: per model (or `*` for every model without an entry),
// the targets its insight report measures against and how its device scales with batch size.
// Validated here; errors name the YAML path as the other sections do.
//
//   reports:
//     chimera:
//       targets: { throughput_rps: 10, ttft_mean_ms: 800, accuracy: 0.85 }
//       device: chimera              # an emulated profile, or { fixed_ms: 180, per_item_ms: 16 }
//       max_in_flight: 1             # batches the device runs at once
//       daily: { channel: oncall }   # post yesterday's report (UTC) to this Slack channel
import { z } from 'zod';
import { formatIssues } from '../config/issues';
import { ConfigError } from '../errors';
import { DEVICE_PROFILES } from '../sidecar/backends/emulated';
import { DEFAULT_THRESHOLDS } from '../slo/default-thresholds';
import type { DeviceProfileEvidence } from './evidence';

/** The config key that applies to every model without an entry of its own. */
export const EVERY_MODEL = '*';

const positive = (what: string) =>
  z.number({ error: `expected ${what}` }).positive(`expected ${what} above 0`);
const share = z
  .number({ error: 'expected a share from 0 to 1' })
  .min(0, 'expected a share from 0 to 1')
  .max(1, 'expected a share from 0 to 1');

// zod's text for an unknown key, said with the keys that are known.
const knownKeys = (keys: readonly string[]) => (issue: z.core.$ZodRawIssue) =>
  issue.code === 'unrecognized_keys'
    ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}; expected ${keys.join(', ')}`
    : undefined;

const TARGET_KEYS = [
  'throughput_rps',
  'ttft_mean_ms',
  'ttft_p95_ms',
  'accuracy',
  'coherence',
] as const;
const targets = z.strictObject(
  {
    throughput_rps: positive('requests per second').optional(),
    ttft_mean_ms: positive('milliseconds').optional(),
    ttft_p95_ms: positive('milliseconds').optional(),
    accuracy: share.optional(),
    coherence: share.optional(),
  },
  { error: knownKeys(TARGET_KEYS) },
);

const profileNames = Object.keys(DEVICE_PROFILES);
const device = z.union(
  [
    z.enum(profileNames as [string, ...string[]]),
    z.strictObject({
      fixed_ms: z.number({ error: 'expected milliseconds' }).nonnegative(),
      per_item_ms: positive('milliseconds per item'),
    }),
  ],
  {
    error: `expected a profile name (${profileNames.join(', ')}) or { fixed_ms, per_item_ms }`,
  },
);

const modelEntry = z.strictObject(
  {
    targets: targets.default({}),
    device: device.optional(),
    max_in_flight: z
      .number({ error: 'expected a whole number of batches' })
      .int('expected a whole number of batches')
      .positive('expected at least 1 batch')
      .default(1),
    daily: z
      .strictObject(
        { channel: z.string({ error: 'expected the name of a slack channel' }).min(1) },
        { error: knownKeys(['channel']) },
      )
      .optional(),
  },
  { error: knownKeys(['targets', 'device', 'max_in_flight', 'daily']) },
);

const section = z.record(z.string().min(1), modelEntry);

/** The reports section, validated. */
export type ReportsConfig = z.output<typeof section>;

/** What one model's report measures against (absent: no target set). */
export interface ModelReportSettings {
  targets: {
    throughputRps?: number;
    ttftMeanMs?: number;
    ttftP95Ms?: number;
    accuracy?: number;
    coherence?: number;
  };
  profile: DeviceProfileEvidence | null;
  inFlight: number;
}

/**
 * Parses the `reports:` mapping; throws a ConfigError naming `where` and each bad path, or a
 * `daily.channel` that is not a slack channel of `slackChannels` (when given).
 */
export function parseReportsConfig(
  raw: unknown,
  where: string,
  slackChannels?: readonly string[],
): ReportsConfig {
  const result = section.safeParse(raw ?? {});
  if (!result.success)
    throw new ConfigError(
      `${where}: invalid configuration:\n  ${formatIssues(result.error).join('\n  ')}`,
    );
  if (slackChannels !== undefined) {
    for (const [model, entry] of Object.entries(result.data)) {
      const channel = entry.daily?.channel;
      if (channel !== undefined && !slackChannels.includes(channel))
        throw new ConfigError(
          `${where}: ${model}.daily.channel: "${channel}" is not a slack channel of channels:` +
            ` (slack channels: ${slackChannels.length === 0 ? 'none' : slackChannels.join(', ')})`,
        );
    }
  }
  return result.data;
}

/** Returns the Slack channel each model's daily report goes to: its own entry's, else `*`'s. */
export function dailyChannelFor(config: ReportsConfig, model: string): string | undefined {
  return (config[model] ?? config[EVERY_MODEL])?.daily?.channel;
}

/**
 * The targets every model starts from: the default SLOs' thresholds (src/slo/defaults.ts) —
 * throughput >= 10 requests/s, TTFT p95 <= 800 ms, accuracy >= 0.85, coherence >= 0.90 — and
 * TTFT mean <= 800 ms. `*` and then the model's own entry override them target by target.
 */
export const DEFAULT_TARGETS: ModelReportSettings['targets'] = {
  throughputRps: DEFAULT_THRESHOLDS.throughputRps,
  ttftMeanMs: DEFAULT_THRESHOLDS.ttftP95Ms,
  ttftP95Ms: DEFAULT_THRESHOLDS.ttftP95Ms,
  accuracy: DEFAULT_THRESHOLDS.accuracy,
  coherence: DEFAULT_THRESHOLDS.coherence,
};

/**
 * Returns the settings of `model`: targets from the defaults, then `*`, then its own entry, each
 * target overriding the one before; device, in-flight and daily post from its own entry, else `*`.
 */
export function reportSettingsFor(config: ReportsConfig, model: string): ModelReportSettings {
  const own = config[model];
  const every = config[EVERY_MODEL];
  const entry = own ?? every;
  const key = own === undefined ? EVERY_MODEL : model;
  return {
    targets: { ...DEFAULT_TARGETS, ...targetsOf(every), ...targetsOf(own) },
    profile: profileOf(entry?.device, `reports.${key}.device`),
    inFlight: entry?.max_in_flight ?? 1,
  };
}

function targetsOf(entry: ReportsConfig[string] | undefined): ModelReportSettings['targets'] {
  const t = entry?.targets ?? {};
  return {
    ...(t.throughput_rps === undefined ? {} : { throughputRps: t.throughput_rps }),
    ...(t.ttft_mean_ms === undefined ? {} : { ttftMeanMs: t.ttft_mean_ms }),
    ...(t.ttft_p95_ms === undefined ? {} : { ttftP95Ms: t.ttft_p95_ms }),
    ...(t.accuracy === undefined ? {} : { accuracy: t.accuracy }),
    ...(t.coherence === undefined ? {} : { coherence: t.coherence }),
  };
}

function profileOf(
  value: z.output<typeof device> | undefined,
  path: string,
): DeviceProfileEvidence | null {
  if (value === undefined) return null;
  if (typeof value === 'string') {
    const profile = DEVICE_PROFILES[value] as NonNullable<(typeof DEVICE_PROFILES)[string]>;
    return {
      fixedMs: profile.fixedMs,
      perItemMs: profile.perItemMs,
      source: `config ${path}: emulated profile "${value}"`,
    };
  }
  return { fixedMs: value.fixed_ms, perItemMs: value.per_item_ms, source: `config ${path}` };
}
