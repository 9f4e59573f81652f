// The whole insight report computed from its evidence: what every renderer (JSON, Markdown,
// Slack, HTML) takes. Pure.
import type { ReportEvidence, ReportTargets } from './evidence';
import { buildRecommendations, type Recommendation } from './recommend';
import { buildRisks, type Risk } from './risks';
import { buildSummary, type Summary } from './summary';

/** One insight report: summary, recommendations, risks, and what the charts draw. */
export interface InsightReport {
  model: string;
  generatedAtMs: number;
  window: { fromMs: number; toMs: number };
  previousWindow: { fromMs: number; toMs: number } | null;
  versions: string[];
  targets: ReportTargets;
  summary: Summary;
  recommendations: Recommendation[];
  risks: Risk[];
  series: ReportEvidence['series'];
}

/** Returns the insight report of `evidence`. */
export function buildInsight(evidence: ReportEvidence): InsightReport {
  const { current, previous } = evidence;
  return {
    model: evidence.model,
    generatedAtMs: evidence.generatedAtMs,
    window: { fromMs: current.fromMs, toMs: current.toMs },
    previousWindow: previous === null ? null : { fromMs: previous.fromMs, toMs: previous.toMs },
    versions: current.versions,
    targets: evidence.targets,
    summary: buildSummary(evidence),
    recommendations: buildRecommendations(evidence),
    risks: buildRisks(evidence),
    series: evidence.series,
  };
}
