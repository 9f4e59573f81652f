// Reference profiles a user provides: an uploaded file (CSV with a header row, or JSON lines;
// typically the training set), summarised in the engine, or a pinned window of the model's own
// requests. Both are stored once and used by a monitor with `reference: {profile: ID}`.
import { AppError } from '../errors';
import {
  insertReferenceProfile,
  type ProfileOrigin,
} from '../store/repositories/reference-profiles';
import {
  describeUpload,
  type UploadFormat,
  uploadCategoryCounts,
  uploadNumericSummaries,
} from '../store/repositories/upload-profiles';
import type { Store } from '../store/store';
import type { FeatureProfile } from './profile';
import { windowProfileId } from './run';
import { numericProfile, profileWindow } from './window-profiles';

/** Most columns an uploaded file may have. */
export const MAX_UPLOAD_COLUMNS = 1000;

/** What was stored: the profile's id and origin, and each feature's kind and count. */
export interface StoredReference {
  origin: ProfileOrigin;
  features: { feature: string; kind: FeatureProfile['kind']; n: number }[];
  /** Columns without a single value (stored nowhere). */
  empty: string[];
}

/** A profile id: what a monitor's `reference: {profile: ID}` names. */
export const PROFILE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Profiles an uploaded file in the engine and stores it as `profileId` of `model` (source
 * upload); a 400 naming the problem when the file is empty, lacks a header, has a column that is
 * neither numeric nor text, or a line the engine cannot read.
 */
export async function uploadReference(
  store: Store,
  upload: { model: string; profileId: string; description?: string },
  format: UploadFormat,
  data: string,
  nowMs: number,
): Promise<StoredReference> {
  if (data.trim() === '') throw invalid('the uploaded file is empty');
  const columns = await describeUpload(store, format, data);
  if (columns.length === 0) throw invalid('the uploaded file has no columns');
  if (columns.length > MAX_UPLOAD_COLUMNS)
    throw invalid(`the uploaded file has ${columns.length} columns; at most ${MAX_UPLOAD_COLUMNS}`);
  // A header row of numbers is a first data row: CSVWithNames would have taken it as names.
  if (
    format === 'CSVWithNames' &&
    columns.every((c) => /^\s*-?[\d.]+(e[+-]?\d+)?\s*$/i.test(c.name))
  )
    throw invalid(
      `the CSV upload has no header row (its first line is ${columns.map((c) => c.name).join(',')}); the first line must name the features`,
    );
  const unusable = columns.filter((c) => c.kind === 'unsupported');
  if (unusable.length > 0)
    throw invalid(
      `column${unusable.length > 1 ? 's' : ''} ${unusable
        .map((c) => `"${c.name}" (${c.type.replace(/\s+/g, ' ')})`)
        .join(', ')} ${unusable.length > 1 ? 'are' : 'is'} neither numeric nor text`,
    );
  const named = (kind: string) => columns.filter((c) => c.kind === kind);
  const summaries = await uploadNumericSummaries(store, format, data, named('numeric'));
  const categories = await uploadCategoryCounts(store, format, data, named('categorical'));
  const profiles = [
    ...summaries.map(numericProfile),
    ...[...categories].map(
      ([feature, counts]): FeatureProfile => ({
        feature,
        kind: 'categorical',
        n: Object.values(counts).reduce((a, b) => a + b, 0),
        categories: counts,
      }),
    ),
  ].sort((a, b) => byName(a.feature, b.feature));
  if (profiles.length === 0) throw invalid('the uploaded file has no values');
  const origin: ProfileOrigin = {
    profileId: upload.profileId,
    model: upload.model,
    source: 'upload',
    description:
      upload.description ?? `uploaded ${format === 'CSVWithNames' ? 'CSV' : 'JSON lines'}`,
  };
  await insertReferenceProfile(store, origin, profiles, nowMs);
  const have = new Set(profiles.map((p) => p.feature));
  return {
    origin,
    features: profiles.map((p) => ({ feature: p.feature, kind: p.kind, n: p.n })),
    empty: columns.filter((c) => !have.has(c.name)).map((c) => c.name),
  };
}

/**
 * Profiles every feature of `model` seen in `window` and stores it as `profileId` (default the
 * id a pinned monitor over that window would use); a 400 when the window holds no values.
 */
export async function pinReference(
  store: Store,
  pin: { model: string; profileId?: string; description?: string },
  window: { fromMs: number; toMs: number },
  nowMs: number,
): Promise<StoredReference> {
  const profiles = await profileWindow(store, pin.model, window, 'all');
  if (profiles.length === 0)
    throw invalid(
      `model ${pin.model} has no feature values in ${new Date(window.fromMs).toISOString()} – ${new Date(window.toMs).toISOString()}`,
    );
  const origin: ProfileOrigin = {
    profileId: pin.profileId ?? windowProfileId(window),
    model: pin.model,
    source: 'window',
    window,
    description:
      pin.description ??
      `${new Date(window.fromMs).toISOString()} – ${new Date(window.toMs).toISOString()}`,
  };
  await insertReferenceProfile(store, origin, profiles, nowMs);
  return {
    origin,
    features: profiles.map((p) => ({ feature: p.feature, kind: p.kind, n: p.n })),
    empty: [],
  };
}

const invalid = (message: string) => new AppError('invalid_upload', 400, message);

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
