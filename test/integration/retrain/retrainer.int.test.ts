// Retraining triggers end to end on the real embedded store and the real outbox, delivered to
// local servers speaking each target's API (Airflow, Kubeflow Pipelines, GitHub, a Standard
// Webhooks receiver) and a Slack stand-in: each fires once with the documented shape, a
// duplicate never fires twice, the cooldown holds, and GET /api/v1/retrain/triggers lists them.
import type { Server } from 'node:http';
import express from 'express';
import type { ChannelConfig } from '../../../src/alerts/channels/config';
import { closeServer, listen } from '../../../src/api/http-server';
import { errorHandler } from '../../../src/api/middleware/errors';
import { retrainRoutes } from '../../../src/api/routes/retrain';
import { parseTokens } from '../../../src/config/tokens';
import type { Outbox } from '../../../src/outbox/outbox';
import { parseRetrainConfig, type RetrainConfig } from '../../../src/retrain/config';
import { idempotencyKey } from '../../../src/retrain/policy';
import { createRetrainer, type Retrainer } from '../../../src/retrain/retrainer';
import { retrainDestinations } from '../../../src/retrain/targets/index';
import { findOutboxMessages } from '../../../src/store/repositories/outbox';
import {
  insertRetrainTriggers,
  listRetrainTriggers,
} from '../../../src/store/repositories/retrain-triggers';
import { createLogger } from '../../../src/telemetry/logger';
import { openOutboxHarness } from '../../helpers/outbox';
import { type Receiver, startReceiver } from '../../helpers/receiver';
import {
  airflowApi,
  githubApi,
  kubeflowApi,
  webhookReceiver,
} from '../../helpers/retrain-receivers';
import { type SlackReceiver, startSlackReceiver } from '../../helpers/slack-receiver';
import { driftEvidence, WHSEC } from '../../unit/retrain/fixtures';

const HOUR = 3_600_000;
// The webhook receiver verifies with the standardwebhooks package against the wall clock, so
// the test clock starts at the real time (whole seconds).
const T0 = Math.floor(Date.now() / 1000) * 1000;
const AIRFLOW_PASSWORD = 'airflow-pa55word-xyz';
const KFP_TOKEN = 'kfp-bearer-token-0123';
const GITHUB_TOKEN = 'ghp_test_token_0123456789';
const SECRETS = [AIRFLOW_PASSWORD, KFP_TOKEN, GITHUB_TOKEN, WHSEC];
const READ = 'read-secret-0123456789ab';
const tokens = parseTokens(`grafana:${READ}:read`);

let h: Awaited<ReturnType<typeof openOutboxHarness>>;
let receivers: Receiver[] = [];
let githubOrigin = '';
let slack: SlackReceiver;
let airflow: ReturnType<typeof airflowApi>;
let kubeflow: ReturnType<typeof kubeflowApi>;
let github: ReturnType<typeof githubApi>;
let webhook: ReturnType<typeof webhookReceiver>;
let config: RetrainConfig;
let outbox: Outbox;
let retrainer: Retrainer;

const windowAt = (ms: number) => ({
  from: new Date(ms - HOUR).toISOString(),
  to: new Date(ms).toISOString(),
});
const evidence = (atMs = T0) =>
  driftEvidence({ at: new Date(atMs), window: windowAt(Math.floor(atMs / HOUR) * HOUR) });

beforeAll(async () => {
  h = await openOutboxHarness('retrain', T0);
});

afterAll(async () => {
  await h.close();
});

beforeEach(async () => {
  await h.reset();
  await h.store.command({
    tag: 'test.truncate',
    sql: 'TRUNCATE TABLE {db:Identifier}.retrain_triggers',
  });
  airflow = airflowApi(
    'retrain_fraud',
    `Basic ${Buffer.from(`ops:${AIRFLOW_PASSWORD}`).toString('base64')}`,
  );
  kubeflow = kubeflowApi(KFP_TOKEN);
  github = githubApi('acme', 'models', GITHUB_TOKEN);
  webhook = webhookReceiver(WHSEC);
  const [af, kf, gh, wh] = await Promise.all(
    [airflow, kubeflow, github, webhook].map((api) => startReceiver(h.clock, api.handler)),
  );
  receivers = [af, kf, gh, wh].filter((r): r is Receiver => r !== undefined);
  githubOrigin = gh?.origin ?? '';
  slack = await startSlackReceiver(() => h.clock.ms);
  const slackChannel: ChannelConfig = { name: 'ml-team', kind: 'slack', url: slack.url };
  h.channels.set('ml-team', slackChannel);
  config = parseRetrainConfig(
    {
      fraud: {
        on: { features: { names: ['amount', 'country'], at_least: 2 } },
        cooldown: '24h',
        targets: [
          { kind: 'webhook', url: `${wh?.origin}/hooks/retrain`, secret: WHSEC },
          {
            kind: 'airflow',
            url: af?.origin,
            dag_id: 'retrain_fraud',
            username: 'ops',
            password: AIRFLOW_PASSWORD,
          },
          {
            kind: 'kubeflow',
            url: kf?.origin,
            pipeline_id: 'pipe-1',
            pipeline_version_id: 'ver-2',
            experiment_id: 'exp-3',
            token: KFP_TOKEN,
          },
          {
            kind: 'github',
            owner: 'acme',
            repo: 'models',
            token: GITHUB_TOKEN,
            api_url: gh?.origin,
          },
        ],
        slack: 'ml-team',
      },
    },
    [slackChannel],
  );
  outbox = h.outbox({ destinations: retrainDestinations(config) });
  retrainer = newRetrainer(outbox);
});

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  await slack.close();
});

function newRetrainer(o: Outbox): Retrainer {
  return createRetrainer({
    store: h.store,
    outbox: o,
    config,
    channels: [...h.channels.values()],
    log: createLogger('silent'),
    clock: h.clock,
  });
}

describe('retrainer', () => {
  it('fires every target once, each as its API documents, with one Slack message', async () => {
    const fired = await retrainer.onEvidence(evidence());
    expect(fired.map((t) => t.targetKind)).toEqual(['webhook', 'airflow', 'kubeflow', 'github']);
    const summary = await outbox.runOnce();
    expect(summary).toMatchObject({ attempted: 5, delivered: 5 });

    // Each fake accepted exactly one request, having checked path, body shape and auth.
    expect(webhook.messages).toHaveLength(1);
    expect(airflow.runs.size).toBe(1);
    expect(kubeflow.runs).toHaveLength(1);
    expect(github.events).toHaveLength(1);
    expect(slack.received).toHaveLength(1);

    const key = fired[0]?.idempotencyKey;
    expect(webhook.messages[0]?.id).toBe(fired[0]?.triggerId);
    expect(webhook.messages[0]?.payload).toMatchObject({
      type: 'retrain.triggered',
      data: {
        model: 'fraud',
        model_version: 'v7',
        reason: 'features_drift',
        report: { id: 'dr_0123456789abcdef' },
        drifted_features: [{ name: 'amount' }, { name: 'country' }],
        window: evidence().window,
      },
    });
    expect([...airflow.runs.keys()]).toEqual([`insightagent__${key}`]);
    expect(kubeflow.runs[0]).toMatchObject({
      display_name: `insightagent-retrain-fraud-${key}`,
      pipeline_version_reference: { pipeline_id: 'pipe-1', pipeline_version_id: 'ver-2' },
      experiment_id: 'exp-3',
    });
    expect(github.events[0]).toMatchObject({
      event_type: 'insightagent.retrain',
      client_payload: { model: 'fraud' },
    });
    expect(slack.received[0]?.body.text).toBe(
      'Retraining triggered for model fraud: feature drift',
    );

    const stored = await listRetrainTriggers(h.store, { model: 'fraud', limit: 10 });
    expect(stored.map((r) => r.target).sort()).toEqual([
      'airflow',
      'github',
      'kubeflow',
      'webhook',
    ]);
    expect(
      stored.every((r) => r.idempotencyKey === key && r.reportId === 'dr_0123456789abcdef'),
    ).toBe(true);
  });

  it('fires the same evidence once, even from a second retrainer (a duplicated scheduler)', async () => {
    const first = await retrainer.onEvidence(evidence());
    const again = await retrainer.onEvidence(evidence());
    const other = await newRetrainer(
      h.outbox({ destinations: retrainDestinations(config) }),
    ).onEvidence(evidence());
    expect(first).toHaveLength(4);
    expect(again).toEqual([]);
    expect(other).toEqual([]);
    await outbox.runOnce();
    await outbox.runOnce();
    expect(webhook.messages).toHaveLength(1);
    expect(airflow.runs.size).toBe(1);
    expect(kubeflow.runs).toHaveLength(1);
    expect(github.events).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
    expect(await listRetrainTriggers(h.store, { limit: 100 })).toHaveLength(4);
  });

  it('does not fire again inside the cooldown, and fires after it', async () => {
    expect(await retrainer.onEvidence(evidence())).toHaveLength(4);
    await outbox.runOnce();
    // The next window, an hour later: new evidence, same model and targets, inside 24 h.
    h.clock.set(T0 + HOUR);
    expect(await retrainer.onEvidence(evidence(T0 + HOUR))).toEqual([]);
    await outbox.runOnce();
    expect(webhook.messages).toHaveLength(1);
    expect(github.events).toHaveLength(1);
    // A day later the cooldown is over (the webhook receiver checks against the wall clock, so
    // only the others are asked to deliver here).
    h.clock.set(T0 + 25 * HOUR);
    const later = await retrainer.onEvidence(evidence(T0 + 25 * HOUR));
    expect(later.map((t) => t.target)).toEqual(['webhook', 'airflow', 'kubeflow', 'github']);
    expect(await listRetrainTriggers(h.store, { model: 'fraud', limit: 100 })).toHaveLength(8);
  });

  it('enqueues a recorded trigger that never reached the outbox (a crash in between), once', async () => {
    const e = evidence();
    const key = idempotencyKey('fraud', 'features_drift', e.window);
    const row = (target: string, kind: string, createdAtMs: number) => ({
      triggerId: `${key}.${target}`,
      idempotencyKey: key,
      model: 'fraud',
      modelVersion: 'v7',
      reason: 'features_drift',
      target,
      targetKind: kind,
      windowFrom: e.window.from,
      windowTo: e.window.to,
      reportId: null,
      evidence: JSON.stringify(e),
      createdAtMs,
    });
    // Recorded a minute ago, never enqueued: the replay enqueues it. Recorded two days ago (the
    // outbox may have expired it): the replay leaves it alone rather than resend.
    h.clock.set(T0 + 48 * HOUR);
    await insertRetrainTriggers(h.store, [
      row('github', 'github', T0 + 48 * HOUR - 60_000),
      row('airflow', 'airflow', T0),
      row('kubeflow', 'kubeflow', T0),
      row('webhook', 'webhook', T0),
    ]);
    expect(await retrainer.onEvidence(e)).toEqual([]);
    expect(await retrainer.onEvidence(e)).toEqual([]);
    const found = await findOutboxMessages(
      h.store,
      ['github', 'airflow', 'kubeflow', 'webhook'].map((t) => `${key}.${t}`),
    );
    expect(found.map((m) => m.id)).toEqual([`${key}.github`]);
    await outbox.runOnce();
    expect(github.events).toHaveLength(1);
    expect(airflow.runs.size + kubeflow.runs.length + webhook.messages.length).toBe(0);
  });

  it('counts Airflow refusing a dag_run_id it already has (409) as delivered', async () => {
    const [fired] = await retrainer.onEvidence(evidence());
    airflow.runs.set(`insightagent__${fired?.idempotencyKey}`, {});
    await outbox.runOnce();
    const [message] = await findOutboxMessages(h.store, [`${fired?.idempotencyKey}.airflow`]);
    expect(message?.status).toBe('delivered');
    expect(message?.lastStatusCode).toBe(409);
  });

  it('the GitHub stand-in refuses a client_payload of 11 keys with 422, as GitHub does', async () => {
    const payload = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    const res = await fetch(`${githubOrigin}/repos/acme/models/dispatches`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${GITHUB_TOKEN}`,
        'x-github-api-version': '2022-11-28',
      },
      body: JSON.stringify({ event_type: 'x', client_payload: payload }),
    });
    expect(res.status).toBe(422);
  });

  it('keeps secrets out of logs, stored messages and the API answer', async () => {
    await retrainer.onEvidence(evidence());
    await outbox.runOnce();
    const messages = await h.store.query({
      tag: 'test.outbox',
      sql: 'SELECT request, last_error FROM {db:Identifier}.outbox',
    });
    const app = express();
    app.use(retrainRoutes(tokens, (q) => listRetrainTriggers(h.store, q)));
    app.use(errorHandler(createLogger('silent')));
    const l = await listen(app, '127.0.0.1', 0);
    const server: Server = l.server;
    try {
      const base = `http://127.0.0.1:${l.port}/api/v1/retrain/triggers`;
      const auth = { headers: { authorization: `Bearer ${READ}` } };
      const res = await fetch(`${base}?model=fraud&limit=2`, auth);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { triggers: Array<Record<string, unknown>> };
      expect(body.triggers).toHaveLength(2);
      expect(body.triggers[0]).toMatchObject({
        model: 'fraud',
        model_version: 'v7',
        reason: 'features_drift',
        report_id: 'dr_0123456789abcdef',
        window: evidence().window,
        created_at: new Date(T0).toISOString(),
        evidence: { model: 'fraud', features: expect.any(Array) },
      });
      expect((await fetch(`${base}?model=nobody`, auth).then((r) => r.json())) as unknown).toEqual({
        triggers: [],
      });
      expect((await fetch(`${base}?limit=0`, auth)).status).toBe(400);
      expect((await fetch(`${base}?colour=red`, auth)).status).toBe(400);
      expect((await fetch(base)).status).toBe(401);
      const text = JSON.stringify([h.logs, messages, body]);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    } finally {
      await closeServer(server, 1000);
    }
  });
});
