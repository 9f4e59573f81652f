// `insightagent report`: the insight report of one model, on the store itself or through a
// running server (INSIGHTAGENT_URL, or the local `serve` that owns the embedded store).
import { systemClock } from '../clock';
import { AppError } from '../errors';
import { createModelStats } from '../model-stats/service';
import { renderInsight } from '../report/render';
import type { ReportFormat } from '../report/request';
import { createInsightReports } from '../report/service';
import { loadMigrationFiles } from '../store/migration-plan';
import { checkReadiness } from '../store/readiness';
import { loadConfig } from './load-config';
import { callRemote, configuredRemote, openStoreOrLocal, type Remote } from './remote';

/** What `report` was asked for. */
export interface ReportCommand {
  model: string;
  windowMs: number;
  toMs?: number;
  format: ReportFormat;
}

/** Writes the model's report to `out` in the format asked for. */
export async function runReportCommand(
  command: ReportCommand,
  source: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<void> {
  const configured = configuredRemote(source);
  if (configured !== undefined) {
    out.write(await overHttp(configured, command));
    return;
  }
  const { env, reports } = loadConfig(source);
  const opened = openStoreOrLocal(env, source);
  if ('remote' in opened) {
    out.write(await overHttp(opened.remote, command));
    return;
  }
  const { store } = opened;
  try {
    // A store without the schema holds nothing to report on: say so, not the engine's error.
    // The store was opened just now (an embedded one may still be loading its tables): the
    // probe's 2 s bound is for a running server, this waits as long as a server query may.
    const readiness = await checkReadiness(store, loadMigrationFiles(), 30_000);
    if (!readiness.ready)
      throw new AppError(
        'store_not_ready',
        503,
        `nothing to report on yet: the store's schema is not current (${readiness.checks.migrations}; store ${readiness.checks.store}); start \`insightagent serve\` or run \`insightagent migrate\``,
      );
    const service = createInsightReports({
      store,
      stats: createModelStats(store, systemClock),
      clock: systemClock,
      config: reports,
    });
    const report = await service.insight(command.model, {
      windowMs: command.windowMs,
      ...(command.toMs === undefined ? {} : { toMs: command.toMs }),
    });
    out.write(withNewline(renderInsight(report, command.format).body));
  } finally {
    await store.close();
  }
}

async function overHttp(remote: Remote, command: ReportCommand): Promise<string> {
  const query = new URLSearchParams({
    model: command.model,
    window: `${command.windowMs / 60_000}m`,
    format: command.format,
    ...(command.toMs === undefined ? {} : { to: String(command.toMs) }),
  });
  const text = await callRemote(remote, {
    method: 'GET',
    path: `/api/v1/reports/insight?${query}`,
    scope: 'read',
  });
  return withNewline(text);
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
