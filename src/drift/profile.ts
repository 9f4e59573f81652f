// What a drift run knows of a window of one feature: a profile. A reference profile is computed
// once (from a window of the model's requests, or from an uploaded file) and stored; a run then
// profiles only the current window, on the reference's bins. Pure: no I/O.

/** The quantile levels every numeric profile keeps: 0, 0.001, …, 1 (1001 levels). */
export const QUANTILE_LEVELS: readonly number[] = Array.from({ length: 1001 }, (_, i) => i / 1000);

/** Up to this many values, a numeric profile keeps every value (exact KS and Wasserstein). */
export const EXACT_SAMPLE_CAP = 1000;

/** PSI and Jensen-Shannon bins of a numeric feature: the reference's deciles. */
export const BIN_LEVELS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Where a feature's values come from in `inference_requests`. */
export type FeatureKind = 'numeric' | 'categorical';

/** A feature to profile: a key of features_num / features_cat, or a built-in column. */
export interface FeatureRef {
  name: string;
  kind: FeatureKind;
}

/** Built-in features, read from columns; a map key of the same name is shadowed by them. */
export const BUILTIN_FEATURES: readonly FeatureRef[] = [
  { name: 'input_tokens', kind: 'numeric' },
  { name: 'output_tokens', kind: 'numeric' },
  { name: 'request_type', kind: 'categorical' },
];

/** A numeric feature's summary over a window. */
export interface NumericProfile {
  feature: string;
  kind: 'numeric';
  n: number;
  mean: number;
  /** Population standard deviation (ddof 0), as Evidently normalises Wasserstein. */
  std: number;
  min: number;
  max: number;
  /** Values at QUANTILE_LEVELS; empty when n = 0. */
  quantiles: number[];
  /** Every value, ascending, when n <= EXACT_SAMPLE_CAP; else empty. */
  sample: number[];
  /** Interior bin edges (ascending, distinct) and the count per bin: counts.length = edges + 1. */
  edges: number[];
  counts: number[];
}

/** A categorical feature's counts over a window. */
export interface CategoricalProfile {
  feature: string;
  kind: 'categorical';
  n: number;
  categories: Record<string, number>;
}

/** One feature's profile. */
export type FeatureProfile = NumericProfile | CategoricalProfile;

/**
 * Returns the interior bin edges of a numeric reference: its quantiles at BIN_LEVELS, without
 * repeats (a feature with few distinct values gets fewer bins rather than empty ones).
 */
export function binEdges(quantiles: readonly number[]): number[] {
  if (quantiles.length !== QUANTILE_LEVELS.length) return [];
  const edges = BIN_LEVELS.map((level) => quantiles[Math.round(level * 1000)] as number);
  return edges.filter((e, i) => i === 0 || e > (edges[i - 1] as number));
}

/** Returns the bin index of `value` on `edges`: the number of edges <= value (as the SQL does). */
export function binOf(value: number, edges: readonly number[]): number {
  let i = 0;
  while (i < edges.length && (edges[i] as number) <= value) i++;
  return i;
}
