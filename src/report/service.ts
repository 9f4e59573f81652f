// The insight report as the API and the CLI ask for it: gather the model's evidence from the
// store (with its settings from the `reports:` config), then compute the report.
import type { Clock } from '../clock';
import type { ModelStats } from '../model-stats/service';
import type { Store } from '../store/store';
import { type ReportsConfig, reportSettingsFor } from './config';
import { gatherEvidence } from './gather';
import { buildInsight, type InsightReport } from './insight';

/** Computes insight reports. */
export interface InsightReports {
  /** Returns the report of `model` over the window of `windowMs` ending now (or at `toMs`). */
  insight(model: string, window: { windowMs: number; toMs?: number }): Promise<InsightReport>;
}

/** Returns the report service over a store. */
export function createInsightReports(deps: {
  store: Store;
  stats: ModelStats;
  clock: Clock;
  config: ReportsConfig;
}): InsightReports {
  return {
    async insight(model, window) {
      const evidence = await gatherEvidence(deps, {
        model,
        ...window,
        settings: reportSettingsFor(deps.config, model),
      });
      return buildInsight(evidence);
    },
  };
}
