// The SLO job: once per minute window, every SLO x model is evaluated at the window's end from
// the rollups and recorded in slo_status. Load → compute → save; the scheduler records the
// window in job_runs and catches up missed ones in order.
import type { ScheduledJob } from '../scheduler/run-job';
import { listModels } from '../store/repositories/model-stats';
import { insertSloStatus, type SloStatusRow } from '../store/repositories/slo-status';
import type { Store } from '../store/store';
import { loadAndEvaluate } from './load-evaluate';
import type { SloSpec } from './spec';
import { sloTargets } from './targets';

/** What the SLO job needs. */
export interface SloJobDeps {
  store: Store;
  /** The configured SLOs (empty: the defaults for every model). */
  slos: readonly SloSpec[];
}

/** Returns the SLO job: evaluate every SLO x model at each minute's end. */
export function createSloJob(deps: SloJobDeps): ScheduledJob {
  return {
    name: 'slo',
    periodMs: 60_000,
    maxCatchUp: 180,
    async run(window) {
      const models = (await listModels(deps.store))
        .filter((m) => m.firstSeenMs < window.endMs)
        .map((m) => m.model);
      const rows: SloStatusRow[] = [];
      for (const { spec, model } of sloTargets(deps.slos, models)) {
        const evaluation = await loadAndEvaluate(deps.store, spec, model, window.endMs);
        rows.push({ slo: spec.name, model, evaluatedAtMs: window.endMs, evaluation });
      }
      if (rows.length > 0) await insertSloStatus(deps.store, rows);
      const firing = rows.filter((r) => r.evaluation.firing !== null).length;
      return `${rows.length} SLO evaluations, ${firing} firing`;
    },
  };
}
