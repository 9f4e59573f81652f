import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { formatIssues } from './issues';
import { type ApiToken, parseTokens } from './tokens';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const got = (input: unknown) => `got ${JSON.stringify(input)}`;

function integer(min: number, max: number, fallback: number, what: string) {
  return z
    .string()
    .regex(/^\d+$/, { error: (iss) => `expected ${what} (${min}-${max}), ${got(iss.input)}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, {
      error: (iss) => `expected ${what} (${min}-${max}), ${got(iss.input)}`,
    })
    .optional()
    .transform((n) => n ?? fallback);
}

function identifier(what: string) {
  return z.string().regex(IDENTIFIER, {
    error: (iss) =>
      `expected ${what}: letters, digits and _ not starting with a digit, ${got(iss.input)}`,
  });
}

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  {
    error: (iss) =>
      `expected an http:// or https:// URL such as http://clickhouse:8123, ${got(iss.input)}`,
  },
);

const schema = z
  .object({
    INSIGHTAGENT_DATA_DIR: z
      .string()
      .optional()
      .transform((v) => resolve(v ?? './data')),
    CLICKHOUSE_URL: httpUrl.optional(),
    CLICKHOUSE_USER: z
      .string()
      .optional()
      .transform((v) => v ?? 'default'),
    CLICKHOUSE_PASSWORD: z
      .string()
      .optional()
      .transform((v) => v ?? ''),
    CLICKHOUSE_DATABASE: identifier('a database name')
      .optional()
      .transform((v) => v ?? 'insightagent'),
    CLICKHOUSE_CLUSTER: identifier('a cluster name').optional(),
    INSIGHTAGENT_HOST: z
      .string()
      .optional()
      .transform((v) => v ?? '127.0.0.1'),
    INSIGHTAGENT_OTLP_PORT: integer(0, 65535, 4318, 'a port number'),
    INSIGHTAGENT_API_PORT: integer(0, 65535, 8080, 'a port number'),
    INSIGHTAGENT_PUBLIC_URL: httpUrl.optional(),
    INSIGHTAGENT_CONFIG: z
      .string()
      .optional()
      .transform((v) => (v === undefined ? undefined : resolve(v))),
    INSIGHTAGENT_TOKENS: z
      .string()
      .optional()
      .transform((spec, ctx): ApiToken[] => {
        if (spec === undefined) return [];
        try {
          return parseTokens(spec);
        } catch (err) {
          ctx.addIssue({
            code: 'custom',
            message: `${(err as Error).message}; format is name:secret:scope+scope,...`,
          });
          return z.NEVER;
        }
      }),
    INSIGHTAGENT_RETENTION_DAYS: integer(1, 3650, 30, 'a number of days'),
    INSIGHTAGENT_ROLLUP_RETENTION_DAYS: integer(1, 3650, 395, 'a number of days'),
    LOG_LEVEL: z
      .enum(LOG_LEVELS, {
        error: (iss) => `expected one of ${LOG_LEVELS.join(', ')}, ${got(iss.input)}`,
      })
      .optional()
      .transform((v) => v ?? 'info'),
  })
  .superRefine((env, ctx) => {
    if (env.CLICKHOUSE_CLUSTER !== undefined && env.CLICKHOUSE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLICKHOUSE_CLUSTER'],
        message:
          'needs CLICKHOUSE_URL: the embedded store is a single node, a cluster is reached through a server',
      });
    }
  });

/** The validated environment. */
export interface Env {
  dataDir: string;
  clickhouse: {
    url?: string;
    user: string;
    password: string;
    database: string;
    cluster?: string;
  };
  host: string;
  otlpPort: number;
  apiPort: number;
  /** Where users reach this service's API (links in retrain payloads); unset: no links. */
  publicUrl?: string;
  configFile?: string;
  tokens: ApiToken[];
  retention: { rawDays: number; rollupDays: number };
  logLevel: string;
}

/** Parses the process environment once; throws a ConfigError listing every bad variable. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  // An empty variable (FOO= in a compose file) means "not set".
  const present = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(`invalid environment:\n  ${formatIssues(result.error).join('\n  ')}`);
  }
  const e = result.data;
  return {
    dataDir: e.INSIGHTAGENT_DATA_DIR,
    clickhouse: {
      url: e.CLICKHOUSE_URL,
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
      cluster: e.CLICKHOUSE_CLUSTER,
    },
    host: e.INSIGHTAGENT_HOST,
    otlpPort: e.INSIGHTAGENT_OTLP_PORT,
    apiPort: e.INSIGHTAGENT_API_PORT,
    ...(e.INSIGHTAGENT_PUBLIC_URL === undefined ? {} : { publicUrl: e.INSIGHTAGENT_PUBLIC_URL }),
    configFile: e.INSIGHTAGENT_CONFIG,
    tokens: e.INSIGHTAGENT_TOKENS,
    retention: {
      rawDays: e.INSIGHTAGENT_RETENTION_DAYS,
      rollupDays: e.INSIGHTAGENT_ROLLUP_RETENTION_DAYS,
    },
    logLevel: e.LOG_LEVEL,
  };
}
