// One drift run: a monitor, a model, a current window. Profile the current window, load (or
// compute once and store) the reference profile, count the current window on the reference's
// bins, judge each feature, record the report. The I/O is the repositories'; the judging is
// compare.ts and verdict.ts.
import { AppError } from '../errors';
import { insertDriftReport } from '../store/repositories/drift-reports';
import { mainModelVersion, type TimeRange } from '../store/repositories/drift-windows';
import {
  insertReferenceProfile,
  loadReferenceProfile,
  type StoredProfile,
} from '../store/repositories/reference-profiles';
import type { Store } from '../store/store';
import { compareFeature } from './compare';
import type { DriftMonitor } from './config';
import { type DriftReport, reportId } from './report';
import { driftVerdict } from './verdict';
import { emptyProfile, exactKsStatistics, onBins, profileWindow } from './window-profiles';

/** Returns the reference window of `monitor` for a current window; undefined for an uploaded profile. */
export function referenceWindow(monitor: DriftMonitor, current: TimeRange): TimeRange | undefined {
  const ref = monitor.reference;
  if (ref.kind === 'rolling')
    return { fromMs: current.fromMs - ref.offsetMs, toMs: current.toMs - ref.offsetMs };
  if (ref.kind === 'pinned') return { fromMs: ref.fromMs, toMs: ref.toMs };
  return undefined;
}

/** The id under which the profile of a reference window is stored (per model). */
export function windowProfileId(window: TimeRange): string {
  return `window_${window.fromMs}_${window.toMs}`;
}

/** Runs `monitor` for `model` over `current`, stores the report and returns it. */
export async function runDrift(
  store: Store,
  monitor: DriftMonitor,
  model: string,
  current: TimeRange,
  nowMs: number,
): Promise<DriftReport> {
  const picked = monitor.features.length > 0 ? monitor.features : 'all';
  const now = await profileWindow(store, model, current, picked);
  const wanted = monitor.features.length > 0 ? monitor.features : now.map((p) => p.feature);
  const reference = await referenceProfile(store, monitor, model, current, wanted, nowMs);
  const refs = new Map(reference.features.map((p) => [p.feature, p]));
  const cur = new Map(now.map((p) => [p.feature, p]));
  const ks = await exactKsStatistics(store, model, current, reference.features);
  // Every feature asked for or seen on either side: one absent now is judged on n = 0.
  const names =
    monitor.features.length > 0
      ? monitor.features
      : [...new Set([...cur.keys(), ...refs.keys()])].sort(byName);
  const results = names
    .map((name) => {
      const ref = refs.get(name);
      let profile = cur.get(name) ?? emptyProfile(name, ref?.kind ?? 'numeric');
      if (profile.kind === 'numeric' && ref?.kind === 'numeric') profile = onBins(profile, ref);
      return compareFeature(ref, profile, monitor, ks.get(name));
    })
    .sort((a, b) => byName(a.feature, b.feature));
  const report: DriftReport = {
    id: reportId(monitor.name, model, current),
    model,
    modelVersion: (await mainModelVersion(store, model, current)) ?? '',
    monitor: monitor.name,
    createdAtMs: nowMs,
    current,
    reference: {
      profileId: reference.origin.profileId,
      ...(reference.origin.window ?? {}),
      description: reference.origin.description,
    },
    verdict: driftVerdict(results, monitor),
  };
  await insertDriftReport(store, report);
  return report;
}

// The reference profile: uploaded (must exist), or a window's, computed on first use and stored
// so that later runs read the profile, not the reference rows; features the stored profile lacks
// (first seen since) are profiled and added.
async function referenceProfile(
  store: Store,
  monitor: DriftMonitor,
  model: string,
  current: TimeRange,
  wanted: readonly string[],
  nowMs: number,
): Promise<StoredProfile> {
  const window = referenceWindow(monitor, current);
  if (window === undefined) {
    const id = monitor.reference.kind === 'profile' ? monitor.reference.profileId : '';
    const stored = await loadReferenceProfile(store, model, id);
    if (stored === undefined)
      throw new AppError(
        'reference_not_found',
        404,
        `drift monitor ${monitor.name}: no reference profile "${id}" for model ${model}; upload one with POST /api/v1/references`,
      );
    return stored;
  }
  const profileId = windowProfileId(window);
  const stored = await loadReferenceProfile(store, model, profileId);
  const have = new Set(stored?.features.map((f) => f.feature));
  const missing = wanted.filter((name) => !have.has(name));
  if (stored !== undefined && missing.length === 0) return stored;
  const origin = stored?.origin ?? {
    profileId,
    model,
    source: 'window' as const,
    window,
    description: `${new Date(window.fromMs).toISOString()} – ${new Date(window.toMs).toISOString()}`,
  };
  const added = await profileWindow(store, model, window, missing);
  await insertReferenceProfile(store, origin, added, nowMs);
  return { origin, features: [...(stored?.features ?? []), ...added] };
}

// Features in code-unit order, as the store sorts them.
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
