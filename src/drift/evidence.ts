// A drift report as retraining evidence: the model and version, the windows, every feature's
// test, and whether the dataset drifted. Pure; the retrainer's policy decides what fires.
import type { Evidence } from '../retrain/evidence';
import type { DriftReport } from './report';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Returns the retraining evidence of `report`, or undefined when nothing drifted (no condition
 * could hold). `reportUrl` is the shareable HTML page when the UI address is known.
 */
export function driftEvidence(report: DriftReport, uiUrl?: string): Evidence | undefined {
  const v = report.verdict;
  if (v.drifted === 0) return undefined;
  const ref = report.reference;
  return {
    model: report.model,
    modelVersion: report.modelVersion === '' ? null : report.modelVersion,
    reason: v.datasetDrift ? 'dataset_drift' : 'features_drift',
    at: new Date(report.createdAtMs),
    window: { from: iso(report.current.fromMs), to: iso(report.current.toMs) },
    reference:
      ref.fromMs !== undefined && ref.toMs !== undefined
        ? { from: iso(ref.fromMs), to: iso(ref.toMs) }
        : { profile: ref.profileId },
    reportId: report.id,
    ...(uiUrl === undefined
      ? {}
      : {
          reportUrl: `${uiUrl.replace(/\/$/, '')}/api/v1/drift/reports/${encodeURIComponent(report.id)}?format=html`,
        }),
    datasetDrift: v.datasetDrift,
    features: v.features.map((f) => ({
      name: f.feature,
      method: f.method,
      statistic: f.statistic,
      pValue: f.adjustedPValue ?? f.pValue,
      threshold: f.threshold,
      drifted: f.status === 'drifted',
    })),
  };
}
