// The insight report of simulated hours, end to end on the real engine: an hour of `chimera`
// backfilled, then reported — its figures match the scenario's ground truth, throughput and TTFT
// are breached, batching is recommended with a predicted throughput of at least 10 requests/s;
// then an hour of `chimera-batched` — at least 10 requests/s served, TTFT under 0.8 s, and the
// batching recommendation gone.
import { createModelStats } from '../../../src/model-stats/service';
import { parseReportsConfig } from '../../../src/report/config';
import type { InsightReport } from '../../../src/report/insight';
import { insightJson } from '../../../src/report/render-json';
import { createInsightReports } from '../../../src/report/service';
import { backfill } from '../../../src/simulate/backfill';
import { scenarioByName } from '../../../src/simulate/scenarios';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';

const H = 3_600_000;
const H0 = Math.floor(Date.now() / H) * H - 3 * H;
const config = parseReportsConfig(
  { chimera: { targets: { throughput_rps: 10, ttft_mean_ms: 800 }, device: 'chimera' } },
  'test',
);

let store: Store;

beforeAll(async () => {
  store = await openTestStore('chimera_report');
  await migrate(store, loadMigrationFiles());
}, 60_000);

afterAll(() => closeTestStore(store));

async function reportAt(nowMs: number) {
  const clock = { now: () => new Date(nowMs) };
  const reports = createInsightReports({
    store,
    stats: createModelStats(store, clock),
    clock,
    config,
  });
  return reports.insight('chimera', { windowMs: H });
}

const metric = (report: InsightReport, key: string) => {
  const found = report.summary.metrics.find((m) => m.key === key);
  if (found === undefined) throw new Error(`no summary figure ${key}`);
  return found;
};

it('an hour of chimera: the ground truth, throughput and TTFT breached, batching recommended', async () => {
  await backfill(store, {
    scenario: scenarioByName('chimera'),
    startMs: H0,
    durationMs: H,
    seed: 7,
  });
  const report = await reportAt(H0 + H);
  expect(metric(report, 'accuracy').value.value).toBeCloseTo(0.872, 2);
  expect(Math.abs((metric(report, 'accuracy').value.value as number) - 0.872)).toBeLessThanOrEqual(
    0.005,
  );
  expect(Math.abs((metric(report, 'coherence').value.value as number) - 0.928)).toBeLessThanOrEqual(
    0.005,
  );
  const throughput = metric(report, 'throughput_rps');
  expect(Math.abs((throughput.value.value as number) - 5.1)).toBeLessThanOrEqual(0.3);
  expect(throughput.verdict).toBe('breached');
  const ttft = metric(report, 'ttft_ms_mean');
  expect(Math.abs((ttft.value.value as number) - 1200)).toBeLessThanOrEqual(100);
  expect(ttft.verdict).toBe('breached');
  const batching = report.recommendations.find((r) => r.kind === 'batching');
  expect(batching).toBeDefined();
  const predicted = (batching?.figures ?? [])
    .filter((f) => f.name.startsWith('predicted_throughput_rps_b'))
    .map((f) => f.value as number);
  expect(predicted).toHaveLength(6); // B = 5 ... 10
  expect(Math.max(...predicted)).toBeGreaterThanOrEqual(10);
  // Every figure of the report names where it came from.
  const json = insightJson(report);
  expect(JSON.stringify(json)).not.toMatch(/"source":\s*(null|"")/);
}, 60_000);

it('then an hour of chimera-batched: 10 requests/s served, TTFT under 0.8 s, no batching advice', async () => {
  const scenario = scenarioByName('chimera-batched');
  await backfill(store, { scenario, startMs: H0 + H, durationMs: H, seed: 8 });
  const report = await reportAt(H0 + 2 * H);
  const throughput = metric(report, 'throughput_rps');
  expect(throughput.value.value).toBeGreaterThanOrEqual(10);
  expect(throughput.verdict).toBe('met');
  const ttft = metric(report, 'ttft_ms_mean');
  expect(ttft.value.value).toBeLessThan(800);
  expect(ttft.verdict).toBe('met');
  expect(report.recommendations.map((r) => r.kind)).not.toContain('batching');
  // Against the hour before: throughput up, TTFT down.
  expect(throughput.change).toBeGreaterThan(4.5);
  expect(ttft.change).toBeLessThan(-300);
}, 60_000);
