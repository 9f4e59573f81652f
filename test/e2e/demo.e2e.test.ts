import { killAll, removeTempDirs, startServe, stop } from '../helpers/spawn-cli';

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

interface ReportJson {
  summary: { figures: Array<{ name: string; value: number | null; verdict: string }> };
  recommendations: Array<{ kind: string }>;
  versions: string[];
}

it('serve --demo: a meaningful report at once, live traffic through the sidecar, a clean stop', async () => {
  const started = performance.now();
  const { cli, apiBase: base } = await startServe('demo', { args: ['serve', '--demo'] });
  const startedMs = Math.round(performance.now() - started);
  // The demo prints where to look once its traffic runs.
  const deadline = Date.now() + 30_000;
  while (!cli.stdout().includes('insightagent demo:') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  expect(cli.stdout()).toContain(`${base}/api/v1/reports/insight?model=chimera&format=html`);

  const res = await fetch(`${base}/api/v1/reports/insight?model=chimera&window=1h`);
  expect(res.status).toBe(200);
  const report = (await res.json()) as ReportJson;
  const figure = (name: string) => report.summary.figures.find((f) => f.name === name);
  expect(figure('throughput_rps')?.verdict).toBe('breached');
  expect(Math.abs((figure('throughput_rps')?.value ?? 0) - 5.1)).toBeLessThanOrEqual(0.3);
  expect(figure('ttft_ms_mean')?.verdict).toBe('breached');
  expect(Math.abs((figure('accuracy')?.value ?? 0) - 0.872)).toBeLessThanOrEqual(0.005);
  expect(report.recommendations.map((r) => r.kind)).toContain('batching');
  expect(report.versions).toEqual(['chimera-2024-06']);

  // Live requests through the sidecar reach the store: the last minute keeps growing.
  const lastMinute = async () => {
    const now = Date.now();
    const summary = await fetch(
      `${base}/api/v1/models/chimera/summary?from=${now - 120_000}&to=${now + 60_000}`,
    );
    return ((await summary.json()) as { requests: number }).requests;
  };
  const before = await lastMinute();
  await new Promise((r) => setTimeout(r, 4_000));
  expect(await lastMinute()).toBeGreaterThan(before);

  const exit = await stop(cli, 'SIGTERM', 15_000);
  expect(exit.code).toBe(0);
  console.info(`demo: ready in ${startedMs} ms, stopped in ${exit.ms} ms`);
}, 90_000);
