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
import type { FeatureProfile } from './profile';
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

/** Runs `monitor` for `model` over `current`, stores the report (as of `nowMs`) and returns it. */
export async function runDrift(
  store: Store,
  monitor: DriftMonitor,
  model: string,
  current: TimeRange,
  nowMs: number,
): Promise<DriftReport> {
  const every = monitor.features.length === 0;
  const now = await profileWindow(store, model, current, every ? 'all' : monitor.features);
  const reference = await referenceProfile(store, monitor, model, current, now, nowMs);
  const refs = new Map(reference.features.map((p) => [p.feature, p]));
  const cur = new Map(now.map((p) => [p.feature, p]));
  // Every feature asked for, or seen now or in the reference (a feature that vanished is judged
  // on n = 0); a reference marker with no values counts only when the feature is seen now.
  const names = every
    ? [
        ...new Set([
          ...cur.keys(),
          ...reference.features.filter((p) => p.n > 0).map((p) => p.feature),
        ]),
      ].sort(byName)
    : monitor.features;
  // Exact KS where both sides are numeric with values and the reference kept every value.
  const exact = names.flatMap((name) => {
    const ref = refs.get(name);
    const now = cur.get(name);
    return ref?.kind === 'numeric' && now?.kind === 'numeric' && now.n > 0 ? [ref] : [];
  });
  const ks = await exactKsStatistics(store, model, current, exact);
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
// so that later runs read the profile, not the reference rows. A feature the reference window
// lacks is stored as a marker with n = 0, so it is not looked for again; features first seen
// later are profiled and added. A window that has not ended by `nowMs` is profiled but not
// stored: its rows are still arriving.
async function referenceProfile(
  store: Store,
  monitor: DriftMonitor,
  model: string,
  current: TimeRange,
  now: readonly FeatureProfile[],
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
  const every = monitor.features.length === 0;
  const wanted = every ? now.map((p) => p.feature) : monitor.features;
  const ended = window.toMs <= nowMs;
  const profileId = windowProfileId(window);
  const stored = ended ? await loadReferenceProfile(store, model, profileId) : undefined;
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
  // The first profile of an every-feature monitor takes every feature the window holds.
  const asked = stored === undefined && every ? 'all' : missing;
  const profiled = await profileWindow(store, model, window, asked);
  const found = new Set(profiled.map((p) => p.feature));
  const kinds = new Map(now.map((p) => [p.feature, p.kind]));
  const markers = missing
    .filter((name) => !found.has(name))
    .map((name) => emptyProfile(name, kinds.get(name) ?? 'numeric'));
  const added = [...profiled, ...markers];
  if (ended) await insertReferenceProfile(store, origin, added, nowMs);
  return { origin, features: [...(stored?.features ?? []), ...added] };
}

// Features in code-unit order, as the store sorts them.
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
