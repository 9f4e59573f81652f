// `insightagent simulate`: a scenario's traffic in real time — through a sidecar, or as an
// application's OTLP spans — or, with --backfill, its history written straight into the store
// (the embedded one, or CLICKHOUSE_URL's server) ending now, with a progress line on stderr.
import { ConfigError } from '../errors';
import { backfill } from '../simulate/backfill';
import { type LiveProgress, type LiveTarget, runLive } from '../simulate/live';
import { progressLine } from '../simulate/progress';
import type { Scenario } from '../simulate/scenario';
import { chooseConnection } from '../store/connection';
import { migrate } from '../store/migrate';
import { loadMigrationFiles } from '../store/migration-plan';
import { openStore } from '../store/open';
import { minutesWithRequests } from '../store/repositories/report-evidence';
import { StoreError } from '../store/store';
import { loadConfig } from './load-config';
import { configuredRemote, localRemote } from './remote';

/** What a backfill was asked for. */
export interface BackfillCommand {
  scenario: Scenario;
  durationMs: number;
  seed: number;
  /** The end of the history (default now), epoch ms. */
  endMs?: number;
  /** Write even when the window already holds requests of the model (they would be doubled). */
  force?: boolean;
}

/** Writes the history and a summary line; throws a ConfigError when a running serve holds the store. */
export async function runBackfillCommand(
  command: BackfillCommand,
  source: NodeJS.ProcessEnv,
  err: NodeJS.WritableStream & { isTTY?: boolean },
): Promise<void> {
  const { env } = loadConfig(source);
  let store: ReturnType<typeof openStore>;
  try {
    store = openStore(chooseConnection(env));
  } catch (e) {
    if (e instanceof StoreError && e.code === 'store_locked')
      throw new ConfigError(
        `${e.message}\nA running serve owns the embedded store: backfill before starting it ` +
          '(serve --demo backfills its own), or point CLICKHOUSE_URL at a ClickHouse server.',
      );
    throw e;
  }
  try {
    await migrate(store, loadMigrationFiles());
    const endMs = command.endMs ?? Date.now();
    const startMs = endMs - command.durationMs;
    // A second backfill of the same window (a re-run, a restarted compose service) would count
    // every request twice: it is skipped unless forced.
    const model = command.scenario.model;
    const window = { fromMs: startMs, toMs: endMs + 60_000 };
    if (command.force !== true && (await minutesWithRequests(store, model, window)) > 0) {
      err.write(
        `backfill ${command.scenario.name}: skipped, the store already holds ${model} requests in ` +
          `${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()} (--force writes anyway)\n`,
      );
      return;
    }
    const started = performance.now();
    const label = `backfill ${command.scenario.name}`;
    let lastLine = 0;
    const result = await backfill(store, {
      scenario: command.scenario,
      startMs,
      durationMs: command.durationMs,
      seed: command.seed,
      onProgress: (p) => {
        const now = performance.now();
        // A terminal gets the bar redrawn in place; a log gets a line every 5 s.
        if (err.isTTY !== true && now - lastLine < 5_000) return;
        lastLine = now;
        const line = progressLine({
          label,
          done: p.reachedMs - startMs,
          total: command.durationMs,
          requests: p.requests,
          elapsedMs: now - started,
        });
        err.write(err.isTTY === true ? `\r${line}` : `${line}\n`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    err.write(
      `${err.isTTY === true ? '\n' : ''}${label}: ${result.requests.toLocaleString('en-US')} requests ` +
        `(${result.served.toLocaleString('en-US')} served), ${result.evaluations.toLocaleString('en-US')} ` +
        `scores and labels, ${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}, ` +
        `in ${seconds.toFixed(1)} s\n`,
    );
  } finally {
    await store.close();
  }
}

/** What a live run was asked for. */
export interface LiveCommand {
  scenario: Scenario;
  seed: number;
  durationMs?: number;
  target: 'sidecar' | 'otlp';
  sidecarUrl: string;
}

/** The OTLP endpoint applications send to when OTEL_EXPORTER_OTLP_ENDPOINT is not set. */
export const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318';

/**
 * Runs the scenario live until `signal` aborts or the duration ends; scores and labels go to
 * INSIGHTAGENT_URL (with INSIGHTAGENT_TOKEN, ingest scope), else the local serve's API.
 */
export async function runLiveCommand(
  command: LiveCommand,
  source: NodeJS.ProcessEnv,
  err: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<LiveProgress> {
  const { env } = loadConfig(source);
  const api = configuredRemote(source) ?? localRemote(env, source);
  const target: LiveTarget =
    command.target === 'sidecar'
      ? { kind: 'sidecar', url: command.sidecarUrl }
      : {
          kind: 'otlp',
          endpoint: (source.OTEL_EXPORTER_OTLP_ENDPOINT || DEFAULT_OTLP_ENDPOINT).replace(
            /\/+$/,
            '',
          ),
        };
  const where = target.kind === 'sidecar' ? target.url : `OTLP ${target.endpoint}`;
  err.write(
    `simulate ${command.scenario.name}: ${command.scenario.ratePerSec} requests/s to ${where}, ` +
      `scores and labels to ${api.url}${command.durationMs === undefined ? ' (Ctrl-C stops)' : ''}\n`,
  );
  const result = await runLive({
    scenario: command.scenario,
    seed: command.seed,
    ...(command.durationMs === undefined ? {} : { durationMs: command.durationMs }),
    target,
    feedback: { url: api.url, ...(api.token === undefined ? {} : { token: api.token }) },
    signal,
    onProgress: (p) => err.write(`${liveLine(p)}\n`),
  });
  err.write(`simulate ${command.scenario.name} done: ${liveLine(result)}\n`);
  return result;
}

/** Returns a live run's totals as one line. */
export function liveLine(p: LiveProgress): string {
  const seconds = Math.max(0, (Date.now() - p.startMs) / 1000);
  return (
    `${seconds.toFixed(0)} s: sent ${p.sent}, served ${p.served}, refused ${p.refused}, ` +
    `late ${p.late}, skipped ${p.skipped}, scores ${p.scoresSent}, labels ${p.labelsPosted} ` +
    `(${p.labelsPending} pending), errors ${p.errors}`
  );
}
