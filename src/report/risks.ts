// The risk table: always three rows (GPU over-subscription, caching inconsistency, model drift),
// each rated Low/Medium/High from measured figures against REPORT_THRESHOLDS.risks, or "Not
// measured" when its evidence is absent, with the figures behind the rating. Pure.
import type { ReportEvidence } from './evidence';
import { percentText } from './format';
import { REPORT_THRESHOLDS } from './thresholds';

/** How likely a risk is, from its evidence. */
export type Likelihood = 'Low' | 'Medium' | 'High' | 'Not measured';

/** One figure behind a risk rating: its value, source, the thresholds and what it alone rates. */
export interface RiskSignal {
  name: string;
  value: number | null;
  source: string;
  /** e.g. "Medium ≥ 0.01, High ≥ 0.05". */
  thresholds: string;
  rating: Likelihood;
}

/** One row of the risk table. */
export interface Risk {
  key: 'gpu_oversubscription' | 'caching_inconsistency' | 'model_drift';
  title: string;
  likelihood: Likelihood;
  impact: string;
  mitigation: string;
  signals: RiskSignal[];
}

const ORDER: Likelihood[] = ['Not measured', 'Low', 'Medium', 'High'];

/** Returns the highest of `ratings` ("Not measured" only when every one is). */
export function worstOf(ratings: Likelihood[]): Likelihood {
  return ratings.reduce<Likelihood>(
    (a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a),
    'Not measured',
  );
}

/** Rates `value` against a medium/high pair: at or above high is High, at or above medium Medium. */
export function rate(value: number | null, t: { medium: number; high: number }): Likelihood {
  if (value === null || Number.isNaN(value)) return 'Not measured';
  if (value >= t.high) return 'High';
  if (value >= t.medium) return 'Medium';
  return 'Low';
}

function signal(
  name: string,
  value: number | null,
  source: string,
  t: { medium: number; high: number },
): RiskSignal {
  return {
    name,
    value,
    source,
    thresholds: `Medium ≥ ${t.medium}, High ≥ ${t.high}`,
    rating: rate(value, t),
  };
}

/** Rates GPU over-subscription from shedding, rate limiting, queue p95 against the TTFT target and p99 growth. */
export function gpuOversubscriptionRisk(evidence: ReportEvidence): Risk {
  const t = REPORT_THRESHOLDS.risks.gpuOversubscription;
  const { current, previous, targets } = evidence;
  const queueP95 = current.queueP95Ms.value;
  const p99 = current.latencyP99Ms.value;
  const p99Before = previous?.latencyP99Ms.value ?? null;
  const signals = [
    signal('shed_share', current.shedShare.value, current.shedShare.source, t.shedShare),
    signal(
      'rate_limited_share',
      current.rateLimitedShare.value,
      current.rateLimitedShare.source,
      t.rateLimitedShare,
    ),
    signal(
      'queue_p95_of_ttft_target',
      queueP95 === null || targets.ttftMeanMs === undefined || targets.ttftMeanMs <= 0
        ? null
        : queueP95 / targets.ttftMeanMs,
      targets.ttftMeanMs === undefined
        ? 'no TTFT mean target configured'
        : `${current.queueP95Ms.source} / TTFT mean target ${targets.ttftMeanMs} ms`,
      t.queueP95OfTtftTarget,
    ),
    signal(
      'latency_p99_growth',
      p99 === null || p99Before === null || p99Before <= 0 ? null : (p99 - p99Before) / p99Before,
      `(p99 − previous p99) / previous p99; ${current.latencyP99Ms.source}`,
      t.latencyP99Growth,
    ),
  ];
  return {
    key: 'gpu_oversubscription',
    title: 'GPU over-subscription',
    likelihood: worstOf(signals.map((s) => s.rating)),
    impact: 'High: requests are refused (503/429) or wait past the TTFT target at peak.',
    mitigation:
      'Batch requests, autoscale on queue time, keep admission control shedding early rather than queueing.',
    signals,
  };
}

/** Rates caching inconsistency from hits across versions, the hit rate and the versions served. */
export function cachingInconsistencyRisk(evidence: ReportEvidence): Risk {
  const t = REPORT_THRESHOLDS.risks.cachingInconsistency;
  const { cache, versions } = evidence.current;
  const across = cache.hitsAcrossVersions.value;
  const hitRate = cache.hitRate.value;
  const acrossRating: Likelihood = across === null ? 'Not measured' : across > 0 ? 'High' : 'Low';
  // A cache that answered while several versions served could mix them even without a recorded
  // cross-version hit; with no lookups at all there is nothing to mix.
  const versionsRating: Likelihood =
    cache.lookups === 0 && evidence.current.requests > 0
      ? 'Low'
      : hitRate === null
        ? 'Not measured'
        : versions.length >= 2 && hitRate >= t.hitRateWithSeveralVersions
          ? 'Medium'
          : 'Low';
  const signals: RiskSignal[] = [
    {
      name: 'hits_across_versions',
      value: across,
      source: cache.hitsAcrossVersions.source,
      thresholds: 'High > 0',
      rating: acrossRating,
    },
    {
      name: 'cache_hit_rate',
      value: hitRate,
      source: `${cache.hitRate.source} (${cache.hits} of ${cache.lookups} lookups)`,
      thresholds: `Medium ≥ ${t.hitRateWithSeveralVersions} with ≥ 2 versions served`,
      rating: versionsRating,
    },
    {
      name: 'versions_served',
      value: versions.length,
      source: `versions that served requests in the window: ${versions.join(', ') || 'none'}`,
      thresholds: 'Medium with ≥ 2 (and the hit rate above)',
      rating: versionsRating,
    },
  ];
  return {
    key: 'caching_inconsistency',
    title: 'Caching inconsistency',
    likelihood: worstOf(signals.map((s) => s.rating)),
    impact:
      'Medium to High: users get answers of a model version that no longer serves, and scores mix versions.',
    mitigation:
      'Key the cache by model version, flush it on deploy, and alert on hits across versions.',
    signals,
  };
}

/** Rates model drift from the latest drift report: dataset drift High, half its threshold Medium. */
export function modelDriftRisk(evidence: ReportEvidence): Risk {
  const half = REPORT_THRESHOLDS.risks.modelDrift.shareOfThreshold;
  const latest = evidence.drift[0];
  const rating: Likelihood =
    latest === undefined
      ? 'Not measured'
      : latest.datasetDrift
        ? 'High'
        : latest.driftShare >= half * latest.shareThreshold
          ? 'Medium'
          : 'Low';
  const signals: RiskSignal[] =
    latest === undefined
      ? [
          {
            name: 'drift_share',
            value: null,
            source: 'drift_reports: none for the model',
            thresholds: `High on dataset drift, Medium ≥ ${half} × threshold`,
            rating,
          },
        ]
      : [
          {
            name: 'drift_share',
            value: latest.driftShare,
            source: `drift_reports: ${latest.reportId} (${latest.drifted} of ${latest.features} features drifted, dataset drift ${latest.datasetDrift ? 'yes' : 'no'})`,
            thresholds: `High on dataset drift (≥ ${latest.shareThreshold}), Medium ≥ ${half} × ${latest.shareThreshold}`,
            rating,
          },
        ];
  return {
    key: 'model_drift',
    title: 'Model drift',
    likelihood: rating,
    impact: `High: accuracy falls before labels show it${latest === undefined ? '' : `; the latest report judged ${percentText(latest.driftShare)} of features drifted`}.`,
    mitigation:
      'Run drift monitors on every window, retrain on drift, and refresh the reference profile after each deploy.',
    signals,
  };
}

/** Returns the three risk rows, always in the same order. */
export function buildRisks(evidence: ReportEvidence): Risk[] {
  return [
    gpuOversubscriptionRisk(evidence),
    cachingInconsistencyRisk(evidence),
    modelDriftRisk(evidence),
  ];
}
