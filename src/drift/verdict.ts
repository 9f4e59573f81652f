// A drift run's verdict from its feature results: the optional Benjamini-Hochberg correction
// across the features judged by a p-value, and dataset drift when the share of drifted
// features reaches the monitor's threshold. Pure.
import type { FeatureResult } from './compare';
import type { DriftMonitor } from './config';
import { benjaminiHochberg } from './stats/multiple-testing';

/** The verdict of one run over its features. */
export interface DriftVerdict {
  features: FeatureResult[];
  /** Features judged: every feature but those with insufficient data. */
  judged: number;
  drifted: number;
  insufficient: number;
  /** drifted / judged; 0 when nothing could be judged. */
  driftShare: number;
  shareThreshold: number;
  datasetDrift: boolean;
  correction: DriftMonitor['correction'];
}

/** Returns the run's verdict: corrected p-values (if asked), drifted share, dataset drift. */
export function driftVerdict(
  results: readonly FeatureResult[],
  monitor: Pick<DriftMonitor, 'driftShare' | 'correction'>,
): DriftVerdict {
  const features = monitor.correction === 'benjamini-hochberg' ? corrected(results) : [...results];
  const judged = features.filter((f) => f.status !== 'insufficient_data').length;
  const drifted = features.filter((f) => f.status === 'drifted').length;
  const driftShare = judged === 0 ? 0 : drifted / judged;
  return {
    features,
    judged,
    drifted,
    insufficient: features.length - judged,
    driftShare,
    shareThreshold: monitor.driftShare,
    datasetDrift: judged > 0 && driftShare >= monitor.driftShare,
    correction: monitor.correction,
  };
}

// Features judged by a p-value are re-judged on their BH-adjusted p-values; the others keep
// their verdicts (a distance has no p-value to correct).
function corrected(results: readonly FeatureResult[]): FeatureResult[] {
  const tested = results.filter((r) => r.status !== 'insufficient_data' && r.pValue !== null);
  if (tested.length === 0) return [...results];
  const adjusted = benjaminiHochberg(tested.map((r) => r.pValue as number));
  const byFeature = new Map(tested.map((r, i) => [r.feature, adjusted[i] as number]));
  return results.map((r) => {
    const p = byFeature.get(r.feature);
    if (p === undefined) return r;
    return { ...r, adjustedPValue: p, status: p < r.threshold ? 'drifted' : 'ok' };
  });
}
