import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyFileConfig, loadFileConfig, parseFileConfig } from '../../../src/config/file';
import { ConfigError } from '../../../src/errors';

/** `${env:NAME}` as the YAML author writes it (kept out of string literals for the linter). */
const envRef = (name: string) => `$${'{'}env:${name}}`;

/** A "billion laughs" reports section: `levels` anchors, each aliasing the one before `width` times. */
function billionLaughs(levels: number, width: number): string {
  const lines = ['reports:', '  l0: &l0 lol'];
  for (let i = 1; i <= levels; i++) {
    lines.push(
      `  l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  }
  return lines.join('\n');
}

describe('YAML configuration', () => {
  it('defaults every section when the file is empty', () => {
    expect(parseFileConfig('', 'test.yaml', {})).toEqual(emptyFileConfig());
    expect(emptyFileConfig()).toEqual({
      slos: [],
      drift: [],
      channels: [],
      retrain: {},
      reports: {},
      ingest: expect.objectContaining({ maxBodyBytes: 64 * 1024 * 1024 }),
      // No allowed_hosts: any host but link-local and cloud metadata addresses.
      outbound: {},
    });
  });

  it('reads the sections and expands env references', () => {
    const text = [
      'slos:',
      '  - name: ttft',
      '    model: chimera',
      '    sli: {kind: latency, field: ttft_ms, threshold_ms: 800}',
      '    objective: 0.99',
      'channels:',
      '  - name: oncall',
      `    url: ${envRef('SLACK_URL')}`,
      'retrain:',
      '  target: airflow',
    ].join('\n');
    const config = parseFileConfig(text, 'test.yaml', { SLACK_URL: 'https://hooks.slack.test/T1' });
    expect(config.slos).toEqual([
      {
        name: 'ttft',
        model: 'chimera',
        sli: { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 },
        objective: 0.99,
        window: { kind: 'rolling', days: 30 },
        budgeting: 'occurrences',
        alerting: { minEvents: 100, page: true, ticket: true },
      },
    ]);
    expect(config.channels[0]).toEqual({ name: 'oncall', url: 'https://hooks.slack.test/T1' });
    expect(config.retrain).toEqual({ target: 'airflow' });
  });

  it.each([
    [
      'slo: []',
      'test.yaml: invalid configuration:\n  (root): unknown key "slo"; the sections are slos, drift, channels, retrain, ingest',
    ],
    ['slos: {}', 'slos: expected a list of SLOs, got {}'],
    ['slos:\n  - 5', 'slos[0]: expected an SLO with name, model, description, sli, objective'],
    [
      [
        'slos:',
        '  - {name: a, sli: {kind: availability}, objective: 0.99}',
        '  - {name: b, sli: {kind: availability}, objective: 0.999}',
        '  - {name: c, sli: {kind: availability}, objective: 1.5}',
      ].join('\n'),
      'test.yaml: invalid configuration:\n  slos[2].objective: expected a number between 0 and 1 (exclusive), got 1.5',
    ],
    [
      'slos:\n  - {name: t, sli: {kind: latency, field: ttft_ms, threshold_ms: 750.5}, objective: 0.99}',
      'slos[0].sli.threshold_ms: 750.5 ms is not an exact bound of the rollup histograms (durations are kept to two significant digits in microseconds); use 750 or 760',
    ],
    [
      'slos:\n  - {name: a, sli: {kind: availability}, objective: 0.99}\n  - {name: a, sli: {kind: availability}, objective: 0.9}',
      'slos[1].name: duplicate name "a" (entry 0 has it); SLO names must be unique',
    ],
    [
      `slos:\n  - {name: "${envRef('SLO_NAME')}", sli: {kind: availability}, objective: 0.99}`,
      'slos[0].name: environment variable SLO_NAME is not set',
    ],
    ['retrain: [1]', 'retrain: expected a mapping (key: value)'],
    [
      '- just\n- a list',
      '(root): expected a mapping with the sections slos, drift, channels, retrain, ingest',
    ],
    ['slos: [\n', 'test.yaml: invalid YAML:\n  line'],
    ['slos: []\nslos: []', 'invalid YAML'],
    [
      `channels:\n  - url: ${envRef('MISSING_VAR')}`,
      'channels[0].url: environment variable MISSING_VAR is not set',
    ],
    ['slos: &x\n  - *x\n', 'slos[0]: an alias refers to a mapping or list that contains it'],
    ['reports: &x\n  a: *x\n', 'reports.a: an alias refers to a mapping or list that contains it'],
    [
      'slos: *nowhere\n',
      'invalid YAML: Unresolved alias (the anchor must be set before the alias): nowhere',
    ],
    [billionLaughs(9, 9), 'invalid YAML: aliases expand to more than 1000 nodes'],
    [
      `slos: ${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      'line 1, column 72: nested deeper than 64 levels',
    ],
    [
      ['reports:', ...Array.from({ length: 100 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`)].join(
        '\n',
      ),
      'line 66, column 69: nested deeper than 64 levels',
    ],
    ['reports:\n  a: 1\n  b: 2\n  a: 3\n', 'line 4, column 3: duplicate key "a"'],
    [
      `reports:\n  a: ${envRef('MISSING_VAR')}`,
      'test.yaml: reports.a: environment variable MISSING_VAR',
    ],
  ])('refuses %j, naming the path', (text, message) => {
    expect(() => parseFileConfig(text, 'test.yaml', {})).toThrow(ConfigError);
    expect(() => parseFileConfig(text, 'test.yaml', {})).toThrow(message);
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadFileConfig('/nonexistent/insightagent.yaml', {})).toThrow(
      'INSIGHTAGENT_CONFIG: cannot read /nonexistent/insightagent.yaml',
    );
  });

  it('loads a file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ia-config-'));
    const path = join(dir, 'config.yaml');
    writeFileSync(path, 'drift:\n  - model: chimera\n');
    expect(loadFileConfig(path, {}).drift).toEqual([{ model: 'chimera' }]);
  });
});
