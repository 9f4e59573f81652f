// Quality SLOs burning at page level as retraining evidence: a model whose accuracy or
// coherence budget burns fast may need retraining, not only paging. Pure.
import type { AlertInput } from '../alerts/state';
import type { Evidence } from '../retrain/evidence';
import type { SloSpec } from './spec';

/** Decides whether an SLO judges model quality (a score), not serving (latency, errors, load). */
export function isQualitySlo(spec: SloSpec): boolean {
  return (
    spec.sli.kind === 'quality' ||
    (spec.sli.kind === 'timeslice' && spec.sli.metric === 'score_mean')
  );
}

/**
 * Returns one piece of evidence per input firing at page level whose SLO is in `quality`, for
 * the window [startMs, endMs) the evaluations were made at the end of.
 */
export function sloBurnEvidence(
  inputs: readonly AlertInput[],
  quality: ReadonlySet<string>,
  window: { startMs: number; endMs: number },
): Evidence[] {
  return inputs
    .filter((i) => i.evaluation.firing === 'page' && quality.has(i.slo))
    .map((i) => ({
      model: i.model,
      modelVersion: null,
      reason: 'slo_burn',
      at: new Date(window.endMs),
      window: {
        from: new Date(window.startMs).toISOString(),
        to: new Date(window.endMs).toISOString(),
      },
      features: [],
      slo: { name: i.slo, severity: 'page', burnRates: i.evaluation.burn_rates },
    }));
}
