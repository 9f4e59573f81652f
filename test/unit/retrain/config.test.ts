// The `retrain:` section: what it accepts, its defaults, and each refusal naming the YAML path.

import { parseFileConfig } from '../../../src/config/file';
import {
  DEFAULT_COOLDOWN_MS,
  parseRetrainConfig,
  redactTarget,
  retrainConfigFor,
} from '../../../src/retrain/config';
import { WHSEC } from './fixtures';

const webhook = { kind: 'webhook', url: 'https://hooks.example.com/retrain', secret: WHSEC };
const slack = {
  name: 'ml-team',
  kind: 'slack' as const,
  url: 'https://hooks.slack.com/services/T/B/k',
};

function refusal(raw: unknown, channels = [slack]): string {
  try {
    parseRetrainConfig(raw, channels);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('parseRetrainConfig', () => {
  it('accepts every kind of target and fills the defaults', () => {
    const config = parseRetrainConfig(
      {
        fraud: {
          on: { dataset_drift: true, features: { names: ['amount', 'country'], at_least: 2 } },
          targets: [
            webhook,
            {
              kind: 'airflow',
              url: 'https://airflow.example.com',
              dag_id: 'retrain_fraud',
              username: 'u',
              password: 'p',
            },
            {
              kind: 'kubeflow',
              url: 'https://kfp.example.com',
              pipeline_id: 'p1',
              pipeline_version_id: 'v1',
              experiment_id: 'e1',
              token: 't',
            },
            { kind: 'github', owner: 'acme', repo: 'models', token: 'ghp_x' },
          ],
          slack: 'ml-team',
        },
        '*': { on: { slo_burn: {} }, cooldown: '6h', targets: [webhook] },
      },
      [slack],
    );
    const fraud = config.get('fraud');
    expect(fraud?.cooldownMs).toBe(DEFAULT_COOLDOWN_MS);
    expect(fraud?.targets.map((t) => t.name)).toEqual(['webhook', 'airflow', 'kubeflow', 'github']);
    const gh = fraud?.targets[3];
    expect(gh?.kind === 'github' && gh.event_type).toBe('insightagent.retrain');
    expect(gh?.kind === 'github' && gh.api_url).toBe('https://api.github.com');
    expect(fraud?.slack).toBe('ml-team');
    const star = config.get('*');
    expect(star?.cooldownMs).toBe(6 * 3_600_000);
    expect(star?.on.slo_burn).toEqual({ severity: 'page' });
    expect(retrainConfigFor(config, 'fraud')?.key).toBe('fraud');
    expect(retrainConfigFor(config, 'churn')?.key).toBe('*');
  });

  it('accepts an empty section', () => {
    expect(parseRetrainConfig({}, []).size).toBe(0);
    expect(parseRetrainConfig(undefined, []).size).toBe(0);
  });

  it.each([
    [
      'no condition',
      { m: { on: {}, targets: [webhook] } },
      'retrain.m.on: expected at least one condition',
    ],
    [
      'dataset_drift not a boolean',
      { m: { on: { dataset_drift: 'yes' }, targets: [webhook] } },
      'retrain.m.on.dataset_drift: expected true or false',
    ],
    [
      'at_least beyond the names',
      { m: { on: { features: { names: ['a'], at_least: 2 } }, targets: [webhook] } },
      'retrain.m.on.features.at_least: expected at most as many',
    ],
    [
      'bad severity',
      { m: { on: { slo_burn: { severity: 'warn' } }, targets: [webhook] } },
      'retrain.m.on.slo_burn.severity: expected page or ticket',
    ],
    [
      'unknown condition',
      { m: { on: { latency: true }, targets: [webhook] } },
      'retrain.m.on: unknown key "latency"',
    ],
    [
      'bad cooldown',
      { m: { on: { dataset_drift: true }, cooldown: '1 day', targets: [webhook] } },
      'retrain.m.cooldown: expected a duration',
    ],
    [
      'no targets',
      { m: { on: { dataset_drift: true }, targets: [] } },
      'retrain.m.targets: expected at least one target',
    ],
    [
      'unknown kind',
      { m: { on: { dataset_drift: true }, targets: [{ kind: 'jenkins' }] } },
      'retrain.m.targets[0].kind: expected kind to be one of webhook, airflow, kubeflow, github',
    ],
    [
      'webhook without whsec_',
      { m: { on: { dataset_drift: true }, targets: [{ ...webhook, secret: 'hunter2' }] } },
      'retrain.m.targets[0].secret[0]: expected whsec_',
    ],
    [
      'webhook with a bad URL',
      { m: { on: { dataset_drift: true }, targets: [{ ...webhook, url: 'ftp://x' }] } },
      'retrain.m.targets[0].url: expected an http:// or https:// URL',
    ],
    [
      'airflow user without password',
      {
        m: {
          on: { dataset_drift: true },
          targets: [{ kind: 'airflow', url: 'https://a', dag_id: 'd', username: 'u' }],
        },
      },
      'retrain.m.targets[0].password: basic auth needs both',
    ],
    [
      'airflow basic and bearer',
      {
        m: {
          on: { dataset_drift: true },
          targets: [
            {
              kind: 'airflow',
              url: 'https://a',
              dag_id: 'd',
              username: 'u',
              password: 'p',
              token: 't',
            },
          ],
        },
      },
      'retrain.m.targets[0].token: expected either username/password or token',
    ],
    [
      'airflow bad dag id',
      {
        m: {
          on: { dataset_drift: true },
          targets: [{ kind: 'airflow', url: 'https://a', dag_id: 'a/b' }],
        },
      },
      'retrain.m.targets[0].dag_id: expected a DAG id',
    ],
    [
      'kubeflow without pipeline',
      { m: { on: { dataset_drift: true }, targets: [{ kind: 'kubeflow', url: 'https://k' }] } },
      'retrain.m.targets[0].pipeline_id: expected a pipeline id',
    ],
    [
      'github without token',
      { m: { on: { dataset_drift: true }, targets: [{ kind: 'github', owner: 'o', repo: 'r' }] } },
      'retrain.m.targets[0].token: expected a GitHub token',
    ],
    [
      'github event_type too long',
      {
        m: {
          on: { dataset_drift: true },
          targets: [
            { kind: 'github', owner: 'o', repo: 'r', token: 't', event_type: 'x'.repeat(101) },
          ],
        },
      },
      'retrain.m.targets[0].event_type: expected at most 100 characters',
    ],
    [
      'a stray key on a target',
      {
        m: {
          on: { dataset_drift: true },
          targets: [{ kind: 'github', owner: 'o', repo: 'r', token: 't', secret: 's' }],
        },
      },
      'retrain.m.targets[0]: unknown key "secret"',
    ],
    [
      'two targets with one name',
      { m: { on: { dataset_drift: true }, targets: [webhook, webhook] } },
      'retrain.m.targets[1].name: duplicate target name "webhook"',
    ],
    [
      'slack not a configured slack channel',
      { m: { on: { dataset_drift: true }, targets: [webhook], slack: 'nope' } },
      'retrain.m.slack: expected the name of a configured slack channel, got "nope"',
    ],
    ['not a mapping', ['x'], 'retrain: expected a mapping'],
  ])('refuses %s, naming the path', (_name, raw, expected) => {
    expect(refusal(raw)).toContain(expected);
  });

  it('redacts URLs paths and secrets of every target', () => {
    const config = parseRetrainConfig(
      {
        m: {
          on: { dataset_drift: true },
          targets: [
            webhook,
            {
              kind: 'airflow',
              url: 'https://u:pw@airflow.example.com/x',
              dag_id: 'd',
              token: 'tok-airflow-123',
            },
            { kind: 'github', owner: 'o', repo: 'r', token: 'ghp_secret_123' },
          ],
        },
      },
      [],
    );
    const text = JSON.stringify(config.get('m')?.targets.map(redactTarget));
    for (const secret of [WHSEC, 'tok-airflow-123', 'ghp_secret_123', 'pw@', '/retrain']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"auth":"bearer"');
  });

  it('reads the section from YAML, secrets from the environment', () => {
    const yaml = [
      'retrain:',
      '  fraud:',
      '    on: { dataset_drift: true }',
      '    cooldown: 12h',
      '    targets:',
      '      - kind: airflow',
      '        url: https://airflow.example.com',
      '        dag_id: retrain_fraud',
      // The config file's own `${env:NAME}` syntax, not a template placeholder.
      `        token: "${'$'}{env:AIRFLOW_TOKEN}"`,
    ].join('\n');
    const file = parseFileConfig(yaml, 'test.yaml', { AIRFLOW_TOKEN: 'tok-from-env-123' });
    const target = parseRetrainConfig(file.retrain, []).get('fraud')?.targets[0];
    expect(target?.kind === 'airflow' && target.token).toBe('tok-from-env-123');
    expect(parseRetrainConfig(file.retrain, []).get('fraud')?.cooldownMs).toBe(12 * 3_600_000);
  });
});
