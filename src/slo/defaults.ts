// The SLOs every model seen gets when the configuration has none (issue 4): TTFT p95 <= 800 ms,
// throughput >= 10 rps, accuracy >= 0.85, coherence >= 0.90, availability 99 %.
import { DEFAULT_THRESHOLDS } from './default-thresholds';
import { defaultMinEvents, type Sli, type SloSpec } from './spec';

/** Objective of the default SLOs: 99 % of events, or of slices. */
export const DEFAULT_OBJECTIVE = 0.99;

/**
 * Returns the default SLOs of `model` (a model name, or '*' for every model seen).
 * The per-slice ones judge 1-minute slices for request metrics and 5-minute slices for score
 * means (evaluators often score a sample, so a minute may hold too few scores to judge);
 * 99 % of slices good over a rolling 30 days leaves 7.2 hours of bad slices per window.
 */
export function defaultSlos(model: string): SloSpec[] {
  const slo = (name: string, description: string, sli: Sli): SloSpec => ({
    name,
    model,
    description,
    sli,
    objective: DEFAULT_OBJECTIVE,
    window: { kind: 'rolling', days: 30 },
    budgeting: sli.kind === 'timeslice' ? 'timeslices' : 'occurrences',
    alerting: { minEvents: defaultMinEvents(sli), page: true, ticket: true },
  });
  const slice = (
    metric: 'throughput_rps' | 'ttft_p95_ms' | 'score_mean',
    op: '>=' | '<=',
    threshold: number,
    sliceMinutes: number,
    score?: string,
  ): Sli => ({
    kind: 'timeslice',
    metric,
    ...(score === undefined ? {} : { score }),
    op,
    threshold,
    sliceMinutes,
  });
  return [
    slo(
      'ttft_p95',
      'TTFT p95 at most 800 ms in 99 % of minutes',
      slice('ttft_p95_ms', '<=', DEFAULT_THRESHOLDS.ttftP95Ms, 1),
    ),
    slo(
      'throughput',
      'At least 10 requests/s in 99 % of minutes',
      slice('throughput_rps', '>=', DEFAULT_THRESHOLDS.throughputRps, 1),
    ),
    slo(
      'accuracy',
      'Mean accuracy at least 0.85 in 99 % of 5-minute slices',
      slice('score_mean', '>=', DEFAULT_THRESHOLDS.accuracy, 5, 'accuracy'),
    ),
    slo(
      'coherence',
      'Mean coherence at least 0.90 in 99 % of 5-minute slices',
      slice('score_mean', '>=', DEFAULT_THRESHOLDS.coherence, 5, 'coherence'),
    ),
    slo('availability', '99 % of requests without error', { kind: 'availability' }),
  ];
}
