// The `channels:` section of the YAML config: one entry per destination, validated here, and the
// redacted view of it for logs and API answers (URLs and secrets carry keys).
import { z } from 'zod';
import { formatPath } from '../../config/issues';
import { ConfigError } from '../../errors';
import { REDACTED, redactUrl } from '../../outbox/redact';
import { WEBHOOK_SECRET_PREFIX, webhookSecretBytes } from '../../outbox/standard-webhooks';

/** The kinds of destination; each has one entry in the channel table. */
export const CHANNEL_KINDS = ['slack', 'webhook', 'alertmanager'] as const;

/** One kind of destination. */
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'expected an http:// or https:// URL',
});

// The spec asks for keys of 24 to 64 bytes; shorter ones are refused as guessable.
const whsec = z.string().refine(
  (s) => {
    const n = webhookSecretBytes(s);
    return n !== undefined && n >= 24 && n <= 64;
  },
  { error: `expected ${WEBHOOK_SECRET_PREFIX} followed by base64 of 24 to 64 random bytes` },
);

const common = {
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    error: 'expected a name of letters, digits, "_", "." or "-" (at most 64)',
  }),
  url: httpUrl,
  ui_url: httpUrl.optional(),
  grafana_url: httpUrl.optional(),
};

// Names the keys a kind takes when an entry has others (a stray `secret:` on Slack, a typo).
function strict<S extends z.ZodRawShape>(kind: string, shape: S) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; a ${kind} channel has ${keys}`
        : undefined,
  });
}

const slack = strict('slack', { ...common, kind: z.literal('slack') });
const alertmanager = strict('alertmanager', { ...common, kind: z.literal('alertmanager') });
// One secret, or several while rotating: every message is signed with each of them.
const webhook = strict('webhook', {
  ...common,
  kind: z.literal('webhook'),
  secret: z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z
      .array(whsec, { error: `expected ${WEBHOOK_SECRET_PREFIX}… or a list of them` })
      .min(1, { error: `expected at least one ${WEBHOOK_SECRET_PREFIX}… secret` }),
  ),
});

const channelConfig = z.discriminatedUnion('kind', [slack, webhook, alertmanager], {
  error: `expected kind to be one of ${CHANNEL_KINDS.join(', ')}`,
});

const channelsSection = z
  .array(channelConfig, { error: 'expected a list of channels' })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((c, i) => {
      if (seen.has(c.name)) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name "${c.name}"` });
      }
      seen.add(c.name);
    });
  });

/** One validated channel; a webhook's `secret` is always a list. */
export type ChannelConfig = z.infer<typeof channelConfig>;

/** The configuration of the channels of one kind. */
export type ChannelConfigOf<K extends ChannelKind> = Extract<ChannelConfig, { kind: K }>;

/** Returns the validated `channels:` entries; throws a ConfigError naming each bad field. */
export function parseChannels(raw: unknown, source = 'channels'): ChannelConfig[] {
  const result = channelsSection.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) =>
        `${source}${issue.path.length === 0 ? '' : formatPath(issue.path)}: ${issue.message}`,
    );
    throw new ConfigError(`invalid channel configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

/** Returns the channel as safe to log or show: URLs without path or query, secrets redacted. */
export function redactChannel(config: ChannelConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: config.name,
    kind: config.kind,
    url: redactUrl(config.url),
  };
  if (config.ui_url !== undefined) out.ui_url = config.ui_url;
  if (config.grafana_url !== undefined) out.grafana_url = config.grafana_url;
  if (config.kind === 'webhook') out.secret = config.secret.map(() => REDACTED);
  return out;
}

/** Returns every secret string of the channel (its URL, its keys), for `scrubSecrets`. */
export function channelSecrets(config: ChannelConfig): string[] {
  return config.kind === 'webhook' ? [config.url, ...config.secret] : [config.url];
}
