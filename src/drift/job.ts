// The drift jobs: one per monitor, one run per `every` (default: the window's length) judging the
// current window that ends then, for its model or, for `*`, every model seen before the window ended.
// Each report is stored, then handed to `onReport` (retraining). The scheduler records the
// windows in job_runs and catches up missed ones in order; a replayed window rewrites its
// report under the same id.
import type { ScheduledJob } from '../scheduler/run-job';
import { listModels } from '../store/repositories/model-stats';
import { type Store, StoreError } from '../store/store';
import type { Logger } from '../telemetry/logger';
import type { DriftMonitor } from './config';
import type { DriftReport } from './report';
import { runDrift } from './run';

/** What the drift jobs need. */
export interface DriftJobDeps {
  store: Store;
  monitors: readonly DriftMonitor[];
  log?: Logger;
  /** Called with each stored report (retraining triggers); its failure fails the window. */
  onReport?: (report: DriftReport) => Promise<void>;
}

const isStoreFailure = (err: unknown) =>
  err instanceof StoreError && err.code === 'store_unavailable';

/** Returns one scheduled job per monitor. */
export function createDriftJobs(deps: DriftJobDeps): ScheduledJob[] {
  return deps.monitors.map((monitor) => ({
    name: `drift:${monitor.name}`,
    periodMs: monitor.everyMs,
    maxCatchUp: 24,
    async run(window) {
      const models =
        monitor.model === '*'
          ? (await listModels(deps.store))
              .filter((m) => m.firstSeenMs < window.endMs)
              .map((m) => m.model)
          : [monitor.model];
      // The current window ends with the scheduled one; it may be longer (every: 1h, window: 24h).
      const current = { fromMs: window.endMs - monitor.windowMs, toMs: window.endMs };
      const lines: string[] = [];
      for (const model of models) {
        // One model that cannot be judged (no uploaded reference yet) is logged and skipped.
        try {
          const report = await runDrift(deps.store, monitor, model, current, window.endMs);
          await deps.onReport?.(report);
          const v = report.verdict;
          lines.push(
            `${model}: ${v.drifted}/${v.judged} drifted${v.datasetDrift ? ', dataset drift' : ''}`,
          );
        } catch (err) {
          if (isStoreFailure(err)) throw err;
          deps.log?.error({ err, monitor: monitor.name, model }, 'drift run failed; skipped');
          lines.push(`${model}: failed`);
        }
      }
      return lines.join('; ') || 'no models';
    },
  }));
}
