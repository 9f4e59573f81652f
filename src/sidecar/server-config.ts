// The sidecar's configuration: a YAML file (snake_case, validated with zod, each error naming its
// path) merged with the command-line flags, which win.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../config/issues';
import { ConfigError, errorMessage } from '../errors';
import type { BatcherOptions } from './batcher-options';

const positiveInt = z.number().int().positive();

const batcherSchema = z.strictObject({
  max_batch_size: positiveInt.default(8),
  preferred_batch_sizes: z.array(positiveInt).default([]),
  max_queue_delay_ms: z.number().nonnegative().max(2_147_483_647).default(5),
  priority_levels: positiveInt.default(1),
  default_priority: z.number().int().nonnegative().optional(),
  max_queue_size: positiveInt.default(1024),
  max_in_flight: positiveInt.default(1),
  /** Default per-request timeout; `x-request-timeout-ms` overrides it. */
  timeout_ms: z.number().positive().max(2_147_483_647).default(30_000),
});

const rateSchema = z.strictObject({
  rate_per_sec: z.number().positive().finite(),
  burst: z.number().int().min(1),
});

const dimensionSchema = z.strictObject({
  default: rateSchema,
  overrides: z.record(z.string(), rateSchema).default({}),
});

/** The YAML file, as written. */
export const sidecarFileSchema = z.strictObject({
  backend: z.enum(['emulated', 'openai', 'kserve']).optional(),
  upstream: z.url().optional(),
  profile: z.enum(['chimera', 'bench']).optional(),
  /**
   * A fixed model version: the emulated backend's, or, for an upstream, instead of asking it (set
   * it when a redeploy keeps the model's name and card, e.g. new weights at the same path).
   */
  model_version: z.string().min(1).optional(),
  /** How long an upstream's answer to "which version?" holds before it is asked again. */
  model_version_refresh_ms: z.number().int().positive().max(2_147_483_647).default(30_000),
  /** Options for a model not listed under `models`. */
  defaults: batcherSchema.default(batcherSchema.parse({})),
  /** Per model; when any are listed, only these models are served (404 for others). */
  models: z.record(z.string().min(1), batcherSchema).default({}),
  rate_limits: z
    .strictObject({
      /** Buckets per `x-request-type` value. */
      request_type: dimensionSchema.optional(),
      /** Buckets per API key (`Authorization: Bearer <key>`). */
      api_key: dimensionSchema.optional(),
    })
    .default({}),
  cache: z
    .strictObject({
      enabled: z.boolean().default(true),
      max_entries: positiveInt.default(10_000),
      max_bytes: positiveInt.default(64 * 1024 * 1024),
    })
    .default({ enabled: true, max_entries: 10_000, max_bytes: 64 * 1024 * 1024 }),
  /** How long in-flight requests may take to finish on SIGTERM/SIGINT. */
  shutdown_grace_ms: z.number().int().nonnegative().default(10_000),
});

export type SidecarFileConfig = z.output<typeof sidecarFileSchema>;
export type ModelOptions = z.output<typeof batcherSchema>;

/** The flags of `insightagent sidecar`; each one set overrides the file. */
export interface SidecarFlags {
  port?: number;
  host?: string;
  backend?: 'emulated' | 'openai' | 'kserve';
  upstream?: string;
  profile?: 'chimera' | 'bench';
  config?: string;
}

/** The effective configuration of a sidecar process. */
export interface SidecarConfig extends SidecarFileConfig {
  host: string;
  port: number;
  backend: 'emulated' | 'openai' | 'kserve';
  profile: 'chimera' | 'bench';
}

/** Returns the file's configuration, or throws a ConfigError naming the file and each bad path. */
export function parseSidecarFile(value: unknown, where: string): SidecarFileConfig {
  const parsed = sidecarFileSchema.safeParse(value ?? {});
  if (!parsed.success) throw new ConfigError(`${where}: ${formatIssues(parsed.error).join('; ')}`);
  return parsed.data;
}

/** Reads and validates a YAML file; throws a ConfigError naming the file. */
export function loadSidecarFile(file: string): SidecarFileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read: ${errorMessage(err)}`, { cause: err });
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${errorMessage(err)}`, { cause: err });
  }
  return parseSidecarFile(value, file);
}

/** Returns the effective configuration: defaults, then the file, then the flags. */
export function resolveSidecarConfig(flags: SidecarFlags): SidecarConfig {
  const file =
    flags.config === undefined ? parseSidecarFile({}, 'defaults') : loadSidecarFile(flags.config);
  const config: SidecarConfig = {
    ...file,
    host: flags.host ?? '127.0.0.1',
    port: flags.port ?? 8000,
    backend: flags.backend ?? file.backend ?? 'emulated',
    profile: flags.profile ?? file.profile ?? 'chimera',
  };
  const upstream = flags.upstream ?? file.upstream;
  if (upstream !== undefined) config.upstream = upstream;
  if (config.backend !== 'emulated' && config.upstream === undefined)
    throw new ConfigError(
      `--upstream (or upstream: in the file) is required for ${config.backend}`,
    );
  return config;
}

/** Returns the batcher options of one model's YAML entry. */
export function batcherOptionsOf(options: ModelOptions): BatcherOptions {
  return {
    maxBatchSize: options.max_batch_size,
    preferredBatchSizes: options.preferred_batch_sizes,
    maxQueueDelayMs: options.max_queue_delay_ms,
    priorityLevels: options.priority_levels,
    ...(options.default_priority === undefined
      ? {}
      : { defaultPriority: options.default_priority }),
    maxQueueSize: options.max_queue_size,
    maxInFlight: options.max_in_flight,
    defaultTimeoutMs: options.timeout_ms,
  };
}
