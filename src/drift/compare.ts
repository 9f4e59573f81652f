// One feature's reference against its current window: the method (the monitor's, or Evidently's
// default choice), its statistic or p-value against the threshold, the verdict, and both
// histograms on the same bins. Pure: the profiles come from window-profiles.ts.
import type { DriftMonitor } from './config';
import {
  type CategoricalProfile,
  type FeatureProfile,
  type NumericProfile,
  sketchCdf,
} from './profile';
import { chiSquareDrift } from './stats/chi-square';
import { type DriftMethod, defaultMethod } from './stats/choose';
import { jensenShannonDistance } from './stats/jensen-shannon';
import { ksPValue } from './stats/ks';
import { psi } from './stats/psi';
import { normedWasserstein, wassersteinFromQuantiles } from './stats/wasserstein';
import { zTestDrift } from './stats/z-test';

/** Every method a monitor can name (numeric and categorical). */
export type Method = DriftMethod | 'psi';

/** A method with its threshold and which side of it is drift. */
export interface Rule {
  method: Method;
  threshold: number;
  /** p_below: drift when the p-value < threshold; statistic_at_least: statistic >= threshold. */
  direction: 'p_below' | 'statistic_at_least';
}

/** The verdict on one feature. */
export interface FeatureResult {
  feature: string;
  kind: 'numeric' | 'categorical';
  status: 'ok' | 'drifted' | 'insufficient_data';
  method: Method;
  direction: Rule['direction'];
  threshold: number;
  statistic: number | null;
  pValue: number | null;
  /** The p-value after Benjamini-Hochberg, when the monitor asks for it. */
  adjustedPValue: number | null;
  referenceN: number;
  currentN: number;
  /** Bin or category labels, and both windows' counts on them (what the report draws). */
  bins: string[];
  referenceCounts: number[];
  currentCounts: number[];
  /** How it was computed (exact or from sketches), or why there was too little data. */
  note: string;
  /** Every method's figure on the same profiles (the verdict uses `method` only). */
  statistics?: Record<string, number>;
}

const P_METHODS = new Set<Method>(['ks', 'chisquare', 'z']);
const DEFAULT_THRESHOLDS: Record<Method, number> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};
// Features with at most this many distinct values are judged as categories (as Evidently does).
const FEW_VALUES = 5;
// Categories drawn in a report; the rest are summed into one bar.
const DRAWN_CATEGORIES = 30;

/** Returns the rule of `method` with the monitor's threshold, or the method's default. */
export function ruleOf(method: Method, threshold?: number): Rule {
  return {
    method,
    threshold: threshold ?? DEFAULT_THRESHOLDS[method],
    direction: P_METHODS.has(method) ? 'p_below' : 'statistic_at_least',
  };
}

/**
 * Returns the verdict on `current` against `reference` under `monitor`; `ksStatistic` is the
 * exact two-sample D when the store computed it (a reference that kept every value).
 */
export function compareFeature(
  reference: FeatureProfile | undefined,
  current: FeatureProfile,
  monitor: DriftMonitor,
  ksStatistic?: number,
): FeatureResult {
  const refN = reference?.n ?? 0;
  if (reference === undefined)
    return insufficient(current, refN, 'no reference profile for this feature');
  if (reference.kind !== current.kind)
    return insufficient(
      current,
      refN,
      `${reference.kind} in the reference, ${current.kind} now: the feature changed kind`,
    );
  if (refN < monitor.minSamples || current.n < monitor.minSamples)
    return insufficient(
      current,
      refN,
      `fewer than ${monitor.minSamples} values (reference ${refN}, current ${current.n})`,
    );
  return current.kind === 'numeric'
    ? compareNumeric(reference as NumericProfile, current, monitor, ksStatistic)
    : compareCategorical(reference as CategoricalProfile, current, monitor);
}

function compareNumeric(
  ref: NumericProfile,
  cur: NumericProfile,
  monitor: DriftMonitor,
  ksStatistic: number | undefined,
): FeatureResult {
  const histogram = numericBins(ref, cur);
  const distinct = new Set(ref.sample.length > 0 ? ref.sample : ref.quantiles).size;
  const rule: Rule =
    monitor.numeric.method === 'auto'
      ? defaultMethod('numeric', ref.n, distinct <= FEW_VALUES ? distinct : undefined)
      : ruleOf(monitor.numeric.method, monitor.numeric.threshold);
  // A default choice of a categorical test for a few-valued numeric feature runs on its bins.
  const method: Method =
    rule.method === 'chisquare' || rule.method === 'z' ? 'jensenshannon' : rule.method;
  const finalRule = method === rule.method ? rule : ruleOf(method);
  let statistic: number;
  let pValue: number | null = null;
  let note: string;
  if (method === 'ks') {
    const exact = ksStatistic !== undefined;
    statistic = ksStatistic ?? sketchKs(ref.quantiles, cur.quantiles);
    const p = ksPValue(statistic, ref.n, cur.n, 'auto');
    pValue = p.pValue;
    note = `${exact ? 'exact D' : 'D from the 1001-quantile sketches'}, p-value ${p.mode}`;
  } else if (method === 'wasserstein') {
    const exact = ref.sample.length === ref.n && cur.sample.length === cur.n;
    statistic = exact
      ? normedWasserstein(ref.sample, cur.sample)
      : wassersteinFromQuantiles(ref.quantiles, cur.quantiles) / Math.max(ref.std, 0.001);
    note = exact ? 'exact, from every value' : 'from the 1001-quantile sketches';
  } else if (method === 'psi') {
    statistic = psi(histogram.referenceCounts, histogram.currentCounts);
    note = 'on the reference deciles';
  } else {
    statistic = jensenShannonDistance(histogram.referenceCounts, histogram.currentCounts);
    note = 'on the reference deciles';
  }
  // The KS p-value is the verdict's when KS judges; otherwise only D is kept: at the sizes where
  // another method judges (> 1000 values) its p-value says little and costs up to ~20 ms.
  const ks = ksStatistic ?? sketchKs(ref.quantiles, cur.quantiles);
  const statistics: Record<string, number> = {
    ks,
    ...(method === 'ks' && pValue !== null ? { ks_p_value: pValue } : {}),
    wasserstein:
      method === 'wasserstein'
        ? statistic
        : wassersteinFromQuantiles(ref.quantiles, cur.quantiles) / Math.max(ref.std, 0.001),
    psi: psi(histogram.referenceCounts, histogram.currentCounts),
    jensenshannon: jensenShannonDistance(histogram.referenceCounts, histogram.currentCounts),
  };
  return {
    ...result(cur, ref.n, finalRule, method, statistic, pValue, histogram, note),
    statistics,
  };
}

function compareCategorical(
  ref: CategoricalProfile,
  cur: CategoricalProfile,
  monitor: DriftMonitor,
): FeatureResult {
  const keys = [...new Set([...Object.keys(ref.categories), ...Object.keys(cur.categories)])];
  const rule: Rule =
    monitor.categorical.method === 'auto'
      ? defaultMethod('categorical', ref.n, keys.length)
      : ruleOf(monitor.categorical.method, monitor.categorical.threshold);
  // A Z-test needs two categories at most; with more, chi-square answers the same question.
  const method: Method = rule.method === 'z' && keys.length > 2 ? 'chisquare' : rule.method;
  const finalRule = method === rule.method ? rule : ruleOf(method, rule.threshold);
  const refVector = keys.map((k) => ref.categories[k] ?? 0);
  const curVector = keys.map((k) => cur.categories[k] ?? 0);
  let statistic: number;
  let pValue: number | null = null;
  // One value on both sides: nothing can have moved (chi-square needs two categories).
  if (keys.length < 2) {
    statistic = 0;
    pValue = finalRule.direction === 'p_below' ? 1 : null;
  } else if (method === 'chisquare' || method === 'z') {
    const test =
      method === 'z'
        ? zTestDrift(ref.categories, cur.categories)
        : chiSquareDrift(ref.categories, cur.categories);
    statistic = test.statistic;
    pValue = test.pValue;
  } else if (method === 'psi') {
    statistic = psi(refVector, curVector);
  } else {
    statistic = jensenShannonDistance(refVector, curVector);
  }
  const statistics: Record<string, number> = {
    psi: psi(refVector, curVector),
    jensenshannon: jensenShannonDistance(refVector, curVector),
  };
  if (keys.length >= 2) {
    const chi = chiSquareDrift(ref.categories, cur.categories);
    statistics.chisquare = chi.statistic;
    statistics.chisquare_p_value = chi.pValue;
  }
  if (keys.length === 2) statistics.z_p_value = zTestDrift(ref.categories, cur.categories).pValue;
  return {
    ...result(
      cur,
      ref.n,
      finalRule,
      method,
      statistic,
      pValue,
      categoryBins(ref, cur),
      `${keys.length} categories`,
    ),
    statistics,
  };
}

function result(
  cur: FeatureProfile,
  referenceN: number,
  rule: Rule,
  method: Method,
  statistic: number,
  pValue: number | null,
  histogram: Pick<FeatureResult, 'bins' | 'referenceCounts' | 'currentCounts'>,
  note: string,
): FeatureResult {
  const drifted =
    rule.direction === 'statistic_at_least'
      ? statistic >= rule.threshold
      : pValue !== null && pValue < rule.threshold;
  return {
    feature: cur.feature,
    kind: cur.kind,
    status: drifted ? 'drifted' : 'ok',
    method,
    direction: rule.direction,
    threshold: rule.threshold,
    statistic,
    pValue,
    adjustedPValue: null,
    referenceN,
    currentN: cur.n,
    ...histogram,
    note,
  };
}

function insufficient(cur: FeatureProfile, referenceN: number, note: string): FeatureResult {
  return {
    feature: cur.feature,
    kind: cur.kind,
    status: 'insufficient_data',
    method: cur.kind === 'numeric' ? 'ks' : 'chisquare',
    direction: 'p_below',
    threshold: 0,
    statistic: null,
    pValue: null,
    adjustedPValue: null,
    referenceN,
    currentN: cur.n,
    bins: [],
    referenceCounts: [],
    currentCounts: [],
    note,
  };
}

// Both windows on the reference's bins, labelled by their edges.
function numericBins(ref: NumericProfile, cur: NumericProfile) {
  const e = ref.edges;
  const fmt = (x: number) => String(Number(x.toPrecision(6)));
  const bins =
    e.length === 0
      ? ['all']
      : e
          .map((edge, i) =>
            i === 0 ? `< ${fmt(edge)}` : `${fmt(e[i - 1] as number)} – ${fmt(edge)}`,
          )
          .concat(`>= ${fmt(e[e.length - 1] as number)}`);
  const sameBins = cur.counts.length === ref.counts.length;
  return {
    bins,
    referenceCounts: ref.counts,
    currentCounts: sameBins ? cur.counts : new Array<number>(ref.counts.length).fill(0),
  };
}

// The most frequent categories of both windows, the rest summed as "(other)".
function categoryBins(ref: CategoricalProfile, cur: CategoricalProfile) {
  const keys = [...new Set([...Object.keys(ref.categories), ...Object.keys(cur.categories)])];
  const weight = (k: string) => (ref.categories[k] ?? 0) / ref.n + (cur.categories[k] ?? 0) / cur.n;
  keys.sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
  const shown = keys.slice(0, DRAWN_CATEGORIES);
  const rest = keys.slice(DRAWN_CATEGORIES);
  const sum = (counts: Record<string, number>) => rest.reduce((a, k) => a + (counts[k] ?? 0), 0);
  return {
    bins: rest.length > 0 ? [...shown, '(other)'] : shown,
    referenceCounts: [
      ...shown.map((k) => ref.categories[k] ?? 0),
      ...(rest.length > 0 ? [sum(ref.categories)] : []),
    ],
    currentCounts: [
      ...shown.map((k) => cur.categories[k] ?? 0),
      ...(rest.length > 0 ? [sum(cur.categories)] : []),
    ],
  };
}

/**
 * Returns the largest distance between the CDFs of two quantile sketches at the same equally
 * spaced levels, each CDF the piecewise-linear inverse of its sketch (an approximate KS D).
 */
export function sketchKs(qa: readonly number[], qb: readonly number[]): number {
  const points = [...new Set([...qa, ...qb])].sort((a, b) => a - b);
  let d = 0;
  for (const x of points) d = Math.max(d, Math.abs(sketchCdf(qa, x) - sketchCdf(qb, x)));
  return d;
}
