// Silences end to end on the real embedded store: the incident of slo-alerting.int.test.ts (three
// days of traffic, 40 minutes of TTFT at 1200 ms), a silence on model=chimera created through
// POST /api/v1/silences, the SLO job run minute by minute through the scheduler's runner
// (injected clock) and the outbox delivering to a local Slack-like receiver. A silence mutes
// messages, not state: GET /api/v1/alerts shows the page firing from the incident's 9th minute
// and resolved at its 69th either way.
import { parseChannels } from '../../../src/alerts/channels/config';
import { createApp } from '../../../src/api/app';
import { closeServer, type Listening, listen } from '../../../src/api/http-server';
import type { Clock } from '../../../src/clock';
import { parseTokens } from '../../../src/config/tokens';
import { createOutbox } from '../../../src/outbox/outbox';
import { runDueWindows } from '../../../src/scheduler/run-job';
import { createSloJob } from '../../../src/slo/job';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { listAlerts } from '../../../src/store/repositories/alert-states';
import { silenceRepository } from '../../../src/store/repositories/silences';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { INCIDENT_AT, seedIncidentTraffic, TTFT_SLO } from '../../helpers/incident-traffic';
import {
  type SlackDelivery,
  type SlackReceiver,
  startSlackReceiver,
} from '../../helpers/slack-receiver';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MIN = 60_000;
const ADMIN = 'admin-secret-0123456789a';
const READ = 'read-secret-0123456789ab';
const tokens = parseTokens(`ops:${ADMIN}:admin,grafana:${READ}:read`);
let store: Store;
let now = INCIDENT_AT;
const clock: Clock = { now: () => new Date(now) };
const log = createLogger('silent');
let slack: SlackReceiver;
let api: Listening;

const TTFT = TTFT_SLO;

beforeEach(async () => {
  slack = await startSlackReceiver(() => now);
  store = await openTestStore('silenced_alerting');
  await migrate(store, loadMigrationFiles());
  await seedIncidentTraffic(store);
  const app = createApp({
    tokens,
    log,
    metrics: createMetrics(),
    readiness: async () => ({ ready: true, checks: { store: 'ok', migrations: 'current' } }),
    status: async () => ({}),
    effectiveConfig: () => ({}),
    silences: { repository: silenceRepository(store), clock },
    alerts: (query) => listAlerts(store, query),
  });
  api = await listen(app, '127.0.0.1', 0);
});

afterEach(async () => {
  await closeServer(api.server, 1000);
  await closeTestStore(store);
  await slack.close();
});

const call = async (method: string, path: string, token: string, body?: unknown) => {
  const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function silence(model: string, fromMin: number, toMin: number): Promise<string> {
  const res = await call('POST', '/api/v1/silences', ADMIN, {
    matchers: [{ name: 'model', value: model }],
    startsAt: new Date(INCIDENT_AT + fromMin * MIN).toISOString(),
    endsAt: new Date(INCIDENT_AT + toMin * MIN).toISOString(),
    createdBy: 'oncall',
    comment: `maintenance of ${model}`,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const pages = async (state: string) =>
  (
    (await call('GET', `/api/v1/alerts?state=${state}`, READ)).body.alerts as Array<{
      model: string;
      severity: string;
      started_at: string | null;
      resolved_at: string | null;
    }>
  ).filter((a) => a.severity === 'page');

const minute = (k: number) => new Date(INCIDENT_AT + k * MIN).toISOString();

// Minutes after the incident start at which each message arrived, and its text.
const timeline = (received: readonly SlackDelivery[]) =>
  received.map((r) => [Math.floor((r.at - INCIDENT_AT) / MIN), r.body.text]);

/** Runs the SLO job and the outbox minute by minute; `during(k)` runs before minute k's job. */
async function runIncident(during: (k: number) => Promise<void> = async () => {}) {
  const channels = parseChannels([{ name: 'oncall', kind: 'slack', url: slack.url }]);
  const outbox = createOutbox({
    store,
    clock,
    channels: (name) => channels.find((c) => c.name === name),
    log,
  });
  const job = createSloJob({ store, slos: [TTFT], channels, outbox });
  const deps = { store, clock, log, runner: 'test' };
  for (let k = -2; k <= 100; k++) {
    now = INCIDENT_AT + k * MIN + 5_000;
    await during(k);
    await runDueWindows(job, deps);
    await outbox.runOnce();
  }
  await outbox.stop();
}

it('a silence on model=chimera covering the incident: nothing sent, the page still fires at minute 9 and resolves at 69', async () => {
  now = INCIDENT_AT - 10 * MIN;
  await silence('chimera', -5, 120);
  const firingBefore9: unknown[] = [];
  const firingAt9: unknown[] = [];
  await runIncident(async (k) => {
    // The hook runs before minute k's job: at k the newest window evaluated is minute k - 1's.
    if (k === 9) firingBefore9.push(...(await pages('firing')));
    if (k === 10) firingAt9.push(...(await pages('firing')));
  });

  expect(slack.received).toEqual([]);
  expect(firingBefore9).toEqual([]);
  expect(firingAt9).toEqual([
    expect.objectContaining({ model: 'chimera', started_at: minute(9), resolved_at: null }),
  ]);
  expect(await pages('resolved')).toEqual([
    expect.objectContaining({ model: 'chimera', started_at: minute(9), resolved_at: minute(69) }),
  ]);
  expect(await pages('firing')).toEqual([]);
});

it('a silence expired by DELETE mid-incident: the withheld firing goes out the next minute, then the resolved', async () => {
  now = INCIDENT_AT - 10 * MIN;
  const id = await silence('chimera', -5, 120);
  // A silence of another model mutes nothing here.
  await silence('hydra', -5, 120);
  await runIncident(async (k) => {
    if (k === 20) expect((await call('DELETE', `/api/v1/silences/${id}`, ADMIN)).status).toBe(200);
  });

  // The DELETE at minute 20 + 5 s ends the silence after minute 20's window end, so minute 21's
  // evaluation is the first one unsilenced.
  expect(timeline(slack.received)).toEqual([
    [21, expect.stringContaining('[FIRING] page: SLO ttft for model chimera')],
    [69, expect.stringContaining('[RESOLVED] page: SLO ttft for model chimera')],
  ]);
  const listed = (await call('GET', '/api/v1/silences', READ)).body.silences as Array<{
    id: string;
    state: string;
  }>;
  expect(listed.find((s) => s.id === id)?.state).toBe('expired');
});
