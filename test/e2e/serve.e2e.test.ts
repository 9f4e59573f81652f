// End to end: `insightagent serve` and `insightagent migrate` as real processes, each with its own
// data directory, free loopback ports and a clean environment. Children run one at a time.
import { readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppliedMigration } from '../../src/store/migration-plan';
import { freePort } from '../helpers/net';
import {
  type Cli,
  cleanEnv,
  killAll,
  ROOT,
  removeTempDirs,
  runCli,
  startCli,
  startNode,
  stop,
  tempDir,
  waitForExit,
  waitForHttp,
} from '../helpers/spawn-cli';

const MIGRATIONS = readdirSync(join(ROOT, 'migrations'))
  .filter((name) => name.endsWith('.sql'))
  .sort();
// What the brief promises: /healthz within 15 s of start, exit within 10 s of a signal.
const HEALTHZ_MS = 15_000;
const SHUTDOWN_MS = 10_000;

/** Milliseconds measured along the way, printed once at the end. */
const timings: Record<string, number> = {};

interface Serving {
  cli: Cli;
  dataDir: string;
  base: string;
}

async function twoPorts(): Promise<[number, number]> {
  const api = await freePort();
  let otlp = await freePort();
  while (otlp === api) otlp = await freePort();
  return [api, otlp];
}

async function startServe(
  options: { dataDir?: string; env?: Record<string, string>; args?: string[] } = {},
): Promise<Serving> {
  const dataDir = options.dataDir ?? (await tempDir('data'));
  const [api, otlp] = await twoPorts();
  const env = cleanEnv({
    INSIGHTAGENT_DATA_DIR: dataDir,
    INSIGHTAGENT_API_PORT: String(api),
    INSIGHTAGENT_OTLP_PORT: String(otlp),
    ...options.env,
  });
  const cli = startCli(['serve', ...(options.args ?? [])], env);
  return { cli, dataDir, base: `http://127.0.0.1:${api}` };
}

/** Starts serve and waits until /readyz answers 200 (migrations applied). */
async function startReady(options: Parameters<typeof startServe>[0] = {}): Promise<Serving> {
  const serving = await startServe(options);
  await waitForHttp(serving.cli, `${serving.base}/healthz`, { timeoutMs: HEALTHZ_MS });
  await waitForHttp(serving.cli, `${serving.base}/readyz`, { timeoutMs: HEALTHZ_MS });
  return serving;
}

/** The structured log lines (pino JSON on stderr) with message `msg`. */
function logged(cli: Cli, msg: string): Array<Record<string, unknown>> {
  return cli
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((event) => event.msg === msg);
}

// Neither /api/v1/status nor `migrate --dry-run` shows applied_at, so a separate process reads
// schema_migrations through the built store code (the data directory must not be in use).
const READ_APPLIED = `
const [dist, dataDir] = process.argv.slice(1);
const { openStore } = require(dist + '/store/open.js');
const { embeddedStorePath } = require(dist + '/store/connection.js');
const { readAppliedMigrations } = require(dist + '/store/migrate.js');
const store = openStore({ kind: 'embedded', path: embeddedStorePath(dataDir), database: 'insightagent' });
readAppliedMigrations(store)
  .then((rows) => process.stdout.write(JSON.stringify(rows)))
  .finally(() => store.close());
`;

async function appliedMigrations(dataDir: string): Promise<AppliedMigration[]> {
  const reader = startNode(['-e', READ_APPLIED, join(ROOT, 'dist'), dataDir], cleanEnv({}));
  const exit = await waitForExit(reader, 15_000);
  if (exit.code !== 0) throw new Error(`reading schema_migrations failed:\n${reader.stderr()}`);
  return JSON.parse(reader.stdout()) as AppliedMigration[];
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.json() };
}

afterEach(killAll);

afterAll(async () => {
  await killAll();
  await removeTempDirs();
  console.info(`e2e timings (ms): ${JSON.stringify(timings)}`);
});

describe('insightagent serve', () => {
  test('answers /healthz within 15 s and /readyz 200 after startup migrations, storing under the data dir', async () => {
    const serving = await startServe();
    timings.healthz = await waitForHttp(serving.cli, `${serving.base}/healthz`, {
      timeoutMs: HEALTHZ_MS,
    });
    timings.readyz = await waitForHttp(serving.cli, `${serving.base}/readyz`, {
      timeoutMs: HEALTHZ_MS,
    });

    expect(timings.healthz).toBeLessThan(HEALTHZ_MS);
    expect(await getJson(`${serving.base}/readyz`)).toEqual({
      status: 200,
      body: {
        ready: true,
        checks: { store: 'ok', migrations: `current (${MIGRATIONS.length} applied)` },
      },
    });
    expect(logged(serving.cli, 'store schema current')).toEqual([
      expect.objectContaining({ applied: MIGRATIONS.length, total: MIGRATIONS.length }),
    ]);
    expect(statSync(join(serving.dataDir, 'clickhouse')).isDirectory()).toBe(true);
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s: exits 0 within 10 s', async (signal) => {
    const serving = await startReady();

    const exit = await stop(serving.cli, signal, SHUTDOWN_MS + 5_000);
    timings[`shutdown_${signal}`] = exit.ms;

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(SHUTDOWN_MS);
    expect(serving.cli.stderr()).toContain(`${signal} received, shutting down`);
  });

  test('SIGTERM as soon as /healthz answers (startup migrations may still run) exits 0 within 10 s', async () => {
    const serving = await startServe();
    await waitForHttp(serving.cli, `${serving.base}/healthz`, { timeoutMs: HEALTHZ_MS });

    const exit = await stop(serving.cli, 'SIGTERM', SHUTDOWN_MS + 5_000);

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(SHUTDOWN_MS);
  });

  test('a second start on the same data dir reuses the data: applied_at unchanged, nothing re-applied', async () => {
    const first = await startReady();
    expect((await stop(first.cli, 'SIGTERM', SHUTDOWN_MS)).code).toBe(0);
    const before = await appliedMigrations(first.dataDir);
    expect(before.map((m) => m.name)).toEqual(MIGRATIONS);

    const second = await startReady({ dataDir: first.dataDir });
    expect((await stop(second.cli, 'SIGTERM', SHUTDOWN_MS)).code).toBe(0);

    expect(await appliedMigrations(first.dataDir)).toEqual(before);
    expect(logged(second.cli, 'migration applied')).toEqual([]);
    expect(logged(second.cli, 'store schema current')).toEqual([
      expect.objectContaining({ applied: 0, total: MIGRATIONS.length }),
    ]);
  }, 45_000);

  test('a second serve on a data dir in use by a running serve exits 1 with store_locked on stderr', async () => {
    const owner = await startReady();

    const intruder = await startServe({ dataDir: owner.dataDir });
    const exit = await waitForExit(intruder.cli, 15_000);

    expect(exit).toEqual({ code: 1, signal: null });
    expect(intruder.cli.stderr()).toContain(
      `cannot open the embedded store at ${join(owner.dataDir, 'clickhouse')}`,
    );
    expect(intruder.cli.stderr()).toContain('Only one process may own an embedded data directory');
    // The owner is unharmed.
    expect((await getJson(`${owner.base}/readyz`)).status).toBe(200);
  });

  test('serve --role api answers probes and /api/v1 but runs no OTLP receiver', async () => {
    const serving = await startReady({ args: ['--role', 'api'] });
    expect(logged(serving.cli, 'insightagent serving')[0]).toMatchObject({
      roles: ['api'],
      otlp: null,
    });
    expect((await fetch(`${serving.base}/api/v1/models`)).status).toBe(200);
    expect((await stop(serving.cli, 'SIGTERM', SHUTDOWN_MS)).code).toBe(0);
  });

  test('serve --role with an unknown role exits 2 naming it', async () => {
    const result = await runCli(
      ['serve', '--role', 'ingest,ui'],
      cleanEnv({ INSIGHTAGENT_DATA_DIR: await tempDir('data') }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--role: unknown role "ui"');
  });

  test('INSIGHTAGENT_HOST=0.0.0.0 without INSIGHTAGENT_TOKENS exits 2 naming the problem', async () => {
    const dataDir = await tempDir('data');
    const result = await runCli(
      ['serve'],
      cleanEnv({ INSIGHTAGENT_DATA_DIR: dataDir, INSIGHTAGENT_HOST: '0.0.0.0' }),
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without INSIGHTAGENT_TOKENS');
    expect(result.stderr).toContain('--insecure');
  });

  test('INSIGHTAGENT_HOST=0.0.0.0 without INSIGHTAGENT_TOKENS starts with --insecure', async () => {
    const serving = await startServe({
      env: { INSIGHTAGENT_HOST: '0.0.0.0' },
      args: ['--insecure'],
    });

    await waitForHttp(serving.cli, `${serving.base}/healthz`, { timeoutMs: HEALTHZ_MS });

    expect(logged(serving.cli, 'insightagent serving')).toEqual([
      expect.objectContaining({ api: expect.stringMatching(/^http:\/\/0\.0\.0\.0:\d+$/) }),
    ]);
  });

  test.each([
    ['INSIGHTAGENT_API_PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
  ])('a bad env value %s=%s exits 2 with stderr naming the variable', async (name, value) => {
    const dataDir = await tempDir('data');
    const result = await runCli(
      ['serve'],
      cleanEnv({ INSIGHTAGENT_DATA_DIR: dataDir, [name]: value }),
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid environment');
    expect(result.stderr).toMatch(new RegExp(`^  ${name}: expected .*got "${value}"$`, 'm'));
  });

  test('INSIGHTAGENT_CONFIG with an unknown YAML section exits 2 naming the file and the key', async () => {
    const dataDir = await tempDir('data');
    const config = join(dataDir, 'insightagent.yaml');
    await writeFile(config, 'slos: []\nalerts:\n  - name: latency\n');

    const result = await runCli(
      ['serve'],
      cleanEnv({ INSIGHTAGENT_DATA_DIR: dataDir, INSIGHTAGENT_CONFIG: config }),
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`INSIGHTAGENT_CONFIG ${config}: invalid configuration`);
    expect(result.stderr).toContain('(root): unknown key "alerts"');
  });

  test('a bad SLO or channel in INSIGHTAGENT_CONFIG exits 2 naming the YAML path', async () => {
    const dataDir = await tempDir('data');
    const config = join(dataDir, 'insightagent.yaml');
    await writeFile(
      config,
      [
        'slos:',
        '  - name: ttft',
        '    sli: {kind: latency, field: ttft_ms, threshold_ms: 800}',
        '    objective: 1.5',
        'channels:',
        '  - {name: oncall, kind: slack}',
      ].join('\n'),
    );
    const result = await runCli(
      ['serve'],
      cleanEnv({ INSIGHTAGENT_DATA_DIR: dataDir, INSIGHTAGENT_CONFIG: config }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('slos[0].objective: expected a number between 0 and 1');

    await writeFile(config, 'channels:\n  - {name: oncall, kind: slack}\n');
    const channels = await runCli(
      ['serve'],
      cleanEnv({ INSIGHTAGENT_DATA_DIR: dataDir, INSIGHTAGENT_CONFIG: config }),
    );
    expect(channels.code).toBe(2);
    expect(channels.stderr).toContain(`${config}: channels[0].url`);
  });

  test('OTEL_EXPORTER_OTLP_ENDPOINT at a closed port: still serves /healthz and exits 0 within 10 s of SIGTERM', async () => {
    const closed = await freePort();
    const serving = await startReady({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}` },
    });
    // A traced request, so shutdown has spans to flush to the collector that is not there.
    expect((await getJson(`${serving.base}/api/v1/status`)).status).toBe(200);
    expect((await getJson(`${serving.base}/healthz`)).status).toBe(200);

    const exit = await stop(serving.cli, 'SIGTERM', SHUTDOWN_MS + 5_000);
    timings.shutdown_dead_collector = exit.ms;

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(SHUTDOWN_MS);
  });
});

describe('insightagent CLI', () => {
  test('--help lists serve and migrate; serve --help documents --insecure and --no-migrate; migrate --help documents --dry-run', async () => {
    const env = cleanEnv({});
    const top = await runCli(['--help'], env);
    const serve = await runCli(['serve', '--help'], env);
    const migrate = await runCli(['migrate', '--help'], env);

    expect([top.code, serve.code, migrate.code]).toEqual([0, 0, 0]);
    expect(top.stdout).toMatch(/^ {2}serve\b/m);
    expect(top.stdout).toMatch(/^ {2}migrate\b/m);
    expect(serve.stdout).toMatch(/^ {2}--insecure\b/m);
    expect(serve.stdout).toMatch(/^ {2}--no-migrate\b/m);
    expect(migrate.stdout).toMatch(/^ {2}--dry-run\b/m);
  });

  test('migrate --dry-run on a fresh data dir lists the pending migrations and leaves them unapplied', async () => {
    const env = cleanEnv({ INSIGHTAGENT_DATA_DIR: await tempDir('data') });
    const n = MIGRATIONS.length;

    const dryRun = await runCli(['migrate', '--dry-run'], env);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(
      `dry run: ${n} of ${n} migrations pending; nothing was changed`,
    );
    for (const name of MIGRATIONS) expect(dryRun.stdout).toContain(`\n-- ${name}\n`);

    const apply = await runCli(['migrate'], env);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain(`applied ${n} migration(s); ${n} of ${n} now applied`);
    for (const name of MIGRATIONS) expect(apply.stdout).toContain(`\n  ${name}\n`);

    const again = await runCli(['migrate'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`applied 0 migration(s); ${n} of ${n} now applied`);
  });
});
