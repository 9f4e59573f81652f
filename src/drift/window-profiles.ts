// Profiles of a window of one model's requests, from what the engine computes (the I/O): a
// reference profiled on its own decile bins, or the current window on the reference's bins
// with the exact KS statistic against a small reference's values.
import {
  categoryCounts,
  ksStatistics,
  type NumericSummary,
  numericBinCounts,
  numericSummaries,
  type TimeRange,
} from '../store/repositories/drift-windows';
import type { Store } from '../store/store';
import {
  binEdges,
  type CategoricalProfile,
  type FeatureProfile,
  type FeatureRef,
  type NumericProfile,
} from './profile';

/** Returns the profiles of `features` in `range`, numeric ones binned on their own deciles. */
export async function profileReferenceWindow(
  store: Store,
  model: string,
  range: TimeRange,
  features: readonly FeatureRef[],
): Promise<FeatureProfile[]> {
  const summaries = await numericSummaries(store, model, range, namesOf(features, 'numeric'));
  const edges = new Map(summaries.map((s) => [s.feature, binEdges(s.quantiles)]));
  const counts = await numericBinCounts(store, model, range, edges);
  const categories = await categoryCounts(store, model, range, namesOf(features, 'categorical'));
  return assemble(features, summaries, edges, counts, categories);
}

/** The current window's profiles and, per numeric feature with an exact reference, its KS D. */
export interface CurrentProfiles {
  profiles: FeatureProfile[];
  ksStatistics: Map<string, number>;
}

/**
 * Returns the profiles of `features` in `range` with numeric ones binned on the reference's
 * edges (same bins on both sides), and the exact KS statistic where the reference kept every
 * value. A feature absent from `reference` is binned on its own deciles.
 */
export async function profileCurrentWindow(
  store: Store,
  model: string,
  range: TimeRange,
  features: readonly FeatureRef[],
  reference: readonly FeatureProfile[],
): Promise<CurrentProfiles> {
  const refs = new Map(reference.map((p) => [p.feature, p]));
  const summaries = await numericSummaries(store, model, range, namesOf(features, 'numeric'));
  const edges = new Map(
    summaries.map((s) => {
      const ref = refs.get(s.feature);
      return [s.feature, ref?.kind === 'numeric' ? ref.edges : binEdges(s.quantiles)];
    }),
  );
  const counts = await numericBinCounts(store, model, range, edges);
  const categories = await categoryCounts(store, model, range, namesOf(features, 'categorical'));
  const exact = new Map<string, number[]>();
  for (const s of summaries) {
    const ref = refs.get(s.feature);
    if (ref?.kind === 'numeric' && ref.sample.length > 0 && ref.sample.length === ref.n)
      exact.set(s.feature, ref.sample);
  }
  return {
    profiles: assemble(features, summaries, edges, counts, categories),
    ksStatistics: await ksStatistics(store, model, range, exact),
  };
}

function namesOf(features: readonly FeatureRef[], kind: FeatureRef['kind']): string[] {
  return features.filter((f) => f.kind === kind).map((f) => f.name);
}

// One profile per feature asked for; a feature without values gets an empty profile (n = 0).
function assemble(
  features: readonly FeatureRef[],
  summaries: readonly NumericSummary[],
  edges: ReadonlyMap<string, readonly number[]>,
  counts: ReadonlyMap<string, number[]>,
  categories: ReadonlyMap<string, Record<string, number>>,
): FeatureProfile[] {
  const byName = new Map(summaries.map((s) => [s.feature, s]));
  return features.map((f): FeatureProfile => {
    if (f.kind === 'categorical') {
      const c = categories.get(f.name) ?? {};
      const n = Object.values(c).reduce((a, b) => a + b, 0);
      return {
        feature: f.name,
        kind: 'categorical',
        n,
        categories: c,
      } satisfies CategoricalProfile;
    }
    const s = byName.get(f.name);
    const e = [...(edges.get(f.name) ?? [])];
    if (s === undefined)
      return {
        feature: f.name,
        kind: 'numeric',
        n: 0,
        mean: 0,
        std: 0,
        min: 0,
        max: 0,
        quantiles: [],
        sample: [],
        edges: e,
        counts: new Array<number>(e.length + 1).fill(0),
      } satisfies NumericProfile;
    return {
      feature: f.name,
      kind: 'numeric',
      n: s.n,
      mean: s.mean,
      std: s.std,
      min: s.min,
      max: s.max,
      quantiles: s.quantiles,
      sample: s.sample,
      edges: e,
      counts: counts.get(f.name) ?? new Array<number>(e.length + 1).fill(0),
    };
  });
}
