// The `retrain:` section of the YAML config: per model (or `*` for every model without its own
// entry), the conditions that trigger a retrain, the cooldown, the targets and an optional Slack
// channel. Validated here; errors name the YAML path as the channels section does.
import { z } from 'zod';
import type { ChannelConfig } from '../alerts/channels/config';
import { formatPath } from '../config/issues';
import { ConfigError } from '../errors';
import { REDACTED, redactUrl } from '../outbox/redact';
import { WEBHOOK_SECRET_PREFIX, webhookSecretBytes } from '../outbox/standard-webhooks';

/** The kinds of retrain target; each has one module in targets/. */
export const TARGET_KINDS = ['webhook', 'airflow', 'kubeflow', 'github'] as const;

/** One kind of retrain target. */
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The config key that applies to every model without an entry of its own. */
export const EVERY_MODEL = '*';

/** GitHub's repository_dispatch event type when none is configured. */
export const DEFAULT_GITHUB_EVENT_TYPE = 'insightagent.retrain';

/** The cooldown when none is configured: 24 h. */
export const DEFAULT_COOLDOWN_MS = 24 * 3_600_000;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const name = z.string().regex(NAME, {
  error: 'expected a name of letters, digits, "_", "." or "-" (at most 64)',
});
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const nonEmpty = (what: string) =>
  z.string({ error: `expected ${what}` }).min(1, `expected ${what}`);

// The spec asks for keys of 24 to 64 bytes (as for webhook channels).
const whsec = z.string().refine(
  (s) => {
    const n = webhookSecretBytes(s);
    return n !== undefined && n >= 24 && n <= 64;
  },
  { error: `expected ${WEBHOOK_SECRET_PREFIX} followed by base64 of 24 to 64 random bytes` },
);

const DURATION = /^(0|[1-9][0-9]*)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Returns the milliseconds of `0s`, `30m`, `24h`, `7d`; undefined for anything else. */
export function parseCooldown(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const cooldown = z
  .string({ error: 'expected a duration such as 30m, 24h or 7d' })
  .transform((text, ctx) => {
    const ms = parseCooldown(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as 30m, 24h or 7d, got "${text}"`,
      });
      return z.NEVER;
    }
    return ms;
  });

// Names the keys an object takes when it has others (a stray `secret:` on GitHub, a typo).
function strict<S extends z.ZodRawShape>(what: string, shape: S) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; ${what} has ${keys}`
        : iss.code === 'invalid_type'
          ? `expected a mapping (${what})`
          : undefined,
  });
}

const webhook = strict('a webhook target', {
  kind: z.literal('webhook'),
  name: name.optional(),
  url: httpUrl,
  // One secret, or several while rotating: every message is signed with each of them.
  secret: z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z
      .array(whsec, { error: `expected ${WEBHOOK_SECRET_PREFIX}… or a list of them` })
      .min(1, { error: `expected at least one ${WEBHOOK_SECRET_PREFIX}… secret` }),
  ),
});

const airflow = strict('an airflow target', {
  kind: z.literal('airflow'),
  name: name.optional(),
  url: httpUrl,
  // Airflow's own rule for DAG ids (KEY_REGEX).
  dag_id: z.string().regex(/^[A-Za-z0-9_.-]{1,250}$/, {
    error: 'expected a DAG id of letters, digits, "_", "." or "-"',
  }),
  username: nonEmpty('a user name').optional(),
  password: nonEmpty('a password').optional(),
  token: nonEmpty('a bearer token').optional(),
}).superRefine((t, ctx) => {
  if ((t.username === undefined) !== (t.password === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [t.username === undefined ? 'username' : 'password'],
      message: 'basic auth needs both username and password',
    });
  }
  if (t.token !== undefined && t.username !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message: 'expected either username/password or token, not both',
    });
  }
});

const kubeflow = strict('a kubeflow target', {
  kind: z.literal('kubeflow'),
  name: name.optional(),
  url: httpUrl,
  pipeline_id: nonEmpty('a pipeline id'),
  pipeline_version_id: nonEmpty('a pipeline version id').optional(),
  experiment_id: nonEmpty('an experiment id').optional(),
  token: nonEmpty('a bearer token').optional(),
});

const GITHUB_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const github = strict('a github target', {
  kind: z.literal('github'),
  name: name.optional(),
  owner: z.string().regex(GITHUB_NAME, { error: 'expected a GitHub owner (user or organisation)' }),
  repo: z.string().regex(GITHUB_NAME, { error: 'expected a GitHub repository name' }),
  token: nonEmpty('a GitHub token'),
  // GitHub refuses event types over 100 characters.
  event_type: z
    .string()
    .min(1)
    .max(100, { error: 'expected at most 100 characters (GitHub refuses longer)' })
    .default(DEFAULT_GITHUB_EVENT_TYPE),
  // GitHub Enterprise Server: https://HOST/api/v3.
  api_url: httpUrl.default('https://api.github.com'),
});

const target = z.discriminatedUnion('kind', [webhook, airflow, kubeflow, github], {
  error: `expected kind to be one of ${TARGET_KINDS.join(', ')}`,
});

const conditions = strict('on', {
  dataset_drift: z.boolean({ error: 'expected true or false' }).optional(),
  features: strict('features', {
    names: z.array(nonEmpty('a feature name')).min(1, 'expected at least one name').optional(),
    at_least: z.number().int().min(1, 'expected an integer of at least 1').default(1),
  })
    .refine((f) => f.names === undefined || f.at_least <= f.names.length, {
      path: ['at_least'],
      error: 'expected at most as many as the names listed',
    })
    .optional(),
  slo_burn: strict('slo_burn', {
    slos: z.array(nonEmpty('an SLO name')).min(1, 'expected at least one SLO').optional(),
    severity: z.enum(['page', 'ticket'], { error: 'expected page or ticket' }).default('page'),
  }).optional(),
}).refine(
  (on) => on.dataset_drift === true || on.features !== undefined || on.slo_burn !== undefined,
  { error: 'expected at least one condition: dataset_drift: true, features or slo_burn' },
);

const modelEntry = strict('a retrain entry', {
  on: conditions,
  cooldown: cooldown.default(DEFAULT_COOLDOWN_MS),
  targets: z
    .array(target, { error: 'expected a list of targets' })
    .min(1, 'expected at least one target'),
  slack: name.optional(),
}).superRefine((entry, ctx) => {
  const seen = new Set<string>();
  entry.targets.forEach((t, i) => {
    const n = t.name ?? t.kind;
    if (seen.has(n)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', i, 'name'],
        message: `duplicate target name "${n}" (a target is named after its kind unless given a name)`,
      });
    }
    seen.add(n);
  });
});

const section = z.record(z.string().min(1, 'expected a model name or "*"'), modelEntry, {
  error: 'expected a mapping of model name (or "*") to its retrain settings',
});

type RawTarget = z.output<typeof target>;

/** One validated target; `name` defaults to its kind. */
export type RetrainTarget = RawTarget & { name: string };

/** The validated target of one kind. */
export type RetrainTargetOf<K extends TargetKind> = Extract<RetrainTarget, { kind: K }>;

/** The conditions of one entry. */
export type RetrainConditions = z.output<typeof conditions>;

/** The retrain settings of one model (or of `*`). */
export interface ModelRetrainConfig {
  /** The config key: a model name or `*`. */
  key: string;
  on: RetrainConditions;
  cooldownMs: number;
  targets: RetrainTarget[];
  slack?: string;
}

/** The validated `retrain:` section, by config key. */
export type RetrainConfig = ReadonlyMap<string, ModelRetrainConfig>;

/**
 * Returns the validated `retrain:` section; `channels` are the configured alert channels (a
 * `slack:` must name one of kind slack). Throws a ConfigError naming each bad field.
 */
export function parseRetrainConfig(
  raw: unknown,
  channels: readonly ChannelConfig[],
  source = 'retrain',
): RetrainConfig {
  const fail = (lines: string[]) => {
    throw new ConfigError(`invalid retrain configuration:\n  ${lines.join('\n  ')}`);
  };
  const result = section.safeParse(raw ?? {});
  if (!result.success) {
    fail(
      result.error.issues.map(
        (issue) =>
          `${source}${issue.path.length === 0 ? '' : `.${formatPath(issue.path)}`}: ${issue.message}`,
      ),
    );
    return new Map();
  }
  const out = new Map<string, ModelRetrainConfig>();
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(result.data)) {
    if (entry.slack !== undefined) {
      const channel = channels.find((c) => c.name === entry.slack);
      if (channel?.kind !== 'slack') {
        problems.push(
          `${source}.${formatPath([key, 'slack'])}: expected the name of a configured slack channel, got "${entry.slack}"`,
        );
      }
    }
    const config: ModelRetrainConfig = {
      key,
      on: entry.on,
      cooldownMs: entry.cooldown,
      targets: entry.targets.map((t) => ({ ...t, name: t.name ?? t.kind })),
    };
    if (entry.slack !== undefined) config.slack = entry.slack;
    out.set(key, config);
  }
  if (problems.length > 0) fail(problems);
  return out;
}

/** Returns the settings that apply to `model`: its own entry, else `*`, else undefined. */
export function retrainConfigFor(
  config: RetrainConfig,
  model: string,
): ModelRetrainConfig | undefined {
  return config.get(model) ?? config.get(EVERY_MODEL);
}

/** Returns the target as safe to log or show: URLs without path or query, secrets redacted. */
export function redactTarget(t: RetrainTarget): Record<string, unknown> {
  switch (t.kind) {
    case 'webhook':
      return {
        name: t.name,
        kind: t.kind,
        url: redactUrl(t.url),
        secret: t.secret.map(() => REDACTED),
      };
    case 'airflow':
      return {
        name: t.name,
        kind: t.kind,
        url: redactUrl(t.url),
        dag_id: t.dag_id,
        auth: t.token !== undefined ? 'bearer' : t.username !== undefined ? 'basic' : 'none',
      };
    case 'kubeflow':
      return {
        name: t.name,
        kind: t.kind,
        url: redactUrl(t.url),
        pipeline_id: t.pipeline_id,
        auth: t.token !== undefined ? 'bearer' : 'none',
      };
    case 'github':
      return {
        name: t.name,
        kind: t.kind,
        owner: t.owner,
        repo: t.repo,
        event_type: t.event_type,
        token: REDACTED,
      };
  }
}
