// Drift reports and reference profiles on the wire: snake_case keys, ISO-8601 times (docs/api.md).
// Pure.
import type { DriftReportSummary } from '../store/repositories/drift-reports';
import type { ProfileListing } from '../store/repositories/reference-profiles';
import type { StoredReference } from './references';
import type { StoredReport } from './service';

const iso = (ms: number) => new Date(ms).toISOString();

/** Returns the JSON of a report without its features (what a listing shows). */
export function reportSummaryJson(r: DriftReportSummary) {
  return {
    id: r.id,
    model: r.model,
    model_version: r.modelVersion,
    monitor: r.monitor,
    created_at: iso(r.createdAtMs),
    current: { from: iso(r.current.fromMs), to: iso(r.current.toMs) },
    reference: {
      profile_id: r.reference.profileId,
      ...(r.reference.fromMs !== undefined ? { from: iso(r.reference.fromMs) } : {}),
      ...(r.reference.toMs !== undefined ? { to: iso(r.reference.toMs) } : {}),
      description: r.reference.description,
    },
    dataset_drift: r.datasetDrift,
    drift_share: r.driftShare,
    share_threshold: r.shareThreshold,
    drifted: r.drifted,
    judged: r.features - r.insufficient,
    insufficient: r.insufficient,
    correction: r.correction,
  };
}

/** Returns the JSON of a report with every feature's verdict, figures and histograms. */
export function reportJson(stored: StoredReport) {
  return {
    ...reportSummaryJson(stored.report),
    features: stored.results.map((f) => ({
      feature: f.feature,
      kind: f.kind,
      status: f.status,
      method: f.method,
      statistic: f.statistic,
      p_value: f.pValue,
      adjusted_p_value: f.adjustedPValue,
      threshold: f.threshold,
      direction: f.direction,
      reference_n: f.referenceN,
      current_n: f.currentN,
      note: f.note,
      statistics: f.statistics ?? {},
      histogram: { bins: f.bins, reference: f.referenceCounts, current: f.currentCounts },
    })),
  };
}

/** The JSON of one report. */
export type ReportJson = ReturnType<typeof reportJson>;

// What a stored profile and a listed one both say of where they came from.
function originJson(origin: StoredReference['origin']) {
  return {
    profile_id: origin.profileId,
    model: origin.model,
    source: origin.source,
    ...(origin.window
      ? { window: { from: iso(origin.window.fromMs), to: iso(origin.window.toMs) } }
      : {}),
    description: origin.description,
  };
}

/** Returns the JSON answer to a stored reference profile. */
export function storedReferenceJson(stored: StoredReference) {
  return {
    ...originJson(stored.origin),
    features: stored.features,
    ...(stored.empty.length > 0 ? { empty_columns: stored.empty } : {}),
  };
}

/** Returns the JSON of a listed reference profile. */
export function profileListingJson(p: ProfileListing) {
  return {
    ...originJson(p.origin),
    features: p.features,
    created_at: iso(p.createdAtMs),
  };
}
