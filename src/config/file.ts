import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../errors';
import { ingestSection } from '../ingest/settings';
import { outboundSection } from '../outbox/allowlist';
import { sloListSchema } from '../slo/spec';
import { formatIssues, formatPath } from './issues';

const SECTIONS = ['slos', 'drift', 'channels', 'retrain', 'ingest', 'reports', 'outbound'] as const;

const mapping = z.record(z.string(), z.unknown(), { error: 'expected a mapping (key: value)' });
const listOfMappings = z.array(mapping, { error: 'expected a list' }).default([]);

// Each section's entries are validated in full by the module that owns it (drift, alerts,
// retrain, report); here only the outline is checked. `slos`, `ingest` and `outbound` are
// validated here, by their owners' schemas (src/slo/spec.ts, src/ingest/settings.ts,
// src/outbox/allowlist.ts).
const schema = z.strictObject(
  {
    slos: sloListSchema,
    drift: listOfMappings,
    channels: listOfMappings,
    retrain: mapping.default({}),
    ingest: ingestSection,
    reports: mapping.default({}),
    outbound: outboundSection,
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; the sections are ${SECTIONS.join(', ')}`
        : `expected a mapping with the sections ${SECTIONS.join(', ')}`,
  },
);

/** The YAML configuration file, outlined; each section is refined by the module that owns it. */
export type FileConfig = z.infer<typeof schema>;

/** The configuration used when INSIGHTAGENT_CONFIG is not set. */
export function emptyFileConfig(): FileConfig {
  return schema.parse({});
}

/**
 * Parses YAML configuration text; `${env:NAME}` in a string is replaced by that environment
 * variable (as in OpenTelemetry Collector configs). Throws a ConfigError naming the file, the
 * YAML path or line, and what was expected.
 */
export function parseFileConfig(text: string, source: string, env: NodeJS.ProcessEnv): FileConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return `line ${pos.line}, column ${pos.col}: ${e.message}`;
    });
    throw new ConfigError(`${source}: invalid YAML:\n  ${lines.join('\n  ')}`);
  }
  const raw = expandEnv(doc.toJS() ?? {}, [], env);
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      `${source}: invalid configuration:\n  ${formatIssues(result.error).join('\n  ')}`,
    );
  }
  return result.data;
}

/** Reads and parses the YAML configuration file at `path`. */
export function loadFileConfig(path: string, env: NodeJS.ProcessEnv): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`INSIGHTAGENT_CONFIG: cannot read ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return parseFileConfig(text, `INSIGHTAGENT_CONFIG ${path}`, env);
}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

function expandEnv(value: unknown, path: PropertyKey[], env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        throw new ConfigError(
          `INSIGHTAGENT_CONFIG: ${formatPath(path)}: environment variable ${name} is not set`,
        );
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, [...path, i], env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, expandEnv(item, [...path, key], env)]),
    );
  }
  return value;
}
