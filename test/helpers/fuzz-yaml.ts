// fast-check arbitraries of hostile YAML configuration files: the documented configs (deploy/demo
// and every ```yaml block of README.md and docs/) mutated line by line, character by character
// and value by value; alias bombs ("billion laughs"), self-referencing and undefined aliases;
// nesting up to 100,000 deep; huge documents; arbitrary values in every section.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { reliabilitySize } from './reliability';

/** One YAML text to load, and what it is. */
export interface YamlCase {
  family: string;
  text: string;
}

const ROOT = join(__dirname, '..', '..');
const FENCE = /```ya?ml\n([\s\S]*?)```/g;

/** Returns the configuration examples the project documents: deploy/demo and the docs' YAML blocks. */
export function documentedConfigs(): string[] {
  const texts = [readFileSync(join(ROOT, 'deploy', 'demo', 'insightagent.yaml'), 'utf8')];
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f));
  for (const file of [join(ROOT, 'README.md'), ...docs]) {
    for (const match of readFileSync(file, 'utf8').matchAll(FENCE)) texts.push(match[1] as string);
  }
  return texts;
}

/** `${env:NAME}` as a YAML author writes it (kept out of string literals for the linter). */
const envRef = (name: string) => `$${'{'}env:${name}}`;

const SECTIONS = ['slos', 'drift', 'channels', 'retrain', 'ingest', 'reports'];

// Characters and fragments that change what YAML means.
const YAML_BITS = [
  '&a ',
  '*a',
  '*undefined',
  '!!binary ',
  '!!set ',
  '!!omap ',
  '!!str ',
  '!!int ',
  '!!float ',
  '!!null ',
  '!custom ',
  '<<: *a',
  '{',
  '}',
  '[',
  ']',
  ': ',
  '- ',
  '? ',
  '%YAML 1.1\n---\n',
  '---\n',
  '...\n',
  '|',
  '>-',
  '\t',
  '\0',
  '"',
  "'",
  '#',
  '\\u0000',
  envRef('HOME'),
  envRef('NOT_SET_ANYWHERE'),
  '0x1F',
  '.nan',
  '-.inf',
  '1e400',
  '99999999999999999999',
  '~',
  '\uFEFF',
  '\u2028',
];

const confusing = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, Number.NaN, '', '1h', 'P1D', [], {}, [null], { a: 1 }),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.anything({ maxDepth: 3 }),
);

// Replaces the `pick`-th node (pre-order) of a parsed document with `value`.
function replaceNode(tree: unknown, pick: number, value: unknown): unknown {
  const nodes: { parent: Record<string | number, unknown>; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      nodes.push({ parent: node as Record<string, unknown>, key });
      walk(child);
    }
  };
  walk(tree);
  if (nodes.length === 0) return value;
  const { parent, key } = nodes[pick % nodes.length] as (typeof nodes)[number];
  parent[key] = value;
  return tree;
}

const mutated = (seed: string) =>
  fc.oneof(
    // lines deleted, duplicated, swapped or re-indented
    fc
      .array(fc.tuple(fc.nat(3), fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 })
      .map((edits): YamlCase => {
        const lines = seed.split('\n');
        for (const [op, a, b] of edits) {
          const i = a % lines.length;
          const j = b % lines.length;
          if (op === 0) lines.splice(i, 1);
          else if (op === 1) lines.splice(i, 0, lines[j] as string);
          else if (op === 2) [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
          else lines[i] = `${' '.repeat(b % 7)}${(lines[i] ?? '').trimStart()}`;
          if (lines.length === 0) lines.push('');
        }
        return { family: 'mutated lines', text: lines.join('\n') };
      }),
    // YAML syntax or random text spliced in
    fc
      .array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...YAML_BITS), fc.string())), {
        minLength: 1,
        maxLength: 6,
      })
      .map((edits): YamlCase => {
        let text = seed;
        for (const [at, bit] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + bit + text.slice(i);
        }
        return { family: 'mutated text', text };
      }),
    // a value replaced by one of the wrong type
    fc
      .array(fc.tuple(fc.nat(), confusing), { minLength: 1, maxLength: 4 })
      .map((edits): YamlCase => {
        let tree: unknown;
        try {
          tree = parse(seed);
        } catch {
          tree = {};
        }
        for (const [at, value] of edits) tree = replaceNode(tree, at, value);
        return { family: 'mutated values', text: stringify(tree) };
      }),
  );

/** Returns a billion-laughs document: `levels` anchors, each aliasing the previous `width` times. */
export function aliasBomb(levels: number, width: number, section: string): string {
  const lines = [`${section}:`, `  l0: &l0 "${'lol'.repeat(10)}"`];
  for (let i = 1; i <= levels; i++) {
    lines.push(
      `  l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  }
  return lines.join('\n');
}

const aliases = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 2, max: 12 }),
      fc.constantFrom(...SECTIONS),
    )
    .map(
      ([levels, width, section]): YamlCase => ({
        family: 'alias bomb',
        text: aliasBomb(levels, width, section),
      }),
    ),
  fc
    .tuple(fc.integer({ min: 2, max: reliabilitySize(300, 5_000) }), fc.constantFrom(...SECTIONS))
    .map(([length, section]): YamlCase => {
      const lines = [`${section}:`, '  a0: &a0 [1]'];
      for (let i = 1; i < length; i++) lines.push(`  a${i}: &a${i} [*a${i - 1}]`);
      return { family: 'alias chain', text: lines.join('\n') };
    }),
  fc
    .constantFrom(...SECTIONS)
    .chain((section) =>
      fc.constantFrom<YamlCase>(
        { family: 'self alias', text: `${section}: &x\n  a: *x\n` },
        { family: 'self alias', text: `${section}: &x [*x]\n` },
        { family: 'self alias', text: `${section}: &x\n  - name: a\n    of: *x\n` },
        { family: 'undefined alias', text: `${section}: *nowhere\n` },
        { family: 'undefined alias', text: `${section}:\n  a: *later\n  b: &later 1\n` },
        { family: 'merge key', text: `${section}: &x\n  <<: *x\n` },
      ),
    ),
);

const deep = fc
  .tuple(
    fc.integer({ min: 10, max: reliabilitySize(10_000, 100_000) }),
    fc.nat(2),
    fc.constantFrom(...SECTIONS),
  )
  .map(([depth, shape, section]): YamlCase => {
    if (shape === 0)
      return { family: 'deep', text: `${section}: ${'['.repeat(depth)}${']'.repeat(depth)}\n` };
    if (shape === 1)
      return { family: 'deep', text: `${section}: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n` };
    const lines = [`${section}:`];
    const levels = Math.min(depth, 5_000);
    for (let i = 1; i <= levels; i++) lines.push(`${' '.repeat(i)}k${i}:`);
    return { family: 'deep', text: lines.join('\n') };
  });

const huge = fc
  .tuple(
    fc.integer({ min: 1, max: reliabilitySize(2_000, 100_000) }),
    fc.integer({ min: 0, max: reliabilitySize(256, 8192) * 1024 }),
    fc.constantFrom(...SECTIONS),
  )
  .map(([keys, size, section]): YamlCase => {
    const lines = [`${section}:`, `  big: "${'x'.repeat(size)}"`];
    for (let i = 0; i < keys; i++) lines.push(`  key${i}: ${i}`);
    return { family: 'huge', text: lines.join('\n') };
  });

const anyValues = fc
  .dictionary(fc.oneof(fc.constantFrom(...SECTIONS), fc.string()), confusing, { maxKeys: 6 })
  .map((o): YamlCase => ({ family: 'arbitrary values', text: stringify(o) }));

/** Returns the arbitrary of hostile configuration texts. */
export function yamlCase(): fc.Arbitrary<YamlCase> {
  const seeds = documentedConfigs();
  return fc
    .oneof(
      { arbitrary: fc.constantFrom(...seeds).chain(mutated), weight: 12 },
      {
        arbitrary: fc.constantFrom(...seeds).map((text) => ({ family: 'documented', text })),
        weight: 1,
      },
      { arbitrary: aliases, weight: 2 },
      { arbitrary: deep, weight: 1 },
      { arbitrary: huge, weight: 1 },
      { arbitrary: anyValues, weight: 2 },
      {
        arbitrary: fc
          .string({ unit: 'binary', maxLength: 200 })
          .map((text) => ({ family: 'random text', text })),
        weight: 1,
      },
    )
    .map((c) =>
      Object.assign({}, c, {
        [fc.toStringMethod]: () =>
          `${c.family}: ${JSON.stringify(c.text.slice(0, 300))} (${c.text.length} chars)`,
      }),
    );
}
