// reference_profiles (migrations/0012): a reference summarised once per feature and reused by
// every drift run. One row per profile x feature; writing a profile again replaces it: reads see
// only the features of its latest write (created_at), not features an earlier write had.
import { z } from 'zod';
import { type FeatureProfile, QUANTILE_LEVELS } from '../../drift/profile';
import type { Store } from '../store';

/** Where a profile came from: a window of the model's requests, or an uploaded file. */
export interface ProfileOrigin {
  profileId: string;
  model: string;
  source: 'window' | 'upload';
  window?: { fromMs: number; toMs: number };
  description: string;
}

const latestRow = z.object({ latest: z.coerce.number().nullable() });

/**
 * Stores the profiles of `features` under `origin` (one INSERT), replacing an earlier write of
 * the same profile: written at `createdAtMs`, or 1 ms after the latest write when that is later
 * (a second upload within the same millisecond still replaces the first).
 */
export async function insertReferenceProfile(
  store: Store,
  origin: ProfileOrigin,
  features: readonly FeatureProfile[],
  createdAtMs: number,
): Promise<void> {
  if (features.length === 0) return;
  const [previous] = await store.query({
    tag: 'reference_profiles.latest',
    sql: `SELECT toUnixTimestamp64Milli(max(created_at)) AS latest FROM {db:Identifier}.reference_profiles
          WHERE model = {model:String} AND profile_id = {id:String} HAVING count() > 0`,
    params: { model: origin.model, id: origin.profileId },
    schema: latestRow,
  });
  const writtenAt = Math.max(createdAtMs, (previous?.latest ?? Number.NEGATIVE_INFINITY) + 1);
  await store.insert({
    tag: 'reference_profiles.insert',
    table: 'reference_profiles',
    rows: features.map((f) => ({
      profile_id: origin.profileId,
      model: origin.model,
      source: origin.source,
      window_from: origin.window?.fromMs ?? null,
      window_to: origin.window?.toMs ?? null,
      description: origin.description,
      feature: f.feature,
      kind: f.kind,
      n: f.n,
      ...(f.kind === 'numeric'
        ? {
            mean: f.mean,
            std: f.std,
            min: f.min,
            max: f.max,
            quantile_levels: f.quantiles.length > 0 ? QUANTILE_LEVELS : [],
            quantiles: f.quantiles,
            edges: f.edges,
            counts: f.counts,
            sample_values: f.sample,
            categories: {},
          }
        : {
            mean: 0,
            std: 0,
            min: 0,
            max: 0,
            quantile_levels: [],
            quantiles: [],
            edges: [],
            counts: [],
            sample_values: [],
            categories: f.categories,
          }),
      created_at: writtenAt,
    })),
  });
}

const profileRow = z.object({
  source: z.enum(['window', 'upload']),
  window_from: z.coerce.number().nullable(),
  window_to: z.coerce.number().nullable(),
  description: z.string(),
  feature: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  n: z.coerce.number(),
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  quantiles: z.array(z.number()),
  edges: z.array(z.number()),
  counts: z.array(z.number()),
  sample_values: z.array(z.number()),
  categories: z.record(z.string(), z.coerce.number()),
});

/** A stored profile: where it came from and its features. */
export interface StoredProfile {
  origin: ProfileOrigin;
  features: FeatureProfile[];
}

/** Returns the stored profile `profileId` of `model`, or undefined when there is none. */
export async function loadReferenceProfile(
  store: Store,
  model: string,
  profileId: string,
): Promise<StoredProfile | undefined> {
  const rows = await store.query({
    tag: 'reference_profiles.load',
    sql: `SELECT source, toUnixTimestamp64Milli(window_from) AS window_from,
            toUnixTimestamp64Milli(window_to) AS window_to, description, feature, kind, n, mean,
            std, min, max, quantiles, edges, counts, sample_values, categories
          FROM {db:Identifier}.reference_profiles FINAL
          WHERE model = {model:String} AND profile_id = {id:String}
            AND created_at = (SELECT max(created_at) FROM {db:Identifier}.reference_profiles
                              WHERE model = {model:String} AND profile_id = {id:String})
          ORDER BY feature`,
    params: { model, id: profileId },
    schema: profileRow,
  });
  const [first] = rows;
  if (first === undefined) return undefined;
  const window =
    first.window_from !== null && first.window_to !== null
      ? { fromMs: first.window_from, toMs: first.window_to }
      : undefined;
  return {
    origin: {
      profileId,
      model,
      source: first.source,
      description: first.description,
      ...(window ? { window } : {}),
    },
    features: rows.map(
      (r): FeatureProfile =>
        r.kind === 'numeric'
          ? {
              feature: r.feature,
              kind: 'numeric',
              n: r.n,
              mean: r.mean,
              std: r.std,
              min: r.min,
              max: r.max,
              quantiles: r.quantiles,
              sample: r.sample_values,
              edges: r.edges,
              counts: r.counts,
            }
          : { feature: r.feature, kind: 'categorical', n: r.n, categories: r.categories },
    ),
  };
}

const listRow = z.object({
  profile_id: z.string(),
  model: z.string(),
  source: z.enum(['window', 'upload']),
  window_from: z.coerce.number().nullable(),
  window_to: z.coerce.number().nullable(),
  description: z.string(),
  features: z.coerce.number(),
  written_at: z.coerce.number(),
});

/** A stored profile as a listing shows it: its origin, feature count and last write. */
export interface ProfileListing {
  origin: ProfileOrigin;
  features: number;
  createdAtMs: number;
}

/** Returns the stored profiles (of `model` when given), newest first, at most `limit`. */
export async function listReferenceProfiles(
  store: Store,
  filter: { model?: string; limit: number },
): Promise<ProfileListing[]> {
  const rows = await store.query({
    tag: 'reference_profiles.list',
    sql: `SELECT profile_id, model, any(source) AS source,
            toUnixTimestamp64Milli(any(window_from)) AS window_from,
            toUnixTimestamp64Milli(any(window_to)) AS window_to, any(description) AS description,
            count() AS features, toUnixTimestamp64Milli(max(created_at)) AS written_at
          FROM {db:Identifier}.reference_profiles FINAL
          WHERE ({model:Nullable(String)} IS NULL OR model = {model:Nullable(String)})
            AND (model, profile_id, created_at) IN (
              SELECT model, profile_id, max(created_at) FROM {db:Identifier}.reference_profiles
              GROUP BY model, profile_id)
          GROUP BY model, profile_id ORDER BY written_at DESC, model, profile_id
          LIMIT {limit:UInt32}`,
    params: { model: filter.model ?? null, limit: filter.limit },
    schema: listRow,
  });
  return rows.map((r) => ({
    origin: {
      profileId: r.profile_id,
      model: r.model,
      source: r.source,
      description: r.description,
      ...(r.window_from !== null && r.window_to !== null
        ? { window: { fromMs: r.window_from, toMs: r.window_to } }
        : {}),
    },
    features: r.features,
    createdAtMs: r.written_at,
  }));
}
