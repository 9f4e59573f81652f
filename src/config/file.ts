import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../errors';
import { ingestSection } from '../ingest/settings';
import { outboundSection } from '../outbox/allowlist';
import { sloListSchema } from '../slo/spec';
import { formatIssues } from './issues';
import { readYaml } from './yaml-read';

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
  const raw = readYaml(text, source, env) ?? {};
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
