// The executive summary: the headline figures against their targets, their change against the
// previous window, the SLOs breached, and one paragraph saying it in words. Pure.
import type { Figure, ReportEvidence, SloEvidence, WindowFigures } from './evidence';
import { figureText, msText, percentText, rpsText } from './format';
import { REPORT_THRESHOLDS } from './thresholds';

/** How a figure stands against its target. */
export type Verdict = 'met' | 'breached' | 'not_measured' | 'no_target';

/** The summary's figures, by the names the API and the watch lists use. */
export type SummaryKey =
  | 'accuracy'
  | 'coherence'
  | 'throughput_rps'
  | 'ttft_ms_mean'
  | 'ttft_ms_p95';

/** One headline figure with its target, verdict and change against the previous window. */
export interface SummaryMetric {
  key: SummaryKey;
  label: string;
  unit: 'score' | 'rps' | 'ms';
  value: Figure;
  target: number | null;
  /** 'min': the figure should reach the target; 'max': it should stay at or under it. */
  bound: 'min' | 'max';
  verdict: Verdict;
  previous: number | null;
  /** current − previous, and that over previous; null without a previous figure (or it is 0). */
  change: number | null;
  changeRelative: number | null;
  /** Why a verdict is not the plain comparison (e.g. a demand-limited window), else null. */
  note: string | null;
}

/** The executive summary of a report. */
export interface Summary {
  metrics: SummaryMetric[];
  offeredRps: Figure;
  peakOfferedRps: Figure;
  slosBreached: SloEvidence[];
  slosEvaluated: number;
  paragraph: string;
}

/** Decides a figure's verdict: not measured without a value, no target without one, else met/breached. */
export function verdictOf(
  value: number | null,
  target: number | null,
  bound: 'min' | 'max',
): Verdict {
  if (value === null) return 'not_measured';
  if (target === null) return 'no_target';
  return (bound === 'min' ? value >= target : value <= target) ? 'met' : 'breached';
}

/** Returns current − previous and its relative size; nulls when either is missing (relative: or previous is 0). */
export function changeOf(
  current: number | null,
  previous: number | null,
): { change: number | null; changeRelative: number | null } {
  if (current === null || previous === null) return { change: null, changeRelative: null };
  const change = current - previous;
  return { change, changeRelative: previous === 0 ? null : change / previous };
}

/** Returns the throughput verdict: under target is met only when less was offered and (almost) all of it served. */
export function throughputVerdict(
  served: number | null,
  offered: number | null,
  target: number | null,
): { verdict: Verdict; note: string | null } {
  const verdict = verdictOf(served, target, 'min');
  if (target === null) return { verdict, note: null };
  const share = REPORT_THRESHOLDS.summary.servedShareOfOffered;
  if (
    verdict === 'breached' &&
    served !== null &&
    offered !== null &&
    offered < target &&
    served >= share * offered
  ) {
    return {
      verdict: 'met',
      note: `demand-limited: ${rpsText(offered)} requests/s offered, under the target, and ${percentText(offered > 0 ? served / offered : 1)} of it served`,
    };
  }
  return { verdict, note: null };
}

type Spec = Pick<SummaryMetric, 'key' | 'label' | 'unit' | 'bound' | 'target'> & {
  pick: (w: WindowFigures) => Figure;
};

/** Returns the executive summary of `evidence`. */
export function buildSummary(evidence: ReportEvidence): Summary {
  const { current, previous, targets } = evidence;
  const specs: Spec[] = [
    {
      key: 'throughput_rps',
      label: 'Throughput (served)',
      unit: 'rps',
      bound: 'min',
      target: targets.throughputRps ?? null,
      pick: (w) => w.throughputRps,
    },
    {
      key: 'ttft_ms_mean',
      label: 'TTFT mean',
      unit: 'ms',
      bound: 'max',
      target: targets.ttftMeanMs ?? null,
      pick: (w) => w.ttftMeanMs,
    },
    {
      key: 'ttft_ms_p95',
      label: 'TTFT p95',
      unit: 'ms',
      bound: 'max',
      target: targets.ttftP95Ms ?? null,
      pick: (w) => w.ttftP95Ms,
    },
    {
      key: 'accuracy',
      label: 'Accuracy',
      unit: 'score',
      bound: 'min',
      target: targets.accuracy ?? null,
      pick: (w) => w.accuracy,
    },
    {
      key: 'coherence',
      label: 'Coherence',
      unit: 'score',
      bound: 'min',
      target: targets.coherence ?? null,
      pick: (w) => w.coherence,
    },
  ];
  const metrics = specs.map(({ pick, ...spec }): SummaryMetric => {
    const value = pick(current);
    const before = previous === null ? null : pick(previous).value;
    const judged =
      spec.key === 'throughput_rps'
        ? throughputVerdict(value.value, current.offeredRps.value, spec.target)
        : { verdict: verdictOf(value.value, spec.target, spec.bound), note: null };
    return { ...spec, value, previous: before, ...changeOf(value.value, before), ...judged };
  });
  const slosBreached = evidence.slos.filter((s) => s.breached);
  return {
    metrics,
    offeredRps: current.offeredRps,
    peakOfferedRps: current.peakOfferedRps,
    slosBreached,
    slosEvaluated: evidence.slos.length,
    paragraph: paragraph(evidence, metrics, slosBreached),
  };
}

/** Returns the summary figure named `key` (every summary has all five). */
export function metricOf(summary: Summary, key: SummaryKey): SummaryMetric {
  return summary.metrics.find((m) => m.key === key) as SummaryMetric;
}

// The summary in words: throughput against demand and target, TTFT against its target, scores,
// the trend against the previous window, and the SLOs breached.
function paragraph(
  evidence: ReportEvidence,
  metrics: SummaryMetric[],
  slos: SloEvidence[],
): string {
  const get = (key: SummaryKey) => metricOf({ metrics } as Summary, key);
  const tp = get('throughput_rps');
  const mean = get('ttft_ms_mean');
  const p95 = get('ttft_ms_p95');
  const offered = evidence.current.offeredRps.value;
  const peak = evidence.current.peakOfferedRps.value;
  const parts: string[] = [];

  if (tp.value.value === null) {
    parts.push(`${evidence.model} served no measured requests in the window.`);
  } else {
    const of = offered === null ? '' : ` of the ${rpsText(offered)} offered`;
    const peakText = peak === null ? '' : `, busiest minute ${rpsText(peak)}/s`;
    const verdict =
      tp.verdict === 'breached'
        ? ', short of its target'
        : tp.note !== null
          ? ', all the demand there was'
          : '';
    const inBrackets = [tp.target === null ? '' : `target ${rpsText(tp.target)}`, peakText.slice(2)]
      .filter((t) => t !== '')
      .join(', ');
    parts.push(
      `${evidence.model} served ${rpsText(tp.value.value)} requests/s${of}${inBrackets === '' ? '' : ` (${inBrackets})`}${verdict}.`,
    );
  }
  if (mean.value.value !== null) {
    const scale = Math.max(mean.value.value, mean.target ?? 0);
    const p95Text =
      p95.value.value === null
        ? ''
        : `, p95 ${msText(p95.value.value, scale)}${p95.target !== null ? ` against ${msText(p95.target, scale)}` : ''}`;
    const against = mean.target === null ? '' : ` against ${msText(mean.target, scale)}`;
    const verdictText =
      mean.verdict === 'breached'
        ? ' — over target'
        : mean.verdict === 'met'
          ? ' — within target'
          : '';
    parts.push(
      `TTFT averaged ${msText(mean.value.value, scale)}${against}${p95Text}${verdictText}.`,
    );
  } else {
    parts.push('TTFT was not measured.');
  }
  const scores = (['accuracy', 'coherence'] as const)
    .map(get)
    .filter((m) => m.value.value !== null);
  if (scores.length > 0) {
    const said = scores.map(
      (m) =>
        `${m.label.toLowerCase()} ${figureText(m.value.value)}${m.target === null ? '' : ` (target ${figureText(m.target)}, ${m.verdict})`}`,
    );
    parts.push(`Scores: ${said.join(', ')}.`);
  }
  const trends = [tp, mean]
    .filter((m) => m.changeRelative !== null)
    .map(
      (m) =>
        `${m.key === 'throughput_rps' ? 'throughput' : m.label} ${(m.changeRelative as number) >= 0 ? 'up' : 'down'} ${percentText(Math.abs(m.changeRelative as number))}`,
    );
  if (trends.length > 0) parts.push(`Against the previous window: ${trends.join(', ')}.`);
  if (evidence.slos.length === 0) parts.push('No SLO was evaluated.');
  else if (slos.length === 0)
    parts.push(
      evidence.slos.length === 1 ? 'Its one SLO was met.' : `All ${evidence.slos.length} SLOs met.`,
    );
  else parts.push(`SLOs breached: ${slos.map((s) => s.name).join(', ')}.`);
  return parts.join(' ');
}
