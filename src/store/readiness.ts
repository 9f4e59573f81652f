import { errorMessage } from '../errors';
import { migrationStatus } from './migrate';
import type { MigrationFile } from './migration-plan';
import type { Store } from './store';

/** Whether the service can do its work: the store answers and its schema is current. */
export interface Readiness {
  ready: boolean;
  checks: { store: string; migrations: string };
}

/**
 * How long readiness waits for the store. A store that hangs is down for a probe: the answer says
 * so in time (a load balancer's probe times out after 1-5 s) instead of hanging with it.
 */
export const READINESS_TIMEOUT_MS = 2_000;

/**
 * Returns readiness: store reachable and every migration of this build applied, none changed;
 * not ready, store unreachable, when the store has not answered within `timeoutMs`.
 */
export async function checkReadiness(
  store: Store,
  files: readonly MigrationFile[],
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Readiness>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ready: false,
          checks: { store: `unreachable: no answer within ${timeoutMs} ms`, migrations: 'unknown' },
        }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([check(store, files), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(store: Store, files: readonly MigrationFile[]): Promise<Readiness> {
  const ping = await store.ping();
  if (!ping.ok)
    return { ready: false, checks: { store: `unreachable: ${ping.error}`, migrations: 'unknown' } };
  try {
    const plan = await migrationStatus(store, files);
    const problems = [
      plan.pending.length > 0 ? `${plan.pending.length} of ${files.length} pending` : '',
      plan.changed.length > 0
        ? `changed after apply: ${plan.changed.map((c) => c.file.name).join(', ')}`
        : '',
      plan.unknown.length > 0
        ? `unknown to this build: ${plan.unknown.map((u) => u.name).join(', ')}`
        : '',
    ].filter((p) => p !== '');
    const migrations =
      problems.length === 0 ? `current (${files.length} applied)` : problems.join('; ');
    return { ready: problems.length === 0, checks: { store: 'ok', migrations } };
  } catch (err) {
    return {
      ready: false,
      checks: { store: `error: ${errorMessage(err)}`, migrations: 'unknown' },
    };
  }
}
