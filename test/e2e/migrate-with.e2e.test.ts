// `insightagent migrate --with clickhouseexporter` as an operator runs it: refused, naming the
// tables, when the Collector exporter's tables are not in the store, and refused, naming the flag,
// for a table name that is not a plain identifier.
import { cleanEnv, removeTempDirs, runCli, tempDir } from '../helpers/spawn-cli';

afterAll(removeTempDirs);

it('refuses the set when the exporter tables are missing, naming them and the flags', async () => {
  const env = cleanEnv({ INSIGHTAGENT_DATA_DIR: await tempDir('migrate-with'), LOG_LEVEL: 'warn' });
  const run = await runCli(
    ['migrate', '--with', 'clickhouseexporter', '--otel-database', 'collector'],
    env,
    30_000,
  );
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(
    "the Collector exporter's tables collector.otel_traces, collector.otel_logs do not exist in this store",
  );
  const bad = await runCli(
    ['migrate', '--with', 'clickhouseexporter', '--otel-traces-table', 'x;y'],
    env,
    30_000,
  );
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('--otel-traces-table: expected a plain identifier');
}, 60_000);
