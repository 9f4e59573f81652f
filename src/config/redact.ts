import type { Env } from './env';
import type { FileConfig } from './file';

/** Returns the effective configuration with secrets removed, for GET /api/v1/admin/config. */
export function redactedConfig(env: Env, file: FileConfig): Record<string, unknown> {
  let url: string | undefined;
  if (env.clickhouse.url !== undefined) {
    const u = new URL(env.clickhouse.url);
    u.username = '';
    u.password = '';
    url = u.toString();
  }
  return {
    env: {
      INSIGHTAGENT_DATA_DIR: env.dataDir,
      CLICKHOUSE_URL: url,
      CLICKHOUSE_USER: env.clickhouse.user,
      CLICKHOUSE_PASSWORD: env.clickhouse.password === '' ? '' : '[redacted]',
      CLICKHOUSE_DATABASE: env.clickhouse.database,
      CLICKHOUSE_CLUSTER: env.clickhouse.cluster,
      INSIGHTAGENT_HOST: env.host,
      INSIGHTAGENT_OTLP_PORT: env.otlpPort,
      INSIGHTAGENT_API_PORT: env.apiPort,
      INSIGHTAGENT_CONFIG: env.configFile,
      INSIGHTAGENT_TOKENS: env.tokens.map((t) => ({ name: t.name, scopes: [...t.scopes] })),
      INSIGHTAGENT_RETENTION_DAYS: env.retention.rawDays,
      INSIGHTAGENT_ROLLUP_RETENTION_DAYS: env.retention.rollupDays,
      LOG_LEVEL: env.logLevel,
    },
    // Channel and retrain sections may carry webhook secrets once filled in: names only.
    file: {
      slos: file.slos.length,
      drift: file.drift.length,
      channels: file.channels.map((c) => c.name ?? '(unnamed)'),
      retrain: Object.keys(file.retrain),
      reports: Object.keys(file.reports),
      // No secrets in ingest settings: shown in full, defaults included.
      ingest: file.ingest,
      // The entries as written; unset: any host but link-local and cloud metadata addresses.
      outbound: { allowed_hosts: file.outbound.allowedHosts?.map((p) => p.text) ?? null },
    },
  };
}
