import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors';
import { renderForCluster } from './cluster-ddl';
import { splitStatements } from './sql-split';

/** A migration file: `NNNN_name.sql`, its checksum and its statements. */
export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
  /** Values bound to the file's own parameters (optional migrations: the exporter's tables). */
  params?: Record<string, string>;
}

/** A row of schema_migrations. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  applied_at: string;
}

/** What `migrate` would do: pending files, and the problems that stop it. */
export interface MigrationPlan {
  applied: AppliedMigration[];
  pending: MigrationFile[];
  /** Applied migrations whose file has changed since. */
  changed: Array<{ file: MigrationFile; applied: AppliedMigration }>;
  /** Applied migrations this build has no file for (the store is newer than the build). */
  unknown: AppliedMigration[];
}

/** A migration set that cannot be applied; the message says which file and why. */
export class MigrationError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('migration_refused', 500, message, options);
    this.name = 'MigrationError';
  }
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The migrations shipped with this build. */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/** Optional migration sets, applied only when asked for (`migrate --with <name>`). */
export const OPTIONAL_MIGRATIONS_DIR = join(MIGRATIONS_DIR, 'optional');

/** Optional migrations are numbered from here; the default set stays below. */
export const FIRST_OPTIONAL_VERSION = 9000;

/** Returns the SHA-256 of a migration's text; line endings do not count. */
export function migrationChecksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** Reads every `NNNN_name.sql` in `dir`, in version order; other names and duplicates are refused. */
export function loadMigrationFiles(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith('.sql')) continue;
    const match = FILE_NAME.exec(entry);
    if (match === null) {
      throw new MigrationError(
        `${join(dir, entry)}: migration files are named NNNN_lower_snake_name.sql`,
      );
    }
    const version = Number(match[1]);
    if (files.some((f) => f.version === version)) {
      throw new MigrationError(`${join(dir, entry)}: version ${match[1]} is used by two files`);
    }
    const text = readFileSync(join(dir, entry), 'utf8');
    let statements: string[];
    try {
      statements = splitStatements(text);
    } catch (err) {
      throw new MigrationError(`${join(dir, entry)}: ${(err as Error).message}`, { cause: err });
    }
    if (statements.length === 0) throw new MigrationError(`${join(dir, entry)}: no statements`);
    files.push({ version, name: entry, checksum: migrationChecksum(text), statements });
  }
  return files;
}

/**
 * Returns the files of optional set `name` (migrations/optional/<name>/) with `params` bound to
 * each; refuses an unknown set or a file numbered below FIRST_OPTIONAL_VERSION.
 */
export function loadOptionalMigrations(
  name: string,
  params: Record<string, string>,
  dir: string = OPTIONAL_MIGRATIONS_DIR,
): MigrationFile[] {
  const sets = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  if (!sets.some((e) => e.name === name)) {
    const known = sets.map((e) => e.name).join(', ');
    throw new MigrationError(`no optional migration set "${name}"; known: ${known}`);
  }
  return loadMigrationFiles(join(dir, name)).map((file) => {
    if (file.version < FIRST_OPTIONAL_VERSION) {
      throw new MigrationError(
        `${join(dir, name, file.name)}: optional migrations are numbered from ${FIRST_OPTIONAL_VERSION}`,
      );
    }
    return { ...file, params };
  });
}

/**
 * Compares the files with what the store has applied. An applied optional migration
 * (version >= FIRST_OPTIONAL_VERSION) that is not among the files was opted into by an earlier
 * run: it is neither pending nor unknown.
 */
export function planMigrations(
  files: readonly MigrationFile[],
  applied: readonly AppliedMigration[],
): MigrationPlan {
  const byVersion = new Map(applied.map((a) => [a.version, a]));
  const known = new Set(files.map((f) => f.version));
  const changed = files.flatMap((file) => {
    const done = byVersion.get(file.version);
    return done !== undefined && done.checksum !== file.checksum ? [{ file, applied: done }] : [];
  });
  return {
    applied: [...applied].sort((a, b) => a.version - b.version),
    pending: files.filter((f) => !byVersion.has(f.version)),
    changed,
    unknown: applied.filter((a) => !known.has(a.version) && a.version < FIRST_OPTIONAL_VERSION),
  };
}

/** Throws a MigrationError when the plan must not be applied: changed or unknown migrations. */
export function assertPlanAppliable(plan: MigrationPlan): void {
  const problems = [
    ...plan.changed.map(
      ({ file, applied }) =>
        `${file.name} was applied with checksum ${applied.checksum.slice(0, 12)}… but the file now has ` +
        `${file.checksum.slice(0, 12)}…; an applied migration must not change — restore it and add a new migration`,
    ),
    ...plan.unknown.map(
      (a) =>
        `the store has migration ${a.name} that this build does not ship; the schema is newer than ` +
        'this insightagent — run a newer version',
    ),
  ];
  if (problems.length > 0)
    throw new MigrationError(`migrations refused:\n  ${problems.join('\n  ')}`);
}

/** Returns the statements to run for a file: as written, or rendered for a cluster. */
export function renderMigration(
  file: MigrationFile,
  target?: { cluster: string; database: string },
): string[] {
  if (target === undefined) return file.statements;
  return file.statements.flatMap((statement) => {
    try {
      return renderForCluster(statement, target);
    } catch (err) {
      throw new MigrationError(`${file.name}: ${(err as Error).message}`, { cause: err });
    }
  });
}
