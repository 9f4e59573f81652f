// What every target is told about a trigger, in snake_case JSON: the model and version, why,
// the windows, the report, and the drifted features with their statistics. Each target module
// places these pieces where its API wants them.
import type { Evidence } from './evidence';
import type { PlannedTrigger } from './policy';

/** One trigger with the evidence behind it and when it fired: what a target renders. */
export interface TriggerContext {
  trigger: PlannedTrigger;
  evidence: Evidence;
  /** When the trigger fired (the body's event time; fixed once, the same on every retry). */
  at: Date;
}

/** A drifted feature as sent. */
export interface DriftedFeaturePayload {
  name: string;
  method: string;
  statistic: number | null;
  p_value: number | null;
  threshold: number;
}

/** Returns the drifted features (only those that drifted), with their statistics. */
export function driftedFeatures(evidence: Evidence): DriftedFeaturePayload[] {
  return evidence.features
    .filter((f) => f.drifted)
    .map((f) => ({
      name: f.name,
      method: f.method,
      statistic: f.statistic,
      p_value: f.pValue,
      threshold: f.threshold,
    }));
}

/** Returns the SLO part, or null for drift evidence. */
export function sloPayload(evidence: Evidence): Record<string, unknown> | null {
  const slo = evidence.slo;
  return slo === undefined
    ? null
    : { name: slo.name, severity: slo.severity, burn_rates: { ...slo.burnRates } };
}

/**
 * Returns the full trigger payload (the webhook's `data`, Airflow's `conf`); the GitHub target
 * sends it without `idempotency_key` and `triggered_at` (10 top-level keys, its maximum).
 */
export function triggerPayload(c: TriggerContext): Record<string, unknown> {
  const e = c.evidence;
  return {
    trigger_id: c.trigger.triggerId,
    idempotency_key: c.trigger.idempotencyKey,
    triggered_at: c.at.toISOString(),
    model: e.model,
    model_version: e.modelVersion,
    reason: c.trigger.reason,
    window: { from: e.window.from, to: e.window.to },
    reference: e.reference === undefined ? null : { ...e.reference },
    report: { id: e.reportId ?? null, url: e.reportUrl ?? null },
    dataset_drift: e.datasetDrift ?? null,
    drifted_features: driftedFeatures(e),
    slo: sloPayload(e),
  };
}
