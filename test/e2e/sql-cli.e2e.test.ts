// End to end: `insightagent sql` as a real process on a migrated data directory, opening the
// store itself; then, while `insightagent serve` owns that directory, the same command reaches
// the store through the server's POST /api/v1/sql with an admin token.
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

const ADMIN = 'admin-secret-0123456789a';
const READ = 'read-secret-0123456789ab';
const TABLE_QUERY =
  "SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'inference_requests'";

afterEach(killAll);
afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

describe('insightagent sql', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await tempDir('sql');
    const migrated = await runCli(
      ['migrate'],
      cleanEnv({ INSIGHTAGENT_DATA_DIR: dataDir }),
      30_000,
    );
    if (migrated.code !== 0) throw new Error(`migrate failed:\n${migrated.stderr}`);
  }, 40_000);

  test('runs a SELECT on the store it opens, in the store database, as CSV and as a table', async () => {
    const env = cleanEnv({ INSIGHTAGENT_DATA_DIR: dataDir });
    const csv = await runCli(['sql', TABLE_QUERY, '--format', 'csv'], env);
    expect(csv).toMatchObject({ code: 0, stderr: '', stdout: 'name\r\ninference_requests\r\n' });
    const table = await runCli(['sql', 'SELECT count() AS n FROM inference_requests'], env);
    expect(table).toMatchObject({ code: 0, stdout: 'n\n-\n0\n(1 row)\n' });
  });

  test('refuses a DROP with exit 1 and a clear message; the table is still there', async () => {
    const env = cleanEnv({ INSIGHTAGENT_DATA_DIR: dataDir });
    const drop = await runCli(['sql', 'DROP TABLE inference_requests'], env);
    expect(drop.code).toBe(1);
    expect(drop.stdout).toBe('');
    expect(drop.stderr).toMatch(
      /^insightagent: DROP statements are refused: the SQL endpoint is read-only/,
    );
    const after = await runCli(['sql', TABLE_QUERY, '--format', 'csv'], env);
    expect(after.stdout).toBe('name\r\ninference_requests\r\n');
  });

  test('while serve owns the store, goes through its API with INSIGHTAGENT_TOKEN', async () => {
    const api = await freePort();
    let otlp = await freePort();
    while (otlp === api) otlp = await freePort();
    const shared = {
      INSIGHTAGENT_DATA_DIR: dataDir,
      INSIGHTAGENT_API_PORT: String(api),
      INSIGHTAGENT_OTLP_PORT: String(otlp),
    };
    const serve = startCli(
      ['serve'],
      cleanEnv({ ...shared, INSIGHTAGENT_TOKENS: `ops:${ADMIN}:admin,grafana:${READ}:read` }),
    );
    await waitForHttp(serve, `http://127.0.0.1:${api}/readyz`, { timeoutMs: 20_000 });

    const ok = await runCli(
      ['sql', TABLE_QUERY, '--format', 'json'],
      cleanEnv({ ...shared, INSIGHTAGENT_TOKEN: ADMIN }),
    );
    // libchdb itself prints the lock failure ("Cannot lock file …") to stderr before the fallback.
    expect(ok.stderr).not.toContain('insightagent:');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      columns: [{ name: 'name', type: 'String' }],
      rows: [{ name: 'inference_requests' }],
      truncated: false,
    });

    const forbidden = await runCli(
      ['sql', 'SELECT 1'],
      cleanEnv({ ...shared, INSIGHTAGENT_TOKEN: READ }),
    );
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain('answered 403: token "grafana" lacks the "admin" scope');

    const exit = await stop(serve, 'SIGTERM', 15_000);
    expect(exit.code).toBe(0);
  }, 60_000);
});
