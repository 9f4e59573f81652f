// The SLO job: once per minute window, every SLO x model is evaluated at the window's end from
// the rollups and recorded in slo_status; the alert states are stepped with those evaluations,
// their notifications enqueued in the outbox (ids stable across replays), then the states saved.
// Load → compute → save; the scheduler records the window in job_runs and catches up missed ones
// in order, and replaying a window sends nothing twice (older evaluations are ignored by the
// state machine, re-enqueued ids by the outbox).
import type { ChannelConfig } from '../alerts/channels/config';
import { alertMessages } from '../alerts/notify';
import { type AlertInput, stepAlerts } from '../alerts/state';
import type { Outbox } from '../outbox/outbox';
import type { Evidence } from '../retrain/evidence';
import type { ScheduledJob } from '../scheduler/run-job';
import { loadAlertStates, saveAlertStates } from '../store/repositories/alert-states';
import { listModels } from '../store/repositories/model-stats';
import { listSilences } from '../store/repositories/silences';
import {
  insertSloStatus,
  type SloStatus,
  type SloStatusRow,
  sloStatusAt,
} from '../store/repositories/slo-status';
import { type Store, StoreError } from '../store/store';
import type { Logger } from '../telemetry/logger';
import { defaultSlos } from './defaults';
import { isQualitySlo, sloBurnEvidence } from './evidence';
import { loadAndEvaluateModels, type ModelEvaluation } from './load-evaluate';
import { EVERY_MODEL, type SloSpec } from './spec';
import { sloGroups, sloTargets } from './targets';

/** What the SLO job needs. */
export interface SloJobDeps {
  store: Store;
  /** The configured SLOs (empty: the defaults for every model). */
  slos: readonly SloSpec[];
  /** Where alert notifications go; with none, states are kept but nothing is sent. */
  channels: readonly ChannelConfig[];
  outbox: Pick<Outbox, 'enqueue'>;
  log?: Logger;
  /** Called with the quality SLOs paging in a window (retraining evidence); failure fails it. */
  onEvidence?: (evidence: Evidence[]) => Promise<void>;
}

// The store itself failing fails the window (retried next tick); anything else is one SLO's.
const isStoreFailure = (err: unknown) =>
  err instanceof StoreError && err.code === 'store_unavailable';

/** Returns the SLO job: evaluate every SLO x model at each minute's end. */
export function createSloJob(deps: SloJobDeps): ScheduledJob {
  const specs = deps.slos.length > 0 ? deps.slos : defaultSlos(EVERY_MODEL);
  const quality = new Set(specs.filter(isQualitySlo).map((s) => s.name));
  return {
    name: 'slo',
    periodMs: 60_000,
    maxCatchUp: 180,
    async run(window) {
      // A window run before (a crash after its evaluations were recorded) steps the alerts with
      // what was recorded, not a fresh evaluation: late rows could change the verdicts and so
      // the notifications and their ids, and a message already sent would go out again.
      const recorded = await sloStatusAt(deps.store, window.endMs);
      const inputs =
        recorded.length > 0 ? recorded.map(alertInputOf) : await evaluateWindow(deps, window.endMs);
      // Silences in effect at the window's end mute its messages (the states still advance).
      const silences = await listSilences(deps.store, { activeAt: window.endMs });
      const stepped = stepAlerts(
        await loadAlertStates(deps.store),
        inputs,
        new Date(window.endMs),
        { silences },
      );
      const messages = alertMessages(stepped.groups, deps.channels, new Date(window.endMs));
      for (const message of messages) await deps.outbox.enqueue(message);
      const changed = Object.values(stepped.states).filter((s) => s.updated_at_ms === window.endMs);
      if (changed.length > 0) await saveAlertStates(deps.store, changed);
      const evidence = sloBurnEvidence(inputs, quality, window);
      if (evidence.length > 0) await deps.onEvidence?.(evidence);
      const firing = inputs.filter((i) => i.evaluation.firing !== null).length;
      const replay = recorded.length > 0 ? ' (recorded before)' : '';
      return `${inputs.length} SLO evaluations${replay}, ${firing} firing, ${messages.length} messages`;
    },
  };
}

// Evaluates every SLO x model at `endMs` and records the verdicts; returns them as alert inputs.
async function evaluateWindow(deps: SloJobDeps, endMs: number): Promise<AlertInput[]> {
  const models = (await listModels(deps.store))
    .filter((m) => m.firstSeenMs < endMs)
    .map((m) => m.model);
  const rows: SloStatusRow[] = [];
  // One load per SLO for all its models; one SLO (or one model's data) that cannot be evaluated
  // — odd data, a spec the math refuses — must not hold up every other alert: it is logged and
  // left out of this window.
  for (const { spec, models: targets } of sloGroups(sloTargets(deps.slos, models))) {
    let results: ModelEvaluation[];
    try {
      results = await loadAndEvaluateModels(deps.store, spec, targets, endMs);
    } catch (err) {
      if (isStoreFailure(err)) throw err;
      deps.log?.error({ err, slo: spec.name, models: targets, endMs }, 'SLO load failed; skipped');
      continue;
    }
    for (const r of results) {
      if ('evaluation' in r)
        rows.push({
          slo: spec.name,
          model: r.model,
          evaluatedAtMs: endMs,
          evaluation: r.evaluation,
        });
      else
        deps.log?.error(
          { err: r.error, slo: spec.name, model: r.model, endMs },
          'SLO evaluation failed; skipped',
        );
    }
  }
  if (rows.length > 0) await insertSloStatus(deps.store, rows);
  return rows.map((r) => ({ slo: r.slo, model: r.model, evaluation: r.evaluation }));
}

// The alert input of a recorded evaluation.
function alertInputOf(status: SloStatus): AlertInput {
  return {
    slo: status.slo,
    model: status.model,
    evaluation: {
      firing: status.firing === 'none' ? null : status.firing,
      sli: status.sli,
      objective: status.objective,
      budget: {
        total: status.budget_total,
        consumed: status.budget_consumed,
        remaining_fraction: status.budget_remaining,
      },
      burn_rates: status.burn_rates,
    },
  };
}
