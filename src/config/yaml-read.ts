// A YAML configuration text to plain values, refusing what the yaml library would choke on or
// let through: nesting past MAX_CONFIG_DEPTH, duplicate keys, undefined aliases, alias bombs,
// aliases to their own ancestors; then `${env:NAME}` references expanded.
import { type Document, LineCounter, parseDocument } from 'yaml';
import { ConfigError, errorMessage } from '../errors';
import { formatPath } from './issues';
import { duplicateKeys, tooDeepAt } from './yaml-limits';

/** Deepest nesting of mappings and lists a configuration file may have. */
export const MAX_CONFIG_DEPTH = 64;
const TOO_DEEP = `nested deeper than ${MAX_CONFIG_DEPTH} levels`;
// Aliases may expand to at most this many nodes: "billion laughs" documents stop here.
const MAX_ALIAS_COUNT = 1000;
const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Returns the plain value of YAML text with `${env:NAME}` expanded from `env`; throws a
 * ConfigError naming `source`, the line or path, and what is wrong.
 */
export function readYaml(text: string, source: string, env: NodeJS.ProcessEnv): unknown {
  const deepAt = tooDeepAt(text, MAX_CONFIG_DEPTH);
  if (deepAt !== undefined) {
    const before = text.slice(0, deepAt);
    const where = `line ${before.split('\n').length}, column ${deepAt - before.lastIndexOf('\n')}`;
    throw new ConfigError(`${source}: invalid YAML: ${where}: ${TOO_DEEP}`);
  }
  const lineCounter = new LineCounter();
  // Duplicate keys are found by duplicateKeys: the library's own check is quadratic.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter });
  const problems = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return `line ${pos.line}, column ${pos.col}: ${e.message}`;
  });
  if (problems.length === 0) problems.push(...duplicateKeys(doc, lineCounter));
  if (problems.length > 0) {
    throw new ConfigError(`${source}: invalid YAML:\n  ${problems.join('\n  ')}`);
  }
  return expandEnv(toPlain(doc, source), [], { env, source, ancestors: new Set() });
}

// The document as plain values; an alias the library refuses (undefined, or expanding past
// MAX_ALIAS_COUNT) is a ConfigError.
function toPlain(doc: Document, source: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = errorMessage(err);
    const reason = /excessive alias count/i.test(message)
      ? `aliases expand to more than ${MAX_ALIAS_COUNT} nodes (${message})`
      : message;
    throw new ConfigError(`${source}: invalid YAML: ${reason}`, { cause: err });
  }
}

interface ExpandContext {
  env: NodeJS.ProcessEnv;
  source: string;
  /** The mappings and lists around the value: an alias back to one of them is a cycle. */
  ancestors: Set<object>;
}

function expandEnv(value: unknown, path: PropertyKey[], ctx: ExpandContext): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_, name: string) => {
      const found = ctx.env[name];
      if (found === undefined) {
        throw new ConfigError(
          `${ctx.source}: ${formatPath(path)}: environment variable ${name} is not set`,
        );
      }
      return found;
    });
  }
  if (value === null || typeof value !== 'object') return value;
  if (ctx.ancestors.has(value)) {
    throw new ConfigError(
      `${ctx.source}: ${formatPath(path)}: an alias refers to a mapping or list that contains it`,
    );
  }
  // Aliases nest without nesting in the text (each anchor holding the one before).
  if (path.length >= MAX_CONFIG_DEPTH) {
    throw new ConfigError(`${ctx.source}: ${formatPath(path.slice(0, 4))}…: ${TOO_DEEP}`);
  }
  ctx.ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, [...path, i], ctx));
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, expandEnv(item, [...path, key], ctx)]),
    );
  } finally {
    ctx.ancestors.delete(value);
  }
}
