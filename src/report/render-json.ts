// The insight report on the wire: snake_case keys, ISO-8601 times, every figure with the source it
// came from (a table, a query, the report's targets, or the fit or profile a prediction used),
// like the drift report's JSON (src/drift/report-json.ts). Pure.
import type { InsightReport } from './insight';
import type { Likelihood } from './risks';

const iso = (ms: number) => new Date(ms).toISOString();

const LIKELIHOOD: Record<Likelihood, 'low' | 'medium' | 'high' | 'not_measured'> = {
  Low: 'low',
  Medium: 'medium',
  High: 'high',
  'Not measured': 'not_measured',
};

const TARGETS_SOURCE = 'targets (report configuration)';

/** Returns the JSON of an insight report. */
export function insightJson(report: InsightReport) {
  const { summary, targets } = report;
  return {
    model: report.model,
    generated_at: iso(report.generatedAtMs),
    window: { from: iso(report.window.fromMs), to: iso(report.window.toMs) },
    previous_window:
      report.previousWindow === null
        ? null
        : { from: iso(report.previousWindow.fromMs), to: iso(report.previousWindow.toMs) },
    versions: report.versions,
    targets: {
      throughput_rps: targets.throughputRps ?? null,
      ttft_ms_mean: targets.ttftMeanMs ?? null,
      ttft_ms_p95: targets.ttftP95Ms ?? null,
      accuracy: targets.accuracy ?? null,
      coherence: targets.coherence ?? null,
    },
    summary: {
      paragraph: summary.paragraph,
      figures: summary.metrics.map((m) => ({
        name: m.key,
        label: m.label,
        unit: m.unit,
        value: m.value.value,
        source: m.value.source,
        target: m.target,
        target_source: m.target === null ? null : TARGETS_SOURCE,
        direction: m.bound === 'min' ? 'at_least' : 'at_most',
        verdict: m.verdict,
        previous: m.previous,
        change: m.change,
        change_relative: m.changeRelative,
        note: m.note,
      })),
      offered_rps: { value: summary.offeredRps.value, source: summary.offeredRps.source },
      peak_offered_rps: {
        value: summary.peakOfferedRps.value,
        source: summary.peakOfferedRps.source,
      },
      slos_evaluated: summary.slosEvaluated,
      slos_breached: summary.slosBreached.map((s) => ({
        name: s.name,
        objective: s.objective,
        sli: s.sli,
        budget_remaining: s.budgetRemaining,
        burn_rate: s.burnRate,
        evaluated_at: iso(s.evaluatedAtMs),
        source: 'slo_status: latest evaluation',
      })),
    },
    recommendations: report.recommendations.map((r) => ({
      kind: r.kind,
      title: r.title,
      because: r.because,
      action: r.action,
      expected_effect: r.expectedEffect,
      figures: r.figures.map((f) => ({ name: f.name, value: f.value, source: f.source })),
      watch: r.watch,
    })),
    risks: report.risks.map((r) => ({
      name: r.key,
      title: r.title,
      likelihood: LIKELIHOOD[r.likelihood],
      impact: r.impact,
      mitigation: r.mitigation,
      evidence: r.signals.map((s) => ({
        name: s.name,
        value: s.value,
        source: s.source,
        thresholds: s.thresholds,
        rating: LIKELIHOOD[s.rating],
      })),
    })),
    series: {
      step_seconds: report.series.stepSeconds,
      source: report.series.source,
      points: report.series.points.map((p) => ({
        start: iso(p.startMs),
        offered_rps: p.offeredRps,
        throughput_rps: p.throughputRps,
        ttft_ms_mean: p.ttftMeanMs,
      })),
    },
  };
}

/** The JSON of one insight report. */
export type InsightJson = ReturnType<typeof insightJson>;
