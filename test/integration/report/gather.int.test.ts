// The insight report's evidence read from the real engine: a 10-minute window of a model with
// answered, shed and rate-limited requests, accuracy and coherence scores, one earlier minute, an
// SLO evaluation and a drift report; every figure as computed by hand from the rows.
import { randomUUID } from 'node:crypto';
import type { EvaluationRow, RequestRow } from '../../../src/ingest/rows';
import { createModelStats } from '../../../src/model-stats/service';
import { gatherEvidence } from '../../../src/report/gather';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { insertSloStatus } from '../../../src/store/repositories/slo-status';
import type { Store } from '../../../src/store/store';
import { evaluationRow, requestRow } from '../../helpers/ingest-rows';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MINUTE = 60_000;
const MODEL = 'chimera';
const M0 = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const NOW = M0 + 10 * MINUTE;
const clock = { now: () => new Date(NOW) };

const requests: RequestRow[] = [];
const evaluations: EvaluationRow[] = [];
// Each of the 10 minutes: 3 answered alone (device 200 ms after 100 ms queued, TTFT 170 ms),
// 2 shed with 503, 1 rate limited; accuracy 1, 1, 0 and coherence 0.9 on the answered ones.
for (let m = 0; m < 10; m++) {
  for (let i = 0; i < 3; i++) {
    const r = requestRow(
      { batch_size: 1, latency_ms: 300, queue_ms: 100, ttft_ms: 170 },
      new Date(M0 + m * MINUTE + i * 1000),
    );
    requests.push(r);
    evaluations.push(
      evaluationRow(r, 'accuracy', i < 2 ? 1 : 0),
      evaluationRow(r, 'coherence', 0.9),
    );
  }
  for (const error_type of ['shed', 'queue_full', 'rate_limited']) {
    requests.push(
      requestRow(
        {
          status: 'error',
          error_type,
          batch_size: null,
          ttft_ms: null,
          queue_ms: null,
          latency_ms: 1,
        },
        new Date(M0 + m * MINUTE + 5000),
      ),
    );
  }
}
// The window before: two answered requests in each of its first five minutes (half of it).
for (let m = 10; m > 5; m--)
  for (let i = 0; i < 2; i++)
    requests.push(
      requestRow({ batch_size: 1, latency_ms: 250, ttft_ms: 150 }, new Date(M0 - m * MINUTE + i)),
    );

let store: Store;

beforeAll(async () => {
  store = await openTestStore('report_gather');
  await migrate(store, loadMigrationFiles());
  const plain = (rows: ReadonlyArray<RequestRow | EvaluationRow>) =>
    rows.map((r): Record<string, unknown> => ({ ...r }));
  await store.insert({ tag: 'test.requests', table: 'inference_requests', rows: plain(requests) });
  await store.insert({ tag: 'test.evaluations', table: 'evaluations', rows: plain(evaluations) });
  await insertSloStatus(store, [
    {
      slo: 'chimera-ttft',
      model: MODEL,
      evaluatedAtMs: NOW - MINUTE,
      evaluation: {
        window: { start_ms: M0, end_ms: NOW },
        method: 'occurrences',
        objective: 0.99,
        sli: 0.5,
        good: 30,
        total: 60,
        budget: { total: 0.6, consumed: 30, remaining_fraction: -49 },
        burn_rates: { '5m': 50, '1h': 48, '1d': null },
        conditions: [],
        firing: 'page',
      },
    },
  ]);
  await store.insert({
    tag: 'test.drift',
    table: 'drift_reports',
    rows: [
      {
        report_id: randomUUID(),
        model: MODEL,
        model_version: 'v1',
        monitor: 'default',
        created_at: NOW - 2 * MINUTE, // DateTime64(3) takes integer milliseconds
        current_from: M0,
        current_to: NOW,
        reference_id: 'ref',
        reference_from: M0 - 60 * MINUTE,
        reference_to: M0,
        reference_desc: 'pinned',
        features: 4,
        drifted: 3,
        insufficient: 0,
        drift_share: 0.75,
        share_threshold: 0.5,
        dataset_drift: true,
        correction: 'none',
      },
    ],
  });
});

afterAll(() => closeTestStore(store));

const settings = {
  targets: { throughputRps: 10, ttftMeanMs: 800 },
  profile: { fixedMs: 180, perItemMs: 16, source: 'config' },
  inFlight: 1,
};

it('measures the window: offered and served load, TTFT, queue, refusals, scores, versions', async () => {
  const stats = createModelStats(store, clock);
  const e = await gatherEvidence(
    { store, stats, clock },
    { model: MODEL, windowMs: 10 * MINUTE, settings },
  );
  const c = e.current;
  expect([c.fromMs, c.toMs, c.requests, c.ok]).toEqual([M0, NOW, 60, 30]);
  expect(c.offeredRps.value).toBeCloseTo(60 / 600, 12);
  expect(c.throughputRps.value).toBeCloseTo(30 / 600, 12);
  expect(c.peakOfferedRps.value).toBeCloseTo(6 / 60, 12);
  expect(c.ttftMeanMs.value).toBeCloseTo(170, 9);
  expect(c.queueMeanMs.value).toBeCloseTo(100, 9);
  expect(c.batchSizeMean.value).toBe(1);
  expect(c.shedShare.value).toBeCloseTo(20 / 60, 12);
  expect(c.rateLimitedShare.value).toBeCloseTo(10 / 60, 12);
  expect(c.accuracy.value).toBeCloseTo(2 / 3, 12);
  expect(c.coherence.value).toBeCloseTo(0.9, 12);
  expect(c.versions).toEqual(['v1']);
  expect(c.cache.repeatRate.value).toBeNull();
  expect(c.offeredRps.source).toMatch(/requests_1m/);
  expect(c.accuracy.source).toBe('evaluations_1m: mean of score "accuracy" (30 scored)');
});

it('compares with the window before, and reads device time, SLOs, drift and the series', async () => {
  const stats = createModelStats(store, clock);
  const e = await gatherEvidence(
    { store, stats, clock },
    { model: MODEL, windowMs: 10 * MINUTE, settings },
  );
  expect(e.previous?.requests).toBe(10);
  expect(e.previous?.ttftMeanMs.value).toBeCloseTo(150, 9);
  expect(e.batching).toEqual({
    points: [{ size: 1, batches: 30, meanMs: 200 }],
    profile: settings.profile,
    inFlight: 1,
  });
  expect(e.slos).toEqual([
    {
      name: 'chimera-ttft',
      objective: 0.99,
      sli: 0.5,
      breached: true,
      budgetRemaining: -49,
      burnRate: 50,
      evaluatedAtMs: NOW - MINUTE,
    },
  ]);
  expect(e.drift).toEqual([
    expect.objectContaining({ features: 4, drifted: 3, driftShare: 0.75, datasetDrift: true }),
  ]);
  expect(e.series.stepSeconds).toBe(60);
  expect(e.series.points).toHaveLength(10);
  expect(e.series.points[0]).toEqual({
    startMs: M0,
    offeredRps: 0.1,
    throughputRps: 0.05,
    ttftMeanMs: 170,
  });
});

it('compares only with a window its data covers half of, and 404s a model never seen', async () => {
  const stats = createModelStats(store, clock);
  const gather = (toMs: number) =>
    gatherEvidence(
      { store, stats, clock },
      { model: MODEL, windowMs: 10 * MINUTE, toMs, settings },
    );
  // Before [M0 - 8 min, M0 + 2 min): [M0 - 18 min, M0 - 8 min) saw requests in 2 of its minutes.
  const late = await gather(M0 + 2 * MINUTE);
  expect(late.current.requests).toBe(18);
  expect(late.previous).toBeNull();
  // The SLO evaluation and the drift report came after that window: they do not judge it.
  expect(late.slos).toEqual([]);
  expect(late.drift).toEqual([]);
  // Before [M0 - 5 min, M0 + 5 min): [M0 - 15 min, M0 - 5 min) saw requests in 5 of its 10.
  expect((await gather(M0 + 5 * MINUTE)).previous?.requests).toBe(10);
  await expect(
    gatherEvidence({ store, stats, clock }, { model: 'nobody', windowMs: MINUTE, settings }),
  ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
});

it('counts a step still running over its elapsed seconds: served is the answered share of offered', async () => {
  const halfway = { now: () => new Date(M0 + 9.5 * MINUTE) };
  const stats = createModelStats(store, halfway);
  const e = await gatherEvidence(
    { store, stats, clock: halfway },
    { model: MODEL, windowMs: 10 * MINUTE, settings },
  );
  const last = e.series.points.at(-1);
  expect(last?.startMs).toBe(M0 + 9 * MINUTE);
  // Six requests in the 30 s elapsed of the last minute, three of them answered.
  expect(last?.offeredRps).toBeCloseTo(6 / 30, 12);
  expect(last?.throughputRps).toBeCloseTo(3 / 30, 12);
});
