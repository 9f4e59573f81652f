// Each target's request as its API documents it: URL, method, headers (credentials only on the
// signed attempt, never in the rendered request the outbox stores) and body shape.
import { Webhook } from 'standardwebhooks';
import { storedRequest } from '../../../src/outbox/message';
import type { RetrainTarget } from '../../../src/retrain/config';
import type { TriggerContext } from '../../../src/retrain/payload';
import { decideTriggers } from '../../../src/retrain/policy';
import { retrainSlackMessage } from '../../../src/retrain/slack';
import { GITHUB_MAX_PAYLOAD_KEYS } from '../../../src/retrain/targets/github';
import {
  destinationName,
  renderTrigger,
  retrainDestinations,
  targetDestination,
} from '../../../src/retrain/targets/index';
import { AT, driftEvidence, modelConfig, WHSEC } from './fixtures';

const config = modelConfig({
  on: { features: { names: ['amount', 'country'], at_least: 2 } },
  targets: [
    { kind: 'webhook', url: 'https://hooks.example.com/retrain/k3y', secret: WHSEC },
    {
      kind: 'airflow',
      url: 'https://airflow.example.com/',
      dag_id: 'retrain_fraud',
      username: 'ops',
      password: 'pa55word-airflow',
    },
    {
      kind: 'kubeflow',
      url: 'https://kfp.example.com',
      pipeline_id: 'pipe-1',
      pipeline_version_id: 'ver-2',
      experiment_id: 'exp-3',
      token: 'kfp-token-123456',
    },
    { kind: 'github', owner: 'acme', repo: 'models', token: 'ghp_0123456789abcdef' },
  ],
});
const evidence = driftEvidence();
const decision = decideTriggers(config, evidence, [], AT.getTime());

function context(kind: RetrainTarget['kind']): { c: TriggerContext; target: RetrainTarget } {
  const trigger = decision.fire.find((t) => t.target.kind === kind);
  if (trigger === undefined) throw new Error(kind);
  return { c: { trigger, evidence, at: AT }, target: trigger.target };
}

function sent(kind: RetrainTarget['kind']) {
  const { c, target } = context(kind);
  const rendered = renderTrigger(c, target);
  const destination = targetDestination(target);
  const signed = destination.sign(rendered, c.trigger.triggerId, AT);
  return {
    c,
    rendered,
    destination,
    signed,
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by path in the assertions
    body: JSON.parse(rendered.body) as Record<string, any>,
  };
}

const DRIFTED = [
  { name: 'amount', method: 'ks', statistic: 0.31, p_value: 0.0001, threshold: 0.05 },
  { name: 'country', method: 'psi', statistic: 0.27, p_value: null, threshold: 0.1 },
];

describe('retrain targets', () => {
  it('webhook: a Standard Webhooks body signed with the whsec_ secret', () => {
    const { c, rendered, signed, body } = sent('webhook');
    expect(rendered.url).toBe('https://hooks.example.com/retrain/k3y');
    expect(body.type).toBe('retrain.triggered');
    expect(body.timestamp).toBe(AT.toISOString());
    expect(body.data).toMatchObject({
      trigger_id: c.trigger.triggerId,
      model: 'fraud',
      model_version: 'v7',
      reason: 'features_drift',
      window: evidence.window,
      reference: evidence.reference,
      report: { id: evidence.reportId, url: evidence.reportUrl },
      drifted_features: DRIFTED,
    });
    expect(signed.headers['webhook-id']).toBe(c.trigger.triggerId);
    // Verified by the specification's own library, which checks against the wall clock.
    const live = targetDestination(context('webhook').target).sign(
      rendered,
      c.trigger.triggerId,
      new Date(),
    );
    const h = live.headers as Record<string, string>;
    const payload = new Webhook(WHSEC).verify(live.body, {
      'webhook-id': h['webhook-id'] ?? '',
      'webhook-timestamp': h['webhook-timestamp'] ?? '',
      'webhook-signature': h['webhook-signature'] ?? '',
    });
    expect(payload).toEqual(body);
  });

  it('airflow: POST /api/v1/dags/{dag_id}/dagRuns with dag_run_id and conf, basic auth per attempt', () => {
    const { c, rendered, signed, body, destination } = sent('airflow');
    expect(rendered.url).toBe('https://airflow.example.com/api/v1/dags/retrain_fraud/dagRuns');
    expect(destination.url).toBe(rendered.url);
    expect(Object.keys(body).sort()).toEqual(['conf', 'dag_run_id']);
    expect(body.dag_run_id).toBe(`insightagent__${c.trigger.idempotencyKey}`);
    expect(body.dag_run_id).toMatch(/^[A-Za-z0-9_.~:+-]+$/);
    expect(body.conf).toMatchObject({
      model: 'fraud',
      model_version: 'v7',
      drifted_features: DRIFTED,
    });
    expect(rendered.headers.authorization).toBeUndefined();
    expect(signed.headers.authorization).toBe(
      `Basic ${Buffer.from('ops:pa55word-airflow').toString('base64')}`,
    );
    expect(destination.alreadyDelivered).toEqual([409]);
    expect(destination.secrets).toContain('pa55word-airflow');
  });

  it('kubeflow: POST /apis/v2beta1/runs with the pipeline version reference and parameters', () => {
    const { c, rendered, signed, body } = sent('kubeflow');
    expect(rendered.url).toBe('https://kfp.example.com/apis/v2beta1/runs');
    expect(body.display_name).toBe(`insightagent-retrain-fraud-${c.trigger.idempotencyKey}`);
    expect(body.pipeline_version_reference).toEqual({
      pipeline_id: 'pipe-1',
      pipeline_version_id: 'ver-2',
    });
    expect(body.experiment_id).toBe('exp-3');
    expect(body.runtime_config.parameters).toMatchObject({
      model: 'fraud',
      model_version: 'v7',
      reason: 'features_drift',
      window_from: evidence.window.from,
      window_to: evidence.window.to,
      report_id: evidence.reportId,
      drifted_features: DRIFTED,
    });
    expect(signed.headers.authorization).toBe('Bearer kfp-token-123456');
  });

  it('github: POST /repos/{owner}/{repo}/dispatches, at most 10 payload keys, GitHub headers', () => {
    const { rendered, signed, body } = sent('github');
    expect(rendered.url).toBe('https://api.github.com/repos/acme/models/dispatches');
    expect(body.event_type).toBe('insightagent.retrain');
    expect(Object.keys(body.client_payload).length).toBeLessThanOrEqual(GITHUB_MAX_PAYLOAD_KEYS);
    // The full payload less idempotency_key and triggered_at, in its order.
    expect(Object.keys(body.client_payload)).toEqual([
      'trigger_id',
      'model',
      'model_version',
      'reason',
      'window',
      'reference',
      'report',
      'dataset_drift',
      'drifted_features',
      'slo',
    ]);
    expect(body.client_payload).toMatchObject({
      model: 'fraud',
      model_version: 'v7',
      drifted_features: DRIFTED,
    });
    expect(signed.headers.accept).toBe('application/vnd.github+json');
    expect(signed.headers['x-github-api-version']).toBe('2022-11-28');
    expect(signed.headers.authorization).toBe('Bearer ghp_0123456789abcdef');
  });

  it('stores no credential: the rendered requests carry none and the stored form has no URL', () => {
    for (const kind of ['webhook', 'airflow', 'kubeflow', 'github'] as const) {
      const { rendered, signed } = sent(kind);
      const stored = JSON.stringify(storedRequest(signed));
      for (const secret of [
        'pa55word-airflow',
        'kfp-token-123456',
        'ghp_0123456789abcdef',
        WHSEC,
      ]) {
        expect(JSON.stringify(rendered)).not.toContain(secret);
        expect(stored).not.toContain(secret);
      }
    }
  });

  it('names every target as an outbox destination', () => {
    const lookup = retrainDestinations(new Map([['fraud', config]]));
    expect(lookup(destinationName('fraud', 'github'))?.url).toBe(
      'https://api.github.com/repos/acme/models/dispatches',
    );
    expect(lookup(destinationName('fraud', 'nope'))).toBeUndefined();
    expect(lookup('github')).toBeUndefined();
  });

  it('slack: one Block Kit message naming model, reason, features and targets', () => {
    const { c } = context('webhook');
    const message = retrainSlackMessage(c, ['webhook', 'airflow']);
    const text = JSON.stringify(message);
    expect(message.text).toBe('Retraining triggered for model fraud: feature drift');
    for (const part of [
      'amount (ks 0.310)',
      'country (psi 0.270)',
      'webhook, airflow',
      'fraud (v7)',
    ]) {
      expect(text).toContain(part);
    }
  });
});
