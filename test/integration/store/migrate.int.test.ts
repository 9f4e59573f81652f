// Migrations on the real engine (embedded chDB): what a fresh database gets, what a re-run does,
// what is refused, and what a dry run leaves alone. Every store here shares the process's one
// in-memory data directory and owns a database; all stay open until the suite ends, so that
// directory is never released and re-created under the engine.
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, readAppliedMigrations } from '../../../src/store/migrate';
import {
  loadMigrationFiles,
  MIGRATIONS_DIR,
  MigrationError,
  type MigrationFile,
} from '../../../src/store/migration-plan';
import { checkReadiness } from '../../../src/store/readiness';
import type { Store } from '../../../src/store/store';
import { rejection } from '../../helpers/rejection';
import { closeTestStore, openTestStore } from '../../helpers/store';

// Read from disk here rather than through loadMigrationFiles, so a loader that skipped or
// reordered a file would show.
const SHIPPED = readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
  .sort();

const EXPECTED_TABLES = [
  { name: 'alert_states', engine: 'ReplacingMergeTree' },
  { name: 'drift_reports', engine: 'ReplacingMergeTree' },
  { name: 'drift_results', engine: 'ReplacingMergeTree' },
  { name: 'evaluations', engine: 'MergeTree' },
  { name: 'evaluations_1m', engine: 'AggregatingMergeTree' },
  { name: 'evaluations_1m_mv', engine: 'MaterializedView' },
  { name: 'inference_requests', engine: 'MergeTree' },
  { name: 'job_runs', engine: 'ReplacingMergeTree' },
  { name: 'metric_points', engine: 'MergeTree' },
  { name: 'outbox', engine: 'ReplacingMergeTree' },
  { name: 'pending_evaluations', engine: 'MergeTree' },
  { name: 'reference_profiles', engine: 'ReplacingMergeTree' },
  { name: 'requests_1m', engine: 'AggregatingMergeTree' },
  { name: 'requests_1m_mv', engine: 'MaterializedView' },
  { name: 'retrain_triggers', engine: 'ReplacingMergeTree' },
  { name: 'schema_migrations', engine: 'ReplacingMergeTree' },
  { name: 'silences', engine: 'ReplacingMergeTree' },
  { name: 'slo_status', engine: 'ReplacingMergeTree' },
];

interface SchemaRow {
  version: number;
  name: string;
  checksum: string;
  statements: number;
  applied_at: string;
}

const stores: Store[] = [];
const tempDirs: string[] = [];

async function freshStore(): Promise<Store> {
  const store = await openTestStore('migrate');
  stores.push(store);
  return store;
}

async function tables(store: Store): Promise<Array<{ name: string; engine: string }>> {
  return store.query({
    tag: 'test.tables',
    sql: 'SELECT name, engine FROM system.tables WHERE database = {db:String} ORDER BY name',
  });
}

// Every row, without FINAL: a second INSERT for the same version would show here.
async function schemaRows(store: Store): Promise<SchemaRow[]> {
  return store.query({
    tag: 'test.schema_migrations',
    sql: `SELECT version, name, checksum, statements, toString(applied_at) AS applied_at
          FROM {db:Identifier}.schema_migrations ORDER BY version, applied_at`,
  });
}

function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ia-migrate-int-'));
  tempDirs.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

const refusal = (run: Promise<unknown>) => rejection(run, MigrationError);

let files: MigrationFile[];

beforeAll(() => {
  files = loadMigrationFiles();
});

afterAll(async () => {
  for (const store of stores.reverse()) await closeTestStore(store);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('migrate on a fresh database', () => {
  let store: Store;
  let firstRun: Awaited<ReturnType<typeof migrate>>;

  beforeAll(async () => {
    store = await freshStore();
    firstRun = await migrate(store, files);
  });

  it('applies every file of migrations/ in version order', () => {
    expect(SHIPPED.length).toBeGreaterThanOrEqual(6);
    expect(firstRun.applied.map((f) => f.name)).toEqual(SHIPPED);
    const fileOrder = firstRun.statements.map((s) => s.file);
    expect([...new Set(fileOrder)]).toEqual(SHIPPED);
    expect(fileOrder).toEqual([...fileOrder].sort());
  });

  it('records version, name and checksum of each file in schema_migrations', async () => {
    const rows = await schemaRows(store);
    expect(rows.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual(
      SHIPPED.map((name) => ({
        version: Number(name.slice(0, 4)),
        name,
        checksum: createHash('sha256')
          .update(readFileSync(join(MIGRATIONS_DIR, name), 'utf8'))
          .digest('hex'),
      })),
    );
    for (const row of rows) {
      const file = files.find((f) => f.name === row.name);
      expect(row.statements).toBe(file?.statements.length);
      expect(row.applied_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    }
    // Applied one after the other: a later version is never recorded before an earlier one.
    const times = rows.map((r) => r.applied_at);
    expect(times).toEqual([...times].sort());
  });

  it('creates the tables and materialized views of the schema', async () => {
    expect(await tables(store)).toEqual(EXPECTED_TABLES);
  });

  it('re-running applies nothing and leaves applied_at unchanged', async () => {
    const before = await schemaRows(store);
    const rerun = await migrate(store, files);
    expect(rerun.applied).toEqual([]);
    expect(rerun.statements).toEqual([]);
    expect(rerun.plan.pending).toEqual([]);
    expect(rerun.plan.applied.map((a) => a.name)).toEqual(SHIPPED);
    expect(await schemaRows(store)).toEqual(before);
    expect(await tables(store)).toEqual(EXPECTED_TABLES);
  });

  it('refuses a changed applied file, naming it, and applies nothing else', async () => {
    const dir = copyOfMigrations();
    appendFileSync(join(dir, '0002_evaluations.sql'), '\n-- edited after it was applied\n');
    writeFileSync(
      join(dir, '0099_extra.sql'),
      'CREATE TABLE IF NOT EXISTS {db:Identifier}.extra (x UInt8) ENGINE = MergeTree ORDER BY x;\n',
    );
    const before = await schemaRows(store);

    const err = await refusal(migrate(store, loadMigrationFiles(dir)));

    expect(err.code).toBe('migration_refused');
    expect(err.message).toMatch(/0002_evaluations\.sql was applied with checksum [0-9a-f]{12}/);
    expect(err.message).not.toMatch(/000[13456]_/);
    expect(await schemaRows(store)).toEqual(before);
    expect((await tables(store)).map((t) => t.name)).not.toContain('extra');
  });

  it('refuses an applied migration that has no file, naming it', async () => {
    const dir = copyOfMigrations();
    rmSync(join(dir, '0006_job_runs.sql'));
    const before = await schemaRows(store);

    const err = await refusal(migrate(store, loadMigrationFiles(dir)));

    expect(err.message).toMatch(/store has migration 0006_job_runs\.sql that this build does not/);
    expect(await schemaRows(store)).toEqual(before);
  });

  it('readiness is current after migrate and names a changed file', async () => {
    expect(await checkReadiness(store, files)).toEqual({
      ready: true,
      checks: { store: 'ok', migrations: `current (${SHIPPED.length} applied)` },
    });
    const dir = copyOfMigrations();
    appendFileSync(join(dir, '0004_evaluations_1m.sql'), '\n-- edited\n');
    const changed = await checkReadiness(store, loadMigrationFiles(dir));
    expect(changed.ready).toBe(false);
    expect(changed.checks.migrations).toBe('changed after apply: 0004_evaluations_1m.sql');
  });
});

describe('migrate --dry-run', () => {
  it('on a fresh database reports every statement and creates nothing', async () => {
    const store = await freshStore();

    const result = await migrate(store, files, { dryRun: true });

    expect(result.plan.pending.map((f) => f.name)).toEqual(SHIPPED);
    expect(result.applied).toEqual([]);
    expect(result.statements).toEqual(
      files.flatMap((f) => f.statements.map((sql) => ({ file: f.name, sql }))),
    );
    const [database] = await store.query<{ n: number }>({
      tag: 'test.database',
      sql: 'SELECT count() AS n FROM system.databases WHERE name = {db:String}',
    });
    expect(database?.n).toBe(0);
    expect(await tables(store)).toEqual([]);
    expect(await readAppliedMigrations(store)).toEqual([]);
  });

  it('on a partly migrated database reports only the pending files and applies none', async () => {
    const store = await freshStore();
    await migrate(store, files.slice(0, 4));
    const before = await schemaRows(store);

    const result = await migrate(store, files, { dryRun: true });

    expect(result.plan.pending.map((f) => f.name)).toEqual(SHIPPED.slice(4));
    expect([...new Set(result.statements.map((s) => s.file))]).toEqual(SHIPPED.slice(4));
    expect(result.applied).toEqual([]);
    expect(await schemaRows(store)).toEqual(before);
    const names = (await tables(store)).map((t) => t.name);
    expect(names).toContain('evaluations_1m_mv');
    expect(names).not.toContain('metric_points');
    expect(names).not.toContain('job_runs');
  });
});
