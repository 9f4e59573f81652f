// `insightagent drift list|show|run`: on the store itself, or — when INSIGHTAGENT_URL is set, or
// a running `serve` owns the embedded store — through that server's /api/v1/drift routes. Both
// ways print the same: the API's JSON (indented), its HTML page, or a table.
import { systemClock } from '../clock';
import { parseEnv } from '../config/env';
import type { DriftMonitor } from '../drift/config';
import { renderDriftHtml } from '../drift/html';
import { type ReportJson, reportJson, reportSummaryJson } from '../drift/report-json';
import { createDriftService, type DriftService } from '../drift/service';
import { AppError } from '../errors';
import { renderReport, renderReportList } from './drift-render';
import { loadConfig } from './load-config';
import { callRemote, configuredRemote, openStoreOrLocal, type Remote } from './remote';

/** One drift command and its options. */
export type DriftCommand =
  | { kind: 'list'; model?: string; limit: number; format: 'json' | 'table' }
  | { kind: 'show'; id: string; format: 'json' | 'html' | 'table' }
  | { kind: 'run'; model: string; monitor?: string; format: 'json' | 'table' };

type Summary = Omit<ReportJson, 'features'>;

/** Runs `command` and writes its answer to `out` (locally, or over HTTP to a running server). */
export async function runDriftCommand(
  command: DriftCommand,
  source: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<void> {
  const configured = configuredRemote(source);
  if (configured !== undefined) {
    out.write(await overHttp(configured, command));
    return;
  }
  // Only a run needs the monitors (and so the YAML file).
  const monitors: readonly DriftMonitor[] = command.kind === 'run' ? loadConfig(source).drift : [];
  const env = parseEnv(source);
  const opened = openStoreOrLocal(env, source);
  if ('remote' in opened) {
    out.write(await overHttp(opened.remote, command));
    return;
  }
  const { store } = opened;
  try {
    out.write(await onStore(createDriftService({ store, monitors, clock: systemClock }), command));
  } finally {
    await store.close();
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function onStore(drift: DriftService, command: DriftCommand): Promise<string> {
  if (command.kind === 'list') {
    const reports = await drift.list({
      limit: command.limit,
      ...(command.model !== undefined ? { model: command.model } : {}),
    });
    return listOutput(reports.map(reportSummaryJson), command.format);
  }
  if (command.kind === 'show') {
    const stored = await drift.get(command.id);
    if (stored === undefined)
      throw new AppError('report_not_found', 404, `no drift report with id "${command.id}"`);
    const report = reportJson(stored);
    return command.format === 'html'
      ? renderDriftHtml(report)
      : reportOutput(report, command.format);
  }
  const stored = await drift.run({
    model: command.model,
    ...(command.monitor !== undefined ? { monitor: command.monitor } : {}),
  });
  return reportOutput(reportJson(stored), command.format);
}

async function overHttp(remote: Remote, command: DriftCommand): Promise<string> {
  if (command.kind === 'list') {
    const query = new URLSearchParams({ limit: String(command.limit) });
    if (command.model !== undefined) query.set('model', command.model);
    const text = await callRemote(remote, {
      method: 'GET',
      path: `/api/v1/drift/reports?${query}`,
      scope: 'read',
    });
    return listOutput((JSON.parse(text) as { reports: Summary[] }).reports, command.format);
  }
  if (command.kind === 'show') {
    const path = `/api/v1/drift/reports/${encodeURIComponent(command.id)}`;
    if (command.format === 'html')
      return callRemote(remote, { method: 'GET', path: `${path}?format=html`, scope: 'read' });
    const text = await callRemote(remote, { method: 'GET', path, scope: 'read' });
    return reportOutput(JSON.parse(text) as ReportJson, command.format);
  }
  const text = await callRemote(remote, {
    method: 'POST',
    path: '/api/v1/drift/run',
    body: {
      model: command.model,
      ...(command.monitor !== undefined ? { monitor: command.monitor } : {}),
    },
    scope: 'admin',
  });
  return reportOutput(JSON.parse(text) as ReportJson, command.format);
}

function listOutput(reports: Summary[], format: 'json' | 'table'): string {
  return format === 'json' ? json({ reports }) : renderReportList(reports);
}

function reportOutput(report: ReportJson, format: 'json' | 'table'): string {
  return format === 'json' ? json(report) : renderReport(report);
}
