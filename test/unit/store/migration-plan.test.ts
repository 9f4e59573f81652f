import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppliedMigration,
  assertPlanAppliable,
  loadMigrationFiles,
  MIGRATIONS_DIR,
  migrationChecksum,
  planMigrations,
  renderMigration,
} from '../../../src/store/migration-plan';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ia-migrations-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const A = 'CREATE TABLE IF NOT EXISTS {db:Identifier}.a (x UInt8) ENGINE = MergeTree ORDER BY x;';
const B = 'CREATE TABLE IF NOT EXISTS {db:Identifier}.b (x UInt8) ENGINE = MergeTree ORDER BY x;';

describe('migration files', () => {
  it('loads the shipped migrations in version order, each with statements', () => {
    const files = loadMigrationFiles();
    expect(files.map((f) => f.version)).toEqual(
      [...files.map((f) => f.version)].sort((a, b) => a - b),
    );
    expect(files[0]?.name).toBe('0001_inference_requests.sql');
    for (const f of files) expect(f.statements.length).toBeGreaterThan(0);
  });

  it('every shipped CREATE can run twice (IF NOT EXISTS), so a half-applied migration can be rerun', () => {
    for (const file of loadMigrationFiles()) {
      for (const sql of file.statements) {
        if (/^\s*CREATE\b/i.test(sql))
          expect(`${file.name}: ${sql.slice(0, 60)}`).toMatch(/IF NOT EXISTS/i);
      }
    }
  });

  it('checksums ignore CRLF line endings but not content', () => {
    expect(migrationChecksum('a\r\nb')).toBe(migrationChecksum('a\nb'));
    expect(migrationChecksum('a\nb')).not.toBe(migrationChecksum('a\nc'));
  });

  it.each([
    [{ '1_bad.sql': A }, 'migration files are named NNNN_lower_snake_name.sql'],
    [{ '0001_a.sql': A, '0001_b.sql': B }, 'version 0001 is used by two files'],
    [{ '0001_empty.sql': '-- nothing here\n' }, 'no statements'],
    [{ '0001_open.sql': "SELECT 'unterminated" }, '0001_open.sql'],
  ])('refuses a bad migrations directory %j', (files, message) => {
    expect(() => loadMigrationFiles(dirWith(files))).toThrow(message);
  });

  it('ignores files that are not .sql', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ia-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'README.md'), '# notes');
    expect(loadMigrationFiles(dir).length).toBe(loadMigrationFiles().length);
  });
});

describe('migration plan', () => {
  const files = loadMigrationFiles(dirWith({ '0001_a.sql': A, '0002_b.sql': B }));
  const [fa, fb] = files;
  const applied = (version: number, checksum: string): AppliedMigration => ({
    version,
    name: `000${version}_x.sql`,
    checksum,
    applied_at: '2026-01-01 00:00:00.000',
  });

  it('everything is pending on an empty store', () => {
    const plan = planMigrations(files, []);
    expect(plan.pending.map((f) => f.name)).toEqual(['0001_a.sql', '0002_b.sql']);
    expect(() => assertPlanAppliable(plan)).not.toThrow();
  });

  it('only unapplied files are pending', () => {
    const plan = planMigrations(files, [applied(1, fa?.checksum ?? '')]);
    expect(plan.pending.map((f) => f.name)).toEqual(['0002_b.sql']);
  });

  it('refuses an applied migration whose file changed, naming it', () => {
    const plan = planMigrations(files, [
      applied(1, 'deadbeef'.repeat(8)),
      applied(2, fb?.checksum ?? ''),
    ]);
    expect(plan.changed.map((c) => c.file.name)).toEqual(['0001_a.sql']);
    expect(() => assertPlanAppliable(plan)).toThrow(
      /0001_a\.sql was applied with checksum deadbeefdead… but the file now has/,
    );
  });

  it('refuses a store that has migrations this build does not ship', () => {
    const plan = planMigrations(files, [
      applied(1, fa?.checksum ?? ''),
      applied(2, fb?.checksum ?? ''),
      applied(3, 'x'),
    ]);
    expect(plan.unknown.map((u) => u.version)).toEqual([3]);
    expect(() => assertPlanAppliable(plan)).toThrow(/schema is newer than this insightagent/);
  });

  it('renders for a cluster only when one is given', () => {
    const file = fa;
    if (file === undefined) throw new Error('fixture missing');
    expect(renderMigration(file)).toEqual(file.statements);
    const clustered = renderMigration(file, { cluster: 'prod', database: 'mon' });
    expect(clustered).toHaveLength(2);
    expect(clustered[0]).toContain('{db:Identifier}.a_local ON CLUSTER `prod`');
    expect(clustered[1]).toContain('ENGINE = Distributed');
  });
});
