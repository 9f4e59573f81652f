import { z } from 'zod';
import type { Logger } from '../telemetry/logger';
import { quoteIdentifier } from './cluster-ddl';
import {
  type AppliedMigration,
  assertPlanAppliable,
  type MigrationFile,
  type MigrationPlan,
  planMigrations,
  renderMigration,
} from './migration-plan';
import type { Store } from './store';

const SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS {db:Identifier}.schema_migrations
(
    version     UInt32,
    name        String,
    checksum    String,
    statements  UInt32,
    duration_ms UInt32,
    applied_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`;

/** What a migrate run did, or with dryRun, would do. */
export interface MigrateResult {
  plan: MigrationPlan;
  /** Files applied now (dry run: none). */
  applied: MigrationFile[];
  /** Every statement run or, with dryRun, that would run, in order. */
  statements: Array<{ file: string; sql: string }>;
}

/** Returns the applied migrations, or an empty list when the store has no schema yet. */
export async function readAppliedMigrations(store: Store): Promise<AppliedMigration[]> {
  const [exists] = await store.query<{ n: number }>({
    tag: 'migrations.exists',
    sql: `SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = 'schema_migrations'`,
  });
  if (exists === undefined || Number(exists.n) === 0) return [];
  const rows = await store.query<AppliedMigration>({
    tag: 'migrations.applied',
    sql: `SELECT version, name, checksum, toString(applied_at) AS applied_at
          FROM {db:Identifier}.schema_migrations FINAL ORDER BY version`,
  });
  return rows.map((r) => ({ ...r, version: Number(r.version) }));
}

/** Returns the plan for these files against the store, without changing anything. */
export async function migrationStatus(
  store: Store,
  files: readonly MigrationFile[],
): Promise<MigrationPlan> {
  return planMigrations(files, await readAppliedMigrations(store));
}

/**
 * Applies pending migrations in version order, each recorded with its checksum once all its
 * statements ran. Refuses (MigrationError) when an applied file changed or the store is newer.
 * Statements must be re-runnable (IF NOT EXISTS): a migration cut off half-way runs again whole.
 */
export async function migrate(
  store: Store,
  files: readonly MigrationFile[],
  options: { dryRun?: boolean; log?: Logger } = {},
): Promise<MigrateResult> {
  const target =
    store.cluster === undefined ? undefined : { cluster: store.cluster, database: store.database };
  const plan = await migrationStatus(store, files);
  assertPlanAppliable(plan);
  const result: MigrateResult = { plan, applied: [], statements: [] };
  const bootstrap = [...createDatabase(store), ...renderMigration(bootstrapFile(), target)];
  if (plan.pending.length === 0) return result;
  if (!options.dryRun) {
    for (const sql of bootstrap) await store.command({ tag: 'migrations.bootstrap', sql });
  }
  for (const file of plan.pending) {
    const started = performance.now();
    const statements = renderMigration(file, target);
    for (const sql of statements) {
      result.statements.push({ file: file.name, sql });
      if (!options.dryRun) {
        await store.command({
          tag: 'migrations.apply',
          sql,
          ...(file.params === undefined ? {} : { params: file.params }),
        });
      }
    }
    if (options.dryRun) continue;
    await store.command({
      tag: 'migrations.record',
      sql: `INSERT INTO {db:Identifier}.schema_migrations (version, name, checksum, statements, duration_ms, applied_at)
            VALUES ({version:UInt32}, {name:String}, {checksum:String}, {statements:UInt32}, {duration:UInt32}, now64(3))`,
      params: {
        version: file.version,
        name: file.name,
        checksum: file.checksum,
        statements: statements.length,
        duration: Math.round(performance.now() - started),
      },
    });
    result.applied.push(file);
    options.log?.info({ migration: file.name, statements: statements.length }, 'migration applied');
  }
  return result;
}

function createDatabase(store: Store): string[] {
  // ON CLUSTER takes no query parameter; the cluster name is a validated, quoted identifier.
  const onCluster =
    store.cluster === undefined ? '' : ` ON CLUSTER ${quoteIdentifier(store.cluster)}`;
  return [`CREATE DATABASE IF NOT EXISTS {db:Identifier}${onCluster}`];
}

function bootstrapFile(): MigrationFile {
  return { version: 0, name: 'schema_migrations', checksum: '', statements: [SCHEMA_MIGRATIONS] };
}

/** Returns which of `tables` exist in `database` (for a set that builds on another's tables). */
export async function existingTables(
  store: Store,
  database: string,
  tables: readonly string[],
): Promise<string[]> {
  const rows = await store.query({
    tag: 'migrations.existing_tables',
    sql: `SELECT name FROM system.tables
          WHERE database = {database:String} AND name IN {tables:Array(String)}`,
    params: { database, tables: [...tables] },
    schema: z.object({ name: z.string() }),
  });
  return rows.map((r) => r.name);
}
