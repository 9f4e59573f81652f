import { hostname } from 'node:os';
import path from 'node:path';
import { createApp } from '../api/app';
import { bindRefusal } from '../api/bind-safety';
import { closeServer, type Listening, listen } from '../api/http-server';
import { systemClock } from '../clock';
import { redactedConfig } from '../config/redact';
import { driftEvidence } from '../drift/evidence';
import { createDriftJobs } from '../drift/job';
import { ConfigError } from '../errors';
import { createAttribution } from '../ingest/attribution';
import { createReceiver } from '../ingest/receiver';
import { SinkGate } from '../ingest/sink-gate';
import { IngestWriter } from '../ingest/writer';
import { createShutdown } from '../lifecycle/shutdown';
import { createModelStats } from '../model-stats/service';
import { outboundFetch } from '../outbox/outbound-fetch';
import { createOutbox, type Outbox } from '../outbox/outbox';
import { createDailyReportJob } from '../report/daily-job';
import { createInsightReports } from '../report/service';
import { createRetrainer } from '../retrain/retrainer';
import { retrainDestinations } from '../retrain/targets/index';
import { type Scheduler, startScheduler } from '../scheduler/scheduler';
import { createSloJob } from '../slo/job';
import { chooseConnection, describeConnection } from '../store/connection';
import { migrate } from '../store/migrate';
import { loadMigrationFiles } from '../store/migration-plan';
import { openStore } from '../store/open';
import { checkReadiness } from '../store/readiness';
import { listAlerts } from '../store/repositories/alert-states';
import { insertIngestRows } from '../store/repositories/ingest-rows';
import { listDeliveries } from '../store/repositories/outbox';
import { movePendingEvaluations } from '../store/repositories/pending-evaluations';
import { listRetrainTriggers } from '../store/repositories/retrain-triggers';
import { silenceRepository } from '../store/repositories/silences';
import { latestSloStatus } from '../store/repositories/slo-status';
import { openSqlRunner, type SqlRunner } from '../store/repositories/sql';
import { applyRetention } from '../store/retention';
import { createLogger } from '../telemetry/logger';
import { createMetrics } from '../telemetry/metrics';
import { SELF_TELEMETRY_FLUSH_MS, selfTelemetry } from '../telemetry/self-telemetry';
import { VERSION } from '../version';
import { loadConfig } from './load-config';
import type { Role } from './roles';

/** Options of `insightagent serve`. */
export interface ServeOptions {
  insecure: boolean;
  migrate: boolean;
  /** The parts this process runs (see roles.ts); all by default. */
  roles: ReadonlySet<Role>;
  /** Runs the demo (src/cli/demo.ts) beside the server: history, a sidecar, live traffic. */
  demo?: boolean;
}

/** The configuration `serve --demo` uses when INSIGHTAGENT_CONFIG is not set. */
export const DEMO_CONFIG = path.join(__dirname, '..', '..', 'deploy', 'demo', 'insightagent.yaml');

/** Everything SIGTERM has to finish within. */
export const SHUTDOWN_BUDGET_MS = 10_000;

/** Wires and starts `serve`; resolves once listening, with a function that shuts it down. */
export async function runServe(
  options: ServeOptions,
  given: NodeJS.ProcessEnv,
): Promise<() => Promise<number>> {
  const demo = options.demo === true;
  // The demo's own traffic would log two requests a second at info: it logs warnings unless told.
  const source = demo
    ? {
        ...given,
        INSIGHTAGENT_CONFIG: given.INSIGHTAGENT_CONFIG || DEMO_CONFIG,
        LOG_LEVEL: given.LOG_LEVEL || 'warn',
      }
    : given;
  if (demo && !(options.roles.has('api') && options.roles.has('ingest')))
    throw new ConfigError('--demo needs the api and ingest roles (it posts to both)');
  const { env, file, channels, retrain, drift, reports, outbound } = loadConfig(source);
  const refusal = bindRefusal(env.host, env.tokens.length, options.insecure);
  if (refusal !== undefined) throw new ConfigError(refusal);
  const log = createLogger(env.logLevel);
  const telemetry = selfTelemetry();
  const metrics = createMetrics();
  const files = loadMigrationFiles();
  const connection = chooseConnection(env);
  const store = openStore(connection, metrics.onStoreCall);
  const startedAt = new Date();
  // POST /api/v1/sql runs on a read-only connection of its own, next to the store's.
  const sql: SqlRunner | undefined = options.roles.has('api')
    ? openSqlRunner(connection)
    : undefined;
  // The group-commit writer behind every ingest path (OTLP; a RowSink for the API's feedback).
  // `intake` refuses rows with 503 until the schema is migrated.
  const writer = new IngestWriter({
    insert: (table, body, flushId) => insertIngestRows(store, table, body, flushId),
    limits: file.ingest.writer,
    onFlush: (event) => {
      metrics.onIngestFlush(event);
      if (event.outcome === 'error') {
        log.error({ err: event.error, rows: event.rows }, 'ingest flush failed; answering 503');
      }
    },
  });
  const intake = new SinkGate(writer);
  const receiver = createReceiver({
    sink: intake,
    tokens: env.tokens,
    log,
    metrics,
    settings: file.ingest,
    retentionDays: env.retention.rawDays,
  });

  // One model-stats and insight-report service, for the API and the daily report job alike.
  const stats = createModelStats(store, systemClock);
  const insightReports = createInsightReports({
    store,
    stats,
    clock: systemClock,
    config: reports,
  });
  const app = createApp({
    tokens: env.tokens,
    log,
    metrics,
    readiness: () => checkReadiness(store, files),
    status: async () => ({
      version: VERSION,
      started_at: startedAt.toISOString(),
      store: { mode: store.mode, database: store.database, cluster: store.cluster ?? null },
      readiness: await checkReadiness(store, files),
    }),
    effectiveConfig: () => redactedConfig(env, file),
    ...(options.roles.has('api')
      ? {
          modelStats: stats,
          feedback: {
            sink: intake,
            clock: systemClock,
            retentionDays: env.retention.rawDays,
            scoreRanges: file.ingest.scoreRanges,
          },
          sloStatus: () => latestSloStatus(store),
          deliveries: (query) => listDeliveries(store, query),
          silences: { repository: silenceRepository(store), clock: systemClock },
          alerts: (query) => listAlerts(store, query),
          retrainTriggers: (query) => listRetrainTriggers(store, query),
          drift: { store, monitors: drift, clock: systemClock },
          reports: insightReports,
          ...(sql === undefined ? {} : { sql }),
        }
      : {}),
  });
  // Moves scores that arrived before their request into `evaluations` once it is stored.
  const attribution = createAttribution({
    move: (limit) => movePendingEvaluations(store, limit),
    log,
  });
  // Probes and /metrics answer on the API port whatever the roles; /api/v1 only with `api`.
  const api = await listen(app, env.host, env.apiPort);
  let otlp: Listening | undefined;
  try {
    if (options.roles.has('ingest')) otlp = await listen(receiver, env.host, env.otlpPort);
  } catch (err) {
    await closeServer(api.server, 1_000);
    await sql?.close();
    await store.close();
    throw err;
  }
  // Attribution and the scheduled jobs run in exactly one process: the scheduler role's.
  const background = options.roles.has('scheduler');
  let scheduler: Scheduler | undefined;
  let outbox: Outbox | undefined;
  const startBackground = () => {
    if (!background || scheduler !== undefined) return;
    attribution.start();
    // Every outbound HTTP call (alert notifications) goes through the durable outbox.
    outbox = createOutbox({
      store,
      clock: systemClock,
      channels: (name) => channels.find((c) => c.name === name),
      // Retrain targets (for the drift and SLO jobs' retrainer) are named destinations too.
      destinations: retrainDestinations(retrain),
      // Each request checked against outbound.allowed_hosts and the metadata addresses.
      fetch: outboundFetch(outbound),
      log,
    });
    outbox.start();
    // Each job ticks a few seconds after its window ends, so the last minute's rows are in.
    // Drift reports that drifted, and quality SLOs paging, are evidence for retraining (its
    // policy decides what fires).
    const retrainer = createRetrainer({
      store,
      outbox,
      config: retrain,
      channels,
      log,
      clock: systemClock,
    });
    const slo = createSloJob({
      store,
      slos: file.slos,
      channels,
      outbox,
      log,
      onEvidence: async (evidence) => {
        for (const e of evidence) await retrainer.onEvidence(e);
      },
    });
    const driftJobs = createDriftJobs({
      store,
      monitors: drift,
      clock: systemClock,
      log,
      onReport: async (report) => {
        const evidence = driftEvidence(report, env.publicUrl);
        if (evidence !== undefined) await retrainer.onEvidence(evidence);
      },
    });
    // Yesterday's insight reports, to the Slack channels the reports: config names.
    const dailyReports = createDailyReportJob({
      reports: insightReports,
      config: reports,
      models: () => stats.models(),
      channels,
      outbox,
      log,
    });
    // Drift windows are checked every minute at :20, the day's reports at :45; a window runs
    // once it has ended.
    const jobs = [
      { job: slo, cron: '5 * * * * *' },
      ...driftJobs.map((job) => ({ job, cron: '20 * * * * *' })),
      { job: dailyReports, cron: '45 * * * * *' },
    ];
    scheduler = startScheduler(jobs, {
      store,
      clock: systemClock,
      log,
      runner: `${hostname()}:${process.pid}`,
    });
  };
  log.info(
    {
      version: VERSION,
      roles: [...options.roles],
      api: `http://${api.host}:${api.port}`,
      otlp: otlp === undefined ? null : `http://${otlp.host}:${otlp.port}`,
      store: describeConnection(connection),
      selfTelemetry: telemetry.enabled,
    },
    'insightagent serving',
  );

  let stopDemo: (() => Promise<void>) | undefined;
  const shutdown = createShutdown(
    [
      // The demo's traffic and sidecar stop first: their last spans and labels still get in.
      { name: 'demo', run: async () => stopDemo?.() },
      // Both listeners stop accepting and drain together (in-flight OTLP and feedback requests
      // finish: the writer still commits their rows), then the writer flushes whatever else it
      // accepted, attribution makes a last pass, and the store closes.
      {
        name: 'listeners',
        run: async (remaining) => {
          const grace = Math.max(remaining - 3_000, 0);
          const servers = otlp === undefined ? [api.server] : [otlp.server, api.server];
          await Promise.all(servers.map((server) => closeServer(server, grace)));
        },
      },
      { name: 'ingest-writer', run: () => writer.shutdown() },
      { name: 'scheduler', run: async () => scheduler?.stop() },
      { name: 'outbox', run: async () => outbox?.stop() },
      {
        name: 'attribution',
        run: async () => {
          await attribution.stop();
          if (background) await attribution.runOnce();
        },
      },
      {
        // Bounded, and leaving time to close the store: a dead collector costs exported spans,
        // not a clean exit.
        name: 'self-telemetry',
        run: (remaining) =>
          telemetry.shutdown(Math.min(SELF_TELEMETRY_FLUSH_MS, remaining - 1_000)),
      },
      { name: 'sql', run: async () => sql?.close() },
      { name: 'store', run: () => store.close() },
    ],
    SHUTDOWN_BUDGET_MS,
    log,
  );

  if (options.migrate) {
    try {
      const result = await migrate(store, files, { log });
      intake.open();
      await applyRetention(store, env.retention, log);
      startBackground();
      log.info({ applied: result.applied.length, total: files.length }, 'store schema current');
    } catch (err) {
      log.fatal({ err }, 'migrations failed; stopping');
      await shutdown();
      throw err;
    }
  }
  // With --no-migrate the operator vouches for the schema (open() and start() are idempotent).
  intake.open();
  startBackground();
  if (demo && otlp !== undefined) {
    // Loaded only for the demo: a plain serve does not load the sidecar.
    const { startDemo } = require('./demo') as typeof import('./demo');
    const host = (h: string) => (['0.0.0.0', '::', ''].includes(h) ? '127.0.0.1' : h);
    try {
      stopDemo = await startDemo({
        store,
        apiUrl: `http://${host(api.host)}:${api.port}`,
        otlpUrl: `http://${host(otlp.host)}:${otlp.port}`,
        ...(source.INSIGHTAGENT_TOKEN ? { token: source.INSIGHTAGENT_TOKEN } : {}),
        log,
        out: process.stdout,
      });
    } catch (err) {
      // A demo that cannot start stops the server with it: nothing half-started keeps running.
      log.fatal({ err }, 'demo failed to start; stopping');
      await shutdown();
      throw err;
    }
  }
  return shutdown;
}
