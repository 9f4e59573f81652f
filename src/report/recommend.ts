// Recommendations: each made by one rule from the evidence, with a quantified expected effect and
// the figures to watch. A rule whose evidence is missing or does not hold says nothing. Pure.
import type { ReportEvidence } from './evidence';
import {
  BATCH_SIZES,
  type LatencyLine,
  latencyLine,
  lineText,
  predictedThroughputRps,
} from './fit';
import { msText, percentText, rpsText } from './format';
import { throughputVerdict } from './summary';
import { REPORT_THRESHOLDS } from './thresholds';

/** A number a recommendation rests on or predicts, with where it came from. */
export interface SourcedFigure {
  name: string;
  value: number | null;
  source: string;
}

/** One recommendation: what to do, why, what it should change, and what to watch. */
export interface Recommendation {
  kind: 'batching' | 'autoscaling' | 'caching' | 'retraining';
  title: string;
  because: string;
  action: string;
  expectedEffect: string;
  figures: SourcedFigure[];
  /** Figures (by their API names) that show whether it worked. */
  watch: string[];
}

/** What the batching rule computed: the line, the predictions at B = 5…10 and the size chosen. */
export interface BatchingPlan {
  line: LatencyLine;
  inFlight: number;
  predictions: { batchSize: number; throughputRps: number }[];
  /** max(throughput target, peak offered). */
  goalRps: number;
  batchSize: number;
  capacityRps: number;
  currentRps: number;
  /** capacityRps / currentRps, null when nothing was served. */
  expectedGain: number | null;
}

const TARGETS = 'targets (report configuration)';

/** Decides whether served throughput fell short: its verdict is breached, or it served under its share of the offered load. */
export function throughputShort(evidence: ReportEvidence): boolean {
  const served = evidence.current.throughputRps.value;
  const offered = evidence.current.offeredRps.value;
  if (served === null) return false;
  const { verdict } = throughputVerdict(served, offered, evidence.targets.throughputRps ?? null);
  if (verdict === 'breached') return true;
  return offered !== null && served < REPORT_THRESHOLDS.summary.servedShareOfOffered * offered;
}

/** Returns the batching plan when throughput falls short, batches are small and batching predicts a gain; else null. */
export function planBatching(evidence: ReportEvidence): BatchingPlan | null {
  const { current, targets, batching } = evidence;
  const line = latencyLine(batching);
  const served = current.throughputRps.value;
  const meanBatch = current.batchSizeMean.value;
  if (line === null || batching.inFlight <= 0 || served === null || meanBatch === null) return null;
  if (meanBatch >= REPORT_THRESHOLDS.batching.maxMeanBatchSize || !throughputShort(evidence))
    return null;
  const predictions = BATCH_SIZES.map((b) => ({
    batchSize: b,
    throughputRps: predictedThroughputRps(line, batching.inFlight, b),
  }));
  const goalRps = Math.max(
    targets.throughputRps ?? 0,
    current.peakOfferedRps.value ?? current.offeredRps.value ?? 0,
  );
  const chosen =
    predictions.find((p) => p.throughputRps >= goalRps) ??
    (predictions[predictions.length - 1] as (typeof predictions)[number]);
  // Evidence first: a line that predicts no more than is served now does not support batching.
  if (chosen.throughputRps <= served) return null;
  return {
    line,
    inFlight: batching.inFlight,
    predictions,
    goalRps,
    batchSize: chosen.batchSize,
    capacityRps: chosen.throughputRps,
    currentRps: served,
    expectedGain: served > 0 ? chosen.throughputRps / served : null,
  };
}

/** Returns the batching recommendation of `plan`. */
export function batchingRecommendation(
  plan: BatchingPlan,
  evidence: ReportEvidence,
): Recommendation {
  const { current, targets } = evidence;
  const formula = `${plan.inFlight}·B·1000 / (${lineText(plan.line.fixedMs, plan.line.perItemMs).replace('latency(B) = ', '').replace(' ms', '')}); ${plan.line.source}`;
  const reaches = plan.capacityRps >= plan.goalRps;
  return {
    kind: 'batching',
    title: `Batch requests: B = ${plan.batchSize}`,
    because: `${rpsText(plan.currentRps)} requests/s served ${targets.throughputRps === undefined ? 'with no throughput target' : `against a target of ${rpsText(targets.throughputRps)}`} (${rpsText(current.offeredRps.value)} offered, busiest minute ${rpsText(current.peakOfferedRps.value)}) with batches of ${rpsText(current.batchSizeMean.value)} on average.`,
    action: `Set the sidecar's maximum batch size to ${plan.batchSize}${reaches ? `, the smallest of ${BATCH_SIZES[0]}–${BATCH_SIZES[BATCH_SIZES.length - 1]} predicted to reach ${rpsText(plan.goalRps)} requests/s` : `; no size up to ${plan.batchSize} is predicted to reach ${rpsText(plan.goalRps)} requests/s, so add capacity too`}.`,
    expectedEffect: `Predicted capacity ${rpsText(plan.capacityRps)} requests/s at B = ${plan.batchSize}${plan.expectedGain === null ? '' : ` (${rpsText(plan.expectedGain)}× the ${rpsText(plan.currentRps)} served now)`}, from ${lineText(plan.line.fixedMs, plan.line.perItemMs)} (${plan.line.origin}). At B = ${plan.predictions.map((p) => `${p.batchSize}: ${rpsText(p.throughputRps)}`).join(', ')} requests/s.`,
    figures: [
      { name: 'throughput_rps', value: plan.currentRps, source: current.throughputRps.source },
      { name: 'throughput_target_rps', value: targets.throughputRps ?? null, source: TARGETS },
      {
        name: 'peak_offered_rps',
        value: current.peakOfferedRps.value,
        source: current.peakOfferedRps.source,
      },
      {
        name: 'batch_size_mean',
        value: current.batchSizeMean.value,
        source: current.batchSizeMean.source,
      },
      { name: 'fixed_ms', value: plan.line.fixedMs, source: plan.line.source },
      { name: 'per_item_ms', value: plan.line.perItemMs, source: plan.line.source },
      {
        name: 'in_flight',
        value: plan.inFlight,
        source: 'batching.inFlight (sidecar max_in_flight)',
      },
      ...plan.predictions.map((p) => ({
        name: `predicted_throughput_rps_b${p.batchSize}`,
        value: p.throughputRps,
        source: formula,
      })),
      { name: 'goal_rps', value: plan.goalRps, source: 'max(throughput target, peak offered)' },
      {
        name: 'expected_gain',
        value: plan.expectedGain,
        source: `predicted at B = ${plan.batchSize} / served now`,
      },
    ],
    watch: ['throughput_rps', 'batch_size_mean'],
  };
}

/** Returns the autoscaling recommendation when TTFT is over target and mostly queueing; else null. */
export function recommendAutoscaling(
  evidence: ReportEvidence,
  plan: BatchingPlan | null,
): Recommendation | null {
  const { current, targets } = evidence;
  const ttft = current.ttftMeanMs.value;
  const queue = current.queueMeanMs.value;
  const target = targets.ttftMeanMs;
  if (ttft === null || queue === null || target === undefined || ttft <= target) return null;
  if (queue < REPORT_THRESHOLDS.autoscaling.queueShareOfTtft * ttft) return null;
  const capacity = plan !== null ? plan.capacityRps : current.throughputRps.value;
  const peakFigure =
    current.peakOfferedRps.value !== null ? current.peakOfferedRps : current.offeredRps;
  const peak = peakFigure.value;
  if (capacity === null || capacity <= 0 || peak === null) return null;
  const replicas = Math.max(1, Math.ceil(peak / capacity));
  const expected = Math.max(0, ttft - queue);
  const capacitySource =
    plan !== null
      ? `predicted capacity at B = ${plan.batchSize} (${plan.line.source})`
      : current.throughputRps.source;
  const scale = Math.max(ttft, target);
  return {
    kind: 'autoscaling',
    title: `Scale on queue time: ${replicas} replica${replicas === 1 ? '' : 's'} at peak`,
    because: `TTFT averaged ${msText(ttft, scale)} against ${msText(target, scale)}, ${msText(queue, scale)} of it (${percentText(queue / ttft)}) waiting in the queue.`,
    action: `Autoscale on queue_ms_p95, sized for the busiest minute: ceil(${rpsText(peak)} / ${rpsText(capacity)}) = ${replicas} replica${replicas === 1 ? '' : 's'} at ${rpsText(capacity)} requests/s each (${plan !== null ? `with batching at B = ${plan.batchSize}` : 'as served now'})${replicas === 1 ? '; one replica covers the peak, so scale out only when the queue grows again' : ''}.`,
    expectedEffect: `TTFT mean ≈ ${msText(expected, scale)} (${msText(ttft, scale)} − ${msText(queue, scale)} of queueing) once nothing waits.`,
    figures: [
      { name: 'ttft_ms_mean', value: ttft, source: current.ttftMeanMs.source },
      { name: 'ttft_target_ms', value: target, source: TARGETS },
      { name: 'queue_ms_mean', value: queue, source: current.queueMeanMs.source },
      { name: 'peak_offered_rps', value: peak, source: peakFigure.source },
      { name: 'capacity_per_replica_rps', value: capacity, source: capacitySource },
      { name: 'replicas', value: replicas, source: 'ceil(peak offered / capacity per replica)' },
      { name: 'expected_ttft_ms_mean', value: expected, source: 'TTFT mean − queue mean' },
    ],
    watch: ['ttft_ms_mean', 'queue_ms_p95'],
  };
}

/** Returns the caching recommendation when enough requests repeat a prompt; else null. */
export function recommendCaching(evidence: ReportEvidence): Recommendation | null {
  const { cache, ttftMeanMs, requests } = evidence.current;
  const repeat = cache.repeatRate.value;
  if (repeat === null || requests === 0) return null;
  // Repeats the cache already answers are in the TTFT mean already: only the others count.
  const answered = cache.hits / requests;
  const uncached = Math.max(0, repeat - answered);
  if (uncached < REPORT_THRESHOLDS.caching.minRepeatRate) return null;
  const hit = cache.hitTtftMeanMs.value;
  const miss = cache.missTtftMeanMs.value;
  const measured = hit !== null && miss !== null;
  const basis = measured ? miss - hit : ttftMeanMs.value;
  if (basis === null) return null;
  const saving = uncached * basis;
  const how = measured
    ? `uncached repeats × (miss TTFT ${msText(miss)} − hit TTFT ${msText(hit)})`
    : `uncached repeats × TTFT mean ${msText(ttftMeanMs.value)} (hit and miss TTFT not both measured: an upper bound, as if a hit cost nothing)`;
  return {
    kind: 'caching',
    title: 'Cache repeated prompts',
    because: `${percentText(repeat)} of requests repeated a prompt already seen in the window; the cache answered ${percentText(answered)}, leaving ${percentText(uncached)} (cache hit rate ${percentText(cache.hitRate.value)}).`,
    action:
      'Enable or widen the sidecar response cache (keyed by model version) for repeated prompts.',
    expectedEffect: `TTFT mean lower by about ${msText(saving)}: ${how}.`,
    figures: [
      { name: 'repeat_rate', value: repeat, source: cache.repeatRate.source },
      {
        name: 'uncached_repeat_rate',
        value: uncached,
        source: 'repeat rate − cache hits / requests',
      },
      { name: 'cache_hit_rate', value: cache.hitRate.value, source: cache.hitRate.source },
      { name: 'hit_ttft_ms_mean', value: hit, source: cache.hitTtftMeanMs.source },
      { name: 'miss_ttft_ms_mean', value: miss, source: cache.missTtftMeanMs.source },
      { name: 'ttft_ms_mean', value: ttftMeanMs.value, source: ttftMeanMs.source },
      {
        name: 'expected_ttft_saving_ms',
        value: saving,
        source: measured
          ? 'uncached repeat rate × (miss TTFT − hit TTFT)'
          : 'uncached repeat rate × TTFT mean (upper bound)',
      },
    ],
    watch: ['cache_hit_rate', 'ttft_ms_mean'],
  };
}

/** Returns the retraining recommendation when the latest drift report found dataset drift; else null. */
export function recommendRetraining(evidence: ReportEvidence): Recommendation | null {
  const latest = evidence.drift[0];
  if (latest === undefined || !latest.datasetDrift) return null;
  const source = `drift_reports: ${latest.reportId}`;
  return {
    kind: 'retraining',
    title: 'Retrain on recent data',
    because: `Drift report ${latest.reportId} found dataset drift: ${latest.drifted} of ${latest.features} features drifted (share ${percentText(latest.driftShare)} ≥ threshold ${percentText(latest.shareThreshold)}).`,
    action:
      'Retrain (or trigger the retraining pipeline) on data from the drifted window, and refresh the reference profile after deploying.',
    expectedEffect: `The next drift report's share falls back under ${percentText(latest.shareThreshold)}, and accuracy holds or recovers.`,
    figures: [
      { name: 'drifted_features', value: latest.drifted, source },
      { name: 'features', value: latest.features, source },
      { name: 'drift_share', value: latest.driftShare, source },
      { name: 'share_threshold', value: latest.shareThreshold, source },
    ],
    watch: ['accuracy', 'drift_share (next drift report)'],
  };
}

/** Returns every recommendation the evidence supports, in order: batching, autoscaling, caching, retraining. */
export function buildRecommendations(evidence: ReportEvidence): Recommendation[] {
  const plan = planBatching(evidence);
  return [
    plan === null ? null : batchingRecommendation(plan, evidence),
    recommendAutoscaling(evidence, plan),
    recommendCaching(evidence),
    recommendRetraining(evidence),
  ].filter((r): r is Recommendation => r !== null);
}
