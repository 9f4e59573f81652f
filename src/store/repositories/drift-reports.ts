// drift_reports and drift_results (migrations/0012): one row per drift run and one per feature
// of it. A run replayed for the same window replaces its rows (same report id).
import { z } from 'zod';
import type { FeatureResult } from '../../drift/compare';
import type { DriftReport, ReportReference } from '../../drift/report';
import type { Store } from '../store';

/** Stores a report: its results first, then the report row that lists it. */
export async function insertDriftReport(store: Store, report: DriftReport): Promise<void> {
  const { verdict } = report;
  if (verdict.features.length > 0)
    await store.insert({
      tag: 'drift_results.insert',
      table: 'drift_results',
      rows: verdict.features.map((f) => ({
        report_id: report.id,
        model: report.model,
        created_at: report.createdAtMs,
        feature: f.feature,
        kind: f.kind,
        status: f.status,
        method: f.method,
        statistic: f.statistic,
        p_value: f.pValue,
        adjusted_p_value: f.adjustedPValue,
        threshold: f.threshold,
        reference_n: f.referenceN,
        current_n: f.currentN,
        bins: f.bins,
        reference_counts: f.referenceCounts,
        current_counts: f.currentCounts,
        details: JSON.stringify({ direction: f.direction, note: f.note, statistics: f.statistics }),
      })),
    });
  await store.insert({
    tag: 'drift_reports.insert',
    table: 'drift_reports',
    rows: [
      {
        report_id: report.id,
        model: report.model,
        model_version: report.modelVersion,
        monitor: report.monitor,
        created_at: report.createdAtMs,
        current_from: report.current.fromMs,
        current_to: report.current.toMs,
        reference_id: report.reference.profileId,
        reference_from: report.reference.fromMs ?? null,
        reference_to: report.reference.toMs ?? null,
        features: verdict.features.length,
        drifted: verdict.drifted,
        insufficient: verdict.insufficient,
        drift_share: verdict.driftShare,
        share_threshold: verdict.shareThreshold,
        dataset_drift: verdict.datasetDrift,
        reference_desc: report.reference.description,
        correction: verdict.correction,
      },
    ],
  });
}

const ms = z.coerce.number();
const reportRow = z.object({
  report_id: z.string(),
  model: z.string(),
  model_version: z.string(),
  monitor: z.string(),
  created_at: ms,
  current_from: ms,
  current_to: ms,
  reference_id: z.string(),
  reference_from: ms.nullable(),
  reference_to: ms.nullable(),
  reference_desc: z.string(),
  features: ms,
  drifted: ms,
  insufficient: ms,
  drift_share: z.number(),
  share_threshold: z.number(),
  dataset_drift: z.boolean(),
  correction: z.string(),
});

/** A stored report without its feature results (what a listing shows). */
export interface DriftReportSummary {
  id: string;
  model: string;
  modelVersion: string;
  monitor: string;
  createdAtMs: number;
  current: { fromMs: number; toMs: number };
  reference: ReportReference;
  features: number;
  drifted: number;
  insufficient: number;
  driftShare: number;
  shareThreshold: number;
  datasetDrift: boolean;
  correction: 'none' | 'benjamini-hochberg';
}

const REPORT_COLUMNS = `report_id, model, model_version, monitor, toUnixTimestamp64Milli(created_at) AS created_at,
  toUnixTimestamp64Milli(current_from) AS current_from, toUnixTimestamp64Milli(current_to) AS current_to,
  reference_id, toUnixTimestamp64Milli(reference_from) AS reference_from,
  toUnixTimestamp64Milli(reference_to) AS reference_to, reference_desc, features, drifted, insufficient,
  drift_share, share_threshold, dataset_drift, correction`;

function summaryOf(r: z.infer<typeof reportRow>): DriftReportSummary {
  return {
    id: r.report_id,
    model: r.model,
    modelVersion: r.model_version,
    monitor: r.monitor,
    createdAtMs: r.created_at,
    current: { fromMs: r.current_from, toMs: r.current_to },
    reference: {
      profileId: r.reference_id,
      ...(r.reference_from !== null ? { fromMs: r.reference_from } : {}),
      ...(r.reference_to !== null ? { toMs: r.reference_to } : {}),
      description: r.reference_desc,
    },
    features: r.features,
    drifted: r.drifted,
    insufficient: r.insufficient,
    driftShare: r.drift_share,
    shareThreshold: r.share_threshold,
    datasetDrift: r.dataset_drift,
    correction: r.correction === 'benjamini-hochberg' ? 'benjamini-hochberg' : 'none',
  };
}

/** Filters of a report listing: the model, current windows ending in [fromMs, toMs), newest first. */
export interface DriftReportFilter {
  model?: string;
  fromMs?: number;
  toMs?: number;
  limit: number;
}

/** Returns the newest reports matching `filter`, newest first. */
export async function listDriftReports(
  store: Store,
  filter: DriftReportFilter,
): Promise<DriftReportSummary[]> {
  // The column, qualified: unqualified, `current_to` is the select list's milliseconds alias.
  const rows = await store.query({
    tag: 'drift_reports.list',
    sql: `SELECT ${REPORT_COLUMNS} FROM {db:Identifier}.drift_reports FINAL
          WHERE ({model:Nullable(String)} IS NULL OR model = {model:Nullable(String)})
            AND ({from:Nullable(Int64)} IS NULL OR drift_reports.current_to >= fromUnixTimestamp64Milli({from:Nullable(Int64)}, 'UTC'))
            AND ({to:Nullable(Int64)} IS NULL OR drift_reports.current_to < fromUnixTimestamp64Milli({to:Nullable(Int64)}, 'UTC'))
          ORDER BY current_to DESC, created_at DESC, report_id LIMIT {limit:UInt32}`,
    params: {
      model: filter.model ?? null,
      from: filter.fromMs ?? null,
      to: filter.toMs ?? null,
      limit: filter.limit,
    },
    schema: reportRow,
  });
  return rows.map(summaryOf);
}

const resultRow = z.object({
  feature: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  status: z.enum(['ok', 'drifted', 'insufficient_data']),
  method: z.string(),
  statistic: z.number().nullable(),
  p_value: z.number().nullable(),
  adjusted_p_value: z.number().nullable(),
  threshold: z.number(),
  reference_n: ms,
  current_n: ms,
  bins: z.array(z.string()),
  reference_counts: z.array(z.number()),
  current_counts: z.array(z.number()),
  details: z.string(),
});

/** Returns report `id` with its feature results, or undefined when there is none. */
export async function getDriftReport(
  store: Store,
  id: string,
): Promise<{ report: DriftReportSummary; results: FeatureResult[] } | undefined> {
  const [row] = await store.query({
    tag: 'drift_reports.get',
    sql: `SELECT ${REPORT_COLUMNS} FROM {db:Identifier}.drift_reports FINAL
          WHERE report_id = {id:String} LIMIT 1`,
    params: { id },
    schema: reportRow,
  });
  if (row === undefined) return undefined;
  const results = await store.query({
    tag: 'drift_results.get',
    sql: `SELECT feature, kind, status, method, statistic, p_value, adjusted_p_value, threshold,
            reference_n, current_n, bins, reference_counts, current_counts, details
          FROM {db:Identifier}.drift_results FINAL
          WHERE model = {model:String} AND report_id = {id:String}
            AND created_at = fromUnixTimestamp64Milli({at:Int64}, 'UTC')
          ORDER BY feature`,
    // The results of the run the report row is: a re-run may judge fewer features.
    params: { id, model: row.model, at: row.created_at },
    schema: resultRow,
  });
  return {
    report: summaryOf(row),
    results: results.map((r): FeatureResult => {
      const details = JSON.parse(r.details) as {
        direction: FeatureResult['direction'];
        note: string;
        statistics?: Record<string, number>;
      };
      return {
        feature: r.feature,
        kind: r.kind,
        status: r.status,
        method: r.method as FeatureResult['method'],
        direction: details.direction,
        threshold: r.threshold,
        statistic: r.statistic,
        pValue: r.p_value,
        adjustedPValue: r.adjusted_p_value,
        referenceN: r.reference_n,
        currentN: r.current_n,
        bins: r.bins,
        referenceCounts: r.reference_counts,
        currentCounts: r.current_counts,
        note: details.note,
        ...(details.statistics ? { statistics: details.statistics } : {}),
      };
    }),
  };
}
