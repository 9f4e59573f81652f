// What the API and the CLI do with drift: list and read stored reports, run a monitor now for
// one model, and store reference profiles (an upload or a pinned window). The I/O is the
// repositories' and runDrift's; here only the choice of monitor and window.
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { lastWindowEnd } from '../scheduler/windows';
import {
  type DriftReportFilter,
  type DriftReportSummary,
  getDriftReport,
  listDriftReports,
} from '../store/repositories/drift-reports';
import type { TimeRange } from '../store/repositories/drift-windows';
import {
  listReferenceProfiles,
  type ProfileListing,
} from '../store/repositories/reference-profiles';
import type { UploadFormat } from '../store/repositories/upload-profiles';
import type { Store } from '../store/store';
import type { FeatureResult } from './compare';
import { type DriftMonitor, defaultMonitor } from './config';
import { pinReference, type StoredReference, uploadReference } from './references';
import type { DriftReport } from './report';
import { runDrift } from './run';

/** A report as stored and served: the run's summary and one result per feature. */
export interface StoredReport {
  report: DriftReportSummary;
  results: FeatureResult[];
}

/** What drift's read and run side needs. */
export interface DriftServiceDeps {
  store: Store;
  monitors: readonly DriftMonitor[];
  clock: Clock;
}

/** The drift operations the API routes and the CLI call. */
export interface DriftService {
  list(filter: DriftReportFilter): Promise<DriftReportSummary[]>;
  get(id: string): Promise<StoredReport | undefined>;
  run(request: { model: string; monitor?: string; window?: TimeRange }): Promise<StoredReport>;
  upload(
    upload: { model: string; profileId: string; description?: string },
    format: UploadFormat,
    data: string,
  ): Promise<StoredReference>;
  pin(
    pin: { model: string; profileId?: string; description?: string },
    window: TimeRange,
  ): Promise<StoredReference>;
  references(filter: { model?: string; limit: number }): Promise<ProfileListing[]>;
}

/** Returns the drift service over `deps`. */
export function createDriftService(deps: DriftServiceDeps): DriftService {
  const nowMs = () => deps.clock.now().getTime();
  return {
    list: (filter) => listDriftReports(deps.store, filter),
    get: (id) => getDriftReport(deps.store, id),
    async run(request) {
      const monitor = pickMonitor(deps.monitors, request.model, request.monitor);
      const now = nowMs();
      const end = lastWindowEnd(now, monitor.everyMs);
      const window = request.window ?? { fromMs: end - monitor.windowMs, toMs: end };
      return storedOf(await runDrift(deps.store, monitor, request.model, window, now));
    },
    upload: (upload, format, data) => uploadReference(deps.store, upload, format, data, nowMs()),
    pin: (pin, window) => pinReference(deps.store, pin, window, nowMs()),
    references: (filter) => listReferenceProfiles(deps.store, filter),
  };
}

/**
 * Returns the monitor to run for `model`: the one named (404 when none is, 400 when it watches
 * another model), else the first whose model is `model`, else the first for `*`, else the default.
 */
export function pickMonitor(
  monitors: readonly DriftMonitor[],
  model: string,
  name?: string,
): DriftMonitor {
  if (name !== undefined) {
    const named = monitors.find((m) => m.name === name);
    if (named === undefined)
      throw new AppError(
        'monitor_not_found',
        404,
        `no drift monitor named "${name}"${monitors.length > 0 ? `; configured: ${monitors.map((m) => m.name).join(', ')}` : ''}`,
      );
    if (named.model !== '*' && named.model !== model)
      throw new AppError(
        'invalid_body',
        400,
        `monitor: drift monitor "${name}" watches model ${named.model}, not ${model}`,
      );
    return named;
  }
  return (
    monitors.find((m) => m.model === model) ??
    monitors.find((m) => m.model === '*') ??
    defaultMonitor()
  );
}

/** Returns a fresh run's report in the shape a stored one is read back in. */
export function storedOf(report: DriftReport): StoredReport {
  const v = report.verdict;
  return {
    report: {
      id: report.id,
      model: report.model,
      modelVersion: report.modelVersion,
      monitor: report.monitor,
      createdAtMs: report.createdAtMs,
      current: { fromMs: report.current.fromMs, toMs: report.current.toMs },
      reference: report.reference,
      features: v.features.length,
      drifted: v.drifted,
      insufficient: v.insufficient,
      driftShare: v.driftShare,
      shareThreshold: v.shareThreshold,
      datasetDrift: v.datasetDrift,
      correction: v.correction,
    },
    results: v.features,
  };
}
