import { z } from 'zod';
import { AppError } from '../errors';
import { chooseConnection, describeConnection } from '../store/connection';
import { existingTables, migrate } from '../store/migrate';
import { loadMigrationFiles, loadOptionalMigrations } from '../store/migration-plan';
import { openStore } from '../store/open';
import { applyRetention } from '../store/retention';
import { createLogger } from '../telemetry/logger';
import { loadConfig } from './load-config';

const identifier = (field: string) =>
  z
    .string()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]*$/,
      `${field}: expected a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`,
    );

const OptionsSchema = z.object({
  dryRun: z.boolean(),
  with: z.array(z.enum(['clickhouseexporter'])).default([]),
  otelDatabase: identifier('--otel-database').default('otel'),
  otelTracesTable: identifier('--otel-traces-table').default('otel_traces'),
  otelLogsTable: identifier('--otel-logs-table').default('otel_logs'),
});

/** `insightagent migrate` flags: --dry-run, --with <set…> and the exporter's table names. */
export type MigrateOptions = z.input<typeof OptionsSchema>;

/** Runs `insightagent migrate`: prints what was (or with dryRun would be) applied to `out`. */
export async function runMigrate(
  raw: MigrateOptions,
  source: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<void> {
  const parsed = OptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'invalid_argument',
      400,
      `migrate: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  const options = parsed.data;
  const { env } = loadConfig(source);
  const log = createLogger(env.logLevel);
  const connection = chooseConnection(env);
  const store = openStore(connection);
  try {
    if (options.with.length > 0 && store.cluster !== undefined) {
      throw new AppError(
        'invalid_argument',
        400,
        'migrate --with: optional migrations are not rendered for a cluster (CLICKHOUSE_CLUSTER) yet',
      );
    }
    if (options.with.includes('clickhouseexporter')) {
      const wanted = [options.otelTracesTable, options.otelLogsTable];
      const found = await existingTables(store, options.otelDatabase, wanted);
      const missing = wanted.filter((t) => !found.includes(t));
      if (missing.length > 0)
        throw new AppError(
          'invalid_argument',
          400,
          `migrate --with clickhouseexporter: the Collector exporter's tables ${missing.map((t) => `${options.otelDatabase}.${t}`).join(', ')} do not exist in this store; point --otel-database, --otel-traces-table and --otel-logs-table at the tables its clickhouseexporter writes`,
        );
    }
    // Optional sets come after the default set (their versions start at 9000).
    const files = [
      ...loadMigrationFiles(),
      ...options.with.flatMap((name) =>
        loadOptionalMigrations(name, {
          otel_db: options.otelDatabase,
          otel_traces: options.otelTracesTable,
          otel_logs: options.otelLogsTable,
        }),
      ),
    ];
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
