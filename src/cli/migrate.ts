import { chooseConnection, describeConnection } from '../store/connection';
import { migrate } from '../store/migrate';
import { loadMigrationFiles } from '../store/migration-plan';
import { openStore } from '../store/open';
import { applyRetention } from '../store/retention';
import { createLogger } from '../telemetry/logger';
import { loadConfig } from './load-config';

/** Runs `insightagent migrate`: prints what was (or with dryRun would be) applied to `out`. */
export async function runMigrate(
  options: { dryRun: boolean },
  source: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<void> {
  const { env } = loadConfig(source);
  const log = createLogger(env.logLevel);
  const connection = chooseConnection(env);
  const store = openStore(connection);
  try {
    const files = loadMigrationFiles();
    const result = await migrate(store, files, { dryRun: options.dryRun, log });
    out.write(`store: ${describeConnection(connection)}\n`);
    if (options.dryRun) {
      out.write(
        `dry run: ${result.plan.pending.length} of ${files.length} migrations pending; nothing was changed\n`,
      );
      for (const { file, sql } of result.statements) out.write(`\n-- ${file}\n${sql};\n`);
      return;
    }
    const changes = await applyRetention(store, env.retention, log);
    out.write(
      `applied ${result.applied.length} migration(s); ${files.length} of ${files.length} now applied\n`,
    );
    for (const f of result.applied) out.write(`  ${f.name}\n`);
    for (const c of changes)
      out.write(`retention of ${c.table}: ${c.fromDays ?? 'none'} -> ${c.toDays} days\n`);
  } finally {
    await store.close();
  }
}
