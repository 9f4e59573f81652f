// Fuzzing the YAML configuration loader (INSIGHTAGENT_CONFIG): loadConfig — parseFileConfig and
// the section parsers it calls — over documented configs mutated, alias bombs, self-referencing
// aliases, deep nesting, huge documents and values of every type. Each text either loads or
// fails with a ConfigError whose message says what is wrong; no other exception escapes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadConfig } from '../../src/cli/load-config';
import { ConfigError } from '../../src/errors';
import { fuzzSeed, StatusTally } from '../helpers/fuzz-targets';
import { documentedConfigs, type YamlCase, yamlCase } from '../helpers/fuzz-yaml';
import { reliabilitySize } from '../helpers/reliability';

const RUNS = reliabilitySize(285, 2_000);
const seed = fuzzSeed();
const tally = new StatusTally();
const dir = mkdtempSync(join(tmpdir(), 'fuzz-config-'));
const path = join(dir, 'insightagent.yaml');
// Every environment variable the documented configs reference, set, so they load unmutated.
const env: NodeJS.ProcessEnv = { INSIGHTAGENT_CONFIG: path };
for (const text of documentedConfigs()) {
  for (const [, name] of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    env[name as string] = /SECRET/.test(name as string)
      ? `whsec_${Buffer.alloc(32, 7).toString('base64')}`
      : /URL|WEBHOOK/.test(name as string)
        ? 'https://hooks.example.test/services/T0/B0/x'
        : 'token-0123456789abcdef';
  }
}

afterAll(() => {
  console.log(
    `fuzz-config seed ${seed} (FUZZ_SEED=${seed} repeats it)\n${tally.lines().join('\n')}`,
  );
  rmSync(dir, { recursive: true, force: true });
});

// What loading the text did: 'loaded', 'ConfigError', or the other exception (a failure).
function load(c: YamlCase): { outcome: string; error?: unknown } {
  writeFileSync(path, c.text);
  try {
    loadConfig(env);
    return { outcome: 'loaded' };
  } catch (error) {
    return { outcome: error instanceof ConfigError ? 'ConfigError' : 'other', error };
  }
}

describe('fuzzing the YAML configuration loader', () => {
  it(`loads or refuses ${RUNS} hostile files with a ConfigError naming the problem`, () => {
    fc.assert(
      fc.property(yamlCase(), (c) => {
        const { outcome, error } = load(c);
        tally.add(`config ${c.family}`, outcome);
        tally.add('config (all)', outcome);
        if (outcome === 'other') throw error;
        if (error instanceof ConfigError) {
          expect(error.message).toContain(path);
          // Past the file name, the message says what is wrong.
          expect(error.message.replace(path, '').replace(/[^A-Za-z]/g, '').length).toBeGreaterThan(
            10,
          );
          expect(error.message).not.toMatch(/Maximum call stack|undefined is not|Cannot read prop/);
        }
      }),
      { numRuns: RUNS, seed, endOnFailure: true },
    );
  }, 900_000);
});
