// Drift to retraining on the real embedded store and the real outbox: hour by hour through the
// scheduler's runner, the drift job's reports become evidence (as serve wires it), and the
// retrain webhook — a local Standard Webhooks receiver verifying every signature — is called
// once at the first drifted window and not again inside the 24 h cooldown.

import { parseDriftMonitors } from '../../../src/drift/config';
import { driftEvidence } from '../../../src/drift/evidence';
import { createDriftJobs } from '../../../src/drift/job';
import type { DriftReport } from '../../../src/drift/report';
import { parseRetrainConfig } from '../../../src/retrain/config';
import { createRetrainer } from '../../../src/retrain/retrainer';
import { retrainDestinations } from '../../../src/retrain/targets/index';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { createLogger } from '../../../src/telemetry/logger';
import { openOutboxHarness } from '../../helpers/outbox';
import { type Receiver, startReceiver } from '../../helpers/receiver';
import { webhookReceiver } from '../../helpers/retrain-receivers';
import { WHSEC } from '../../unit/retrain/fixtures';

const H = 3_600_000;
// The data ends at this hour, so the windows are recent enough for the outbox to deliver.
const T0 = Math.floor(Date.now() / H) * H;
const START = T0 - 6 * H;
const SHIFT = START + 3 * H;
const log = createLogger('silent');

let h: Awaited<ReturnType<typeof openOutboxHarness>>;
let receiver: Receiver;
let webhook: ReturnType<typeof webhookReceiver>;
const reports: DriftReport[] = [];
const fired: string[][] = [];

beforeAll(async () => {
  h = await openOutboxHarness('drift_retrain', START);
  webhook = webhookReceiver(WHSEC);
  receiver = (await startReceiver(h.clock, webhook.handler)) as Receiver;
  // 1,500 requests an hour for 6 hours; from SHIFT input_tokens x1.3 and more German.
  await h.store.command({
    tag: 'test.traffic',
    sql: `INSERT INTO {db:Identifier}.inference_requests
            (ts, model, model_version, latency_ms, status, input_tokens, features_cat)
          SELECT t, 'chimera', 'v4', 500, 'ok',
                 toUInt32(round((150 + cityHash64(number, 't') % 101) * if(shifted, 1.3, 1))),
                 map('lang', multiIf(l < if(shifted, 40, 70), 'en', l < if(shifted, 80, 90), 'de', 'fr'))
          FROM (SELECT number, cityHash64(number, 'l') % 100 AS l,
                       fromUnixTimestamp64Milli(toInt64({start:Int64} + number * 2400), 'UTC') AS t,
                       toUnixTimestamp64Milli(t) >= {shift:Int64} AS shifted
                FROM numbers(9000))`,
    params: { start: START, shift: SHIFT },
  });
  const config = parseRetrainConfig(
    {
      chimera: {
        on: { dataset_drift: true },
        cooldown: '24h',
        targets: [{ kind: 'webhook', url: `${receiver.origin}/hooks/retrain`, secret: WHSEC }],
      },
    },
    [],
  );
  const outbox = h.outbox({ destinations: retrainDestinations(config) });
  const retrainer = createRetrainer({ store: h.store, outbox, config, log, clock: h.clock });
  const monitors = parseDriftMonitors(
    [
      {
        model: 'chimera',
        features: ['input_tokens', 'lang'],
        reference: {
          from: new Date(START).toISOString(),
          to: new Date(START + 2 * H).toISOString(),
        },
      },
    ],
    'test',
  );
  const [job] = createDriftJobs({
    store: h.store,
    monitors,
    clock: h.clock,
    log,
    onReport: async (report) => {
      reports.push(report);
      const evidence = driftEvidence(report, 'https://insight.example.com');
      fired.push(
        evidence === undefined ? [] : (await retrainer.onEvidence(evidence)).map((t) => t.target),
      );
    },
  });
  if (job === undefined) throw new Error('no drift job');
  for (let end = START + 3 * H; end <= T0; end += H) {
    h.clock.set(end + 5_000);
    await runDueWindows(job, { store: h.store, clock: h.clock, log, runner: 'test' });
  }
  // Delivered now: each attempt is signed at send time, which the receiver checks.
  h.clock.set(Date.now());
  await outbox.runOnce();
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await h.close();
});

it('the first drifted window triggers the webhook once; the later ones are inside the cooldown', () => {
  expect(reports.map((r) => [(r.current.fromMs - START) / H, r.verdict.datasetDrift])).toEqual([
    [2, false],
    [3, true],
    [4, true],
    [5, true],
  ]);
  expect(fired).toEqual([[], ['webhook'], [], []]);
  expect(webhook.messages).toHaveLength(1);
});

it('the signed payload names the model, version, drifted features, report and windows', () => {
  const shifted = reports[1] as DriftReport;
  expect(webhook.messages[0]?.payload).toMatchObject({
    type: 'retrain.triggered',
    data: {
      model: 'chimera',
      model_version: 'v4',
      reason: 'dataset_drift',
      dataset_drift: true,
      window: {
        from: new Date(shifted.current.fromMs).toISOString(),
        to: new Date(shifted.current.toMs).toISOString(),
      },
      reference: { from: new Date(START).toISOString(), to: new Date(START + 2 * H).toISOString() },
      report: {
        id: shifted.id,
        url: `https://insight.example.com/api/v1/drift/reports/${shifted.id}?format=html`,
      },
    },
  });
  const payload = webhook.messages[0]?.payload as
    | { data: { drifted_features: { name: string }[] } }
    | undefined;
  expect(payload?.data.drifted_features.map((f) => f.name)).toEqual(['input_tokens', 'lang']);
});
