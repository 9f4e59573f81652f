// End to end: `insightagent simulate --backfill` writes an hour of chimera into a fresh data
// directory; `insightagent report` prints its report from the store itself, then — while a
// `serve` owns that store — through the server; bad flags exit 2 naming the flag, an unknown
// model exits 1 naming it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../helpers/net';
import {
  cleanEnv,
  killAll,
  removeTempDirs,
  runCli,
  startCli,
  stop,
  tempDir,
  waitForHttp,
} from '../helpers/spawn-cli';

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

interface ReportJson {
  model: string;
  summary: { figures: Array<{ name: string; value: number | null; verdict: string }> };
  recommendations: Array<{ kind: string }>;
}

it('simulate --backfill, then report on the store and through a running serve', async () => {
  const dir = await tempDir('report-cli');
  const config = join(dir, 'insightagent.yaml');
  await writeFile(
    config,
    'reports:\n  chimera:\n    targets: { throughput_rps: 10, ttft_mean_ms: 800 }\n    device: chimera\n',
  );
  const api = await freePort();
  let otlp = await freePort();
  while (otlp === api) otlp = await freePort();
  const env = cleanEnv({
    INSIGHTAGENT_DATA_DIR: join(dir, 'data'),
    INSIGHTAGENT_CONFIG: config,
    INSIGHTAGENT_API_PORT: String(api),
    INSIGHTAGENT_OTLP_PORT: String(otlp),
    LOG_LEVEL: 'warn',
  });

  const written = await runCli(
    ['simulate', '--scenario', 'chimera', '--backfill', '1h'],
    env,
    60_000,
  );
  expect(written.code).toBe(0);
  expect(written.stderr).toMatch(/backfill chimera: 36,000 requests \(\d[\d,]* served\)/);
  // The same window again would double every request: skipped, saying how to force it.
  const again = await runCli(
    ['simulate', '--scenario', 'chimera', '--backfill', '1h'],
    env,
    60_000,
  );
  expect(again.code).toBe(0);
  expect(again.stderr).toContain('skipped, the store already holds chimera requests');

  const local = await runCli(['report', '--model', 'chimera', '--format', 'json'], env, 30_000);
  expect(local.code).toBe(0);
  const report = JSON.parse(local.stdout) as ReportJson;
  const served = report.summary.figures.find((f) => f.name === 'throughput_rps');
  expect(served?.verdict).toBe('breached');
  expect(Math.abs((served?.value ?? 0) - 5.1)).toBeLessThanOrEqual(0.3);
  expect(report.recommendations.map((r) => r.kind)).toContain('batching');

  const badWindow = await runCli(['report', '--model', 'chimera', '--window', '5x'], env);
  expect(badWindow.code).toBe(2);
  expect(badWindow.stderr).toContain("option '--window <duration>' argument '5x' is invalid");
  const unknown = await runCli(['report', '--model', 'nobody'], env, 30_000);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('model "nobody" has never been seen');

  // A running serve owns the store now: the same command asks it (Markdown by default).
  const serve = startCli(['serve'], env);
  await waitForHttp(serve, `http://127.0.0.1:${api}/readyz`, { timeoutMs: 30_000 });
  const remote = await runCli(['report', '--model', 'chimera'], env, 30_000);
  expect(remote.code).toBe(0);
  expect(remote.stdout).toMatch(/^# Insight report: chimera/);
  expect(remote.stdout).toContain('Batch requests');
  expect((await stop(serve, 'SIGTERM', 15_000)).code).toBe(0);
}, 120_000);
