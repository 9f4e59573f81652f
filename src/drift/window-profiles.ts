// Profiles of a window of one model's requests, from what the engine computes (the I/O): two
// queries per window — numeric summaries and category counts — for every feature seen or for
// those named; and the exact KS statistic against references small enough to keep every value.
import {
  categoryCounts,
  type FeatureSelection,
  ksStatistics,
  type NumericSummary,
  numericSummaries,
  type TimeRange,
} from '../store/repositories/drift-windows';
import type { Store } from '../store/store';
import {
  binEdges,
  countsOnBins,
  exactQuantiles,
  type FeatureProfile,
  type NumericProfile,
} from './profile';

/**
 * Returns the profiles of the features picked that have values in `range`, sorted by name;
 * numeric ones binned on their own deciles (onBins re-bins a current window on a reference's).
 */
export async function profileWindow(
  store: Store,
  model: string,
  range: TimeRange,
  features: FeatureSelection,
): Promise<FeatureProfile[]> {
  if (features.length === 0) return [];
  const summaries = await numericSummaries(store, model, range, features);
  const categories = await categoryCounts(store, model, range, features);
  const numeric = summaries.map(numericProfile);
  const categorical = [...categories].map(
    ([feature, counts]): FeatureProfile => ({
      feature,
      kind: 'categorical',
      n: Object.values(counts).reduce((a, b) => a + b, 0),
      categories: counts,
    }),
  );
  // A name in both maps is read as numeric (features_num wins).
  const names = new Set(numeric.map((p) => p.feature));
  return [...numeric, ...categorical.filter((p) => !names.has(p.feature))].sort((a, b) =>
    a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0,
  );
}

/**
 * Returns, per numeric reference that kept every value, the exact two-sample KS statistic of
 * the feature's values in `range` against it (one query for all of them).
 */
export async function exactKsStatistics(
  store: Store,
  model: string,
  range: TimeRange,
  reference: readonly FeatureProfile[],
): Promise<Map<string, number>> {
  const exact = new Map<string, number[]>();
  for (const p of reference)
    if (p.kind === 'numeric' && p.n > 0 && p.sample.length === p.n) exact.set(p.feature, p.sample);
  return ksStatistics(store, model, range, exact);
}

/** Returns `current` counted on the reference's bins (exact from kept values, else from its sketch). */
export function onBins(current: NumericProfile, reference: NumericProfile): NumericProfile {
  return {
    ...current,
    edges: reference.edges,
    counts: countsOnBins(reference.edges, current.n, current.sample, current.quantiles),
  };
}

/** Returns the empty profile of a feature without values in a window. */
export function emptyProfile(feature: string, kind: FeatureProfile['kind']): FeatureProfile {
  return kind === 'categorical'
    ? { feature, kind, n: 0, categories: {} }
    : {
        feature,
        kind,
        n: 0,
        mean: 0,
        std: 0,
        min: 0,
        max: 0,
        quantiles: [],
        sample: [],
        edges: [],
        counts: [0],
      };
}

/** Returns the profile of a numeric summary on its own deciles; quantiles exact where every value was kept. */
export function numericProfile(s: NumericSummary): NumericProfile {
  const quantiles = s.sample.length === s.n ? exactQuantiles(s.sample) : s.quantiles;
  const edges = binEdges(quantiles);
  return {
    feature: s.feature,
    kind: 'numeric',
    n: s.n,
    mean: s.mean,
    std: s.std,
    min: s.min,
    max: s.max,
    quantiles,
    sample: s.sample,
    edges,
    counts: countsOnBins(edges, s.n, s.sample, quantiles),
  };
}
