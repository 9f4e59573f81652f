// The web UI in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core)
// against a real `serve --demo` with token auth. The UI asks for a token, shows chimera's card
// with sparklines drawn from data, the model page's charts, and a drift report's HTML page.
// Screenshots go to test-artifacts/ui/. Without /usr/bin/chromium `npm test` skips this suite
// loudly; `npm run test:e2e` (INSIGHTAGENT_REQUIRE_BROWSER=1) fails instead.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { freePort } from '../helpers/net';
import {
  type Cli,
  cleanEnv,
  killAll,
  ROOT,
  removeTempDirs,
  startCli,
  stop,
  tempDir,
  waitForHttp,
} from '../helpers/spawn-cli';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'ui');
const READ = 'viewer-secret-0123456789abcdef';
const ADMIN = 'ops-secret-0123456789abcdef0123';
const INGEST = 'ingest-secret-0123456789abcdef';
const present = existsSync(CHROMIUM);
const required = process.env.INSIGHTAGENT_REQUIRE_BROWSER === '1';

if (!present) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! ${CHROMIUM} is missing: the web UI browser test ${required ? 'FAILS' : 'is SKIPPED'}.\n` +
      `!! Install it (Debian/Ubuntu, as root): apt-get update && apt-get install -y chromium\n${'!'.repeat(78)}\n`,
  );
}

// The points of every series of a chart that carry a value, read from uPlot's own data.
async function chartPoints(page: Page, key: string): Promise<number[]> {
  return page.evaluate((k) => {
    const charts = (
      globalThis as unknown as { insightagent?: { charts: Map<string, { data: unknown[][] }> } }
    ).insightagent?.charts;
    const chart = charts?.get(k);
    if (!chart) return [];
    return chart.data.slice(1).map((ys) => ys.filter((y) => typeof y === 'number').length);
  }, key);
}

async function waitForPoints(page: Page, key: string, min: number): Promise<number[]> {
  const deadline = Date.now() + 15_000;
  let points: number[] = [];
  while (Date.now() < deadline) {
    points = await chartPoints(page, key);
    if (points.length > 0 && points.every((n) => n >= min)) return points;
    await page.waitForTimeout(200);
  }
  throw new Error(
    `chart ${key} has ${JSON.stringify(points)} points, wanted ${min} in each series`,
  );
}

(present || required ? describe : describe.skip)('web UI in headless Chromium', () => {
  let cli: Cli;
  let base: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!present) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    await mkdir(ARTIFACTS, { recursive: true });
    const api = await freePort();
    let otlp = await freePort();
    while (otlp === api) otlp = await freePort();
    cli = startCli(
      ['serve', '--demo'],
      cleanEnv({
        INSIGHTAGENT_DATA_DIR: await tempDir('ui'),
        INSIGHTAGENT_API_PORT: String(api),
        INSIGHTAGENT_OTLP_PORT: String(otlp),
        INSIGHTAGENT_TOKENS: `ingest:${INGEST}:ingest,viewer:${READ}:read,ops:${ADMIN}:admin`,
        LOG_LEVEL: 'warn',
      }),
    );
    base = `http://127.0.0.1:${api}`;
    await waitForHttp(cli, `${base}/readyz`, { timeoutMs: 30_000 });
    const deadline = Date.now() + 30_000;
    while (!cli.stdout().includes('insightagent demo:') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (cli !== undefined && cli.exit() === undefined) await stop(cli, 'SIGTERM', 15_000);
    await killAll();
    await removeTempDirs();
  });

  it('asks for a token, shows chimera with charts drawn from data, opens a drift report', async () => {
    // The demo has no drift report yet: run the default monitor now, as an operator would.
    const run = await fetch(`${base}/api/v1/drift/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chimera' }),
    });
    expect(run.status).toBe(201);
    const report = (await run.json()) as { id: string };

    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${base}/`);

    // 401 → the token form; the token is kept in localStorage and sent as a bearer.
    await page.locator('form.token input[name=token]').fill(READ);
    await page.screenshot({ path: join(ARTIFACTS, '1-token.png') });
    await page.locator('form.token button[type=submit]').click();
    const card = page.locator('section.card[data-model="chimera"]');
    await card.waitFor({ timeout: 15_000 });
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { localStorage: { getItem(key: string): string | null } }
        ).localStorage.getItem('insightagent.token'),
      ),
    ).toBe(READ);

    // The overview: five KPI tiles, each with a sparkline canvas over the last hour's minutes.
    expect(await card.locator('.kpi').count()).toBe(5);
    for (const kpi of ['throughput_rps', 'ttft_ms_mean', 'ttft_ms_p95', 'accuracy', 'coherence'])
      await waitForPoints(page, `chimera/kpi-${kpi}`, 30);
    expect(await card.locator('.kpi canvas').count()).toBe(5);
    expect(await card.locator('[data-kpi="throughput_rps"]').getAttribute('class')).toContain(
      'breached',
    );
    await page.screenshot({ path: join(ARTIFACTS, '2-overview.png'), fullPage: true });

    // The model page: a chart per metric, each series with points.
    await card.locator('h2 a').click();
    for (const chart of ['throughput', 'ttft', 'accuracy', 'coherence', 'batch'])
      await waitForPoints(page, `chimera/${chart}`, 30);
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(5);
    await page.locator('.insight .recommendation').first().waitFor({ timeout: 15_000 });
    const link = page.locator(`a.drift-link[href$="${encodeURIComponent(report.id)}"]`);
    await link.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, '3-model.png'), fullPage: true });

    // The drift report: its HTML page, fetched with the token, in a sandboxed frame.
    await link.click();
    const heading = page.frameLocator('iframe.report').locator('h1');
    await heading.waitFor({ timeout: 15_000 });
    expect(await heading.textContent()).toContain('Drift report: chimera');
    await page.screenshot({ path: join(ARTIFACTS, '4-drift-report.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
