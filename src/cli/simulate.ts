// `insightagent simulate --backfill`: a scenario's history written straight into the store (the
// embedded one, or CLICKHOUSE_URL's server), ending now, with a progress line on stderr.

import { ConfigError } from '../errors';
import { backfill } from '../simulate/backfill';
import { progressLine } from '../simulate/progress';
import type { Scenario } from '../simulate/scenario';
import { chooseConnection } from '../store/connection';
import { migrate } from '../store/migrate';
import { loadMigrationFiles } from '../store/migration-plan';
import { openStore } from '../store/open';
import { StoreError } from '../store/store';
import { loadConfig } from './load-config';

/** What a backfill was asked for. */
export interface BackfillCommand {
  scenario: Scenario;
  durationMs: number;
  seed: number;
  /** The end of the history (default now), epoch ms. */
  endMs?: number;
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
