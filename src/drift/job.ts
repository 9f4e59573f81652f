// The drift jobs: one per monitor, one run per `every` (default: the window's length) judging the
// current window that ends then, for its model or, for `*`, every model seen before the window ended.
// Each report is stored, then handed to `onReport` (retraining). The scheduler records the
// windows in job_runs and catches up missed ones in order; a window that fails (store, data the
// math refuses, retraining) is retried on the next tick, and a replayed window replaces its
// report under the same id. Only a model whose uploaded reference is missing is skipped.

import { type Clock, systemClock } from '../clock';
import { AppError } from '../errors';
import type { ScheduledJob } from '../scheduler/run-job';
import { listModels } from '../store/repositories/model-stats';
import type { Store } from '../store/store';
import type { Logger } from '../telemetry/logger';
import type { DriftMonitor } from './config';
import type { DriftReport } from './report';
import { runDrift } from './run';

/** What the drift jobs need. */
export interface DriftJobDeps {
  store: Store;
  monitors: readonly DriftMonitor[];
  /** When a report is made (its version: a later run of the same window replaces it). */
  clock?: Clock;
  log?: Logger;
  /** Called with each stored report (retraining triggers); its failure fails the window. */
  onReport?: (report: DriftReport) => Promise<void>;
}

// A model without its uploaded reference yet is skipped; anything else fails the window, which
// the scheduler records and retries.
const isMissingReference = (err: unknown) =>
  err instanceof AppError && err.code === 'reference_not_found';

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
        let report: DriftReport;
        try {
          const nowMs = (deps.clock ?? systemClock).now().getTime();
          report = await runDrift(deps.store, monitor, model, current, nowMs);
        } catch (err) {
          if (!isMissingReference(err)) throw err;
          deps.log?.warn({ err, monitor: monitor.name, model }, 'drift run skipped');
          lines.push(`${model}: no reference`);
          continue;
        }
        await deps.onReport?.(report);
        const v = report.verdict;
        lines.push(
          `${model}: ${v.drifted}/${v.judged} drifted${v.datasetDrift ? ', dataset drift' : ''}`,
        );
      }
      return lines.join('; ') || 'no models';
    },
  }));
}
