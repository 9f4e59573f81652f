// The insight report as Markdown that reads well on GitHub: a heading per part, a table for the
// summary and one for the risks, recommendations as short sections. Strings from data are
// escaped so a name cannot break a table or inject markup. Pure.

import {
  figureText,
  metricChangeText,
  metricTargetText,
  metricValueText,
  percentText,
  rpsText,
  timeText,
  VERDICT_TEXT,
} from './format';
import type { InsightReport } from './insight';
import type { Recommendation } from './recommend';
import type { Risk } from './risks';

/** Returns `text` safe in Markdown prose and table cells: no raw HTML, no cell breaks, one line. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

const VERDICT_MARK = { met: '✅', breached: '❌', not_measured: '➖', no_target: '➖' } as const;
const LIKELIHOOD_MARK = { High: '🔴', Medium: '🟠', Low: '🟢', 'Not measured': '⚪' } as const;

/** Returns the report as GitHub-flavoured Markdown. */
export function renderInsightMarkdown(report: InsightReport): string {
  const e = escapeMarkdown;
  const { summary } = report;
  const offered = summary.offeredRps.value;
  const lines = [
    `# Insight report: ${e(report.model)}`,
    '',
    `Window ${timeText(report.window.fromMs)} – ${timeText(report.window.toMs)} · versions ${report.versions.length > 0 ? report.versions.map(e).join(', ') : 'none'} · generated ${timeText(report.generatedAtMs)}`,
    '',
    '## Executive summary',
    '',
    e(summary.paragraph),
    '',
    '| Figure | Value | Target | Verdict | Change vs previous window |',
    '| --- | ---: | ---: | --- | ---: |',
    ...summary.metrics.map((m) => {
      const value =
        m.key === 'throughput_rps' && offered !== null
          ? `${metricValueText(m)} of ${rpsText(offered)} offered`
          : metricValueText(m);
      const verdict = `${VERDICT_MARK[m.verdict]} ${VERDICT_TEXT[m.verdict]}${m.note === null ? '' : ` (${e(m.note)})`}`;
      return `| ${m.label} | ${value} | ${metricTargetText(m)} | ${verdict} | ${metricChangeText(m)} |`;
    }),
    '',
    summary.slosBreached.length === 0
      ? summary.slosEvaluated === 0
        ? 'SLOs: none evaluated.'
        : `SLOs: all ${summary.slosEvaluated} met.`
      : `SLOs breached: ${summary.slosBreached
          .map(
            (s) =>
              `**${e(s.name)}** (SLI ${figureText(s.sli)} against ${figureText(s.objective)}, budget left ${percentText(s.budgetRemaining)})`,
          )
          .join('; ')}.`,
    '',
    '## Recommendations',
    '',
    ...(report.recommendations.length === 0
      ? ['None: nothing in this window’s evidence calls for a change.', '']
      : report.recommendations.flatMap(recommendation)),
    '## Risks',
    '',
    '| Risk | Likelihood | Impact | Mitigation | Evidence |',
    '| --- | --- | --- | --- | --- |',
    ...report.risks.map(riskRow),
    '',
  ];
  return lines.join('\n');
}

function recommendation(r: Recommendation, i: number): string[] {
  const e = escapeMarkdown;
  return [
    `### ${i + 1}. ${e(r.title)}`,
    '',
    `- **Why:** ${e(r.because)}`,
    `- **Do:** ${e(r.action)}`,
    `- **Expected effect:** ${e(r.expectedEffect)}`,
    `- **Watch:** ${r.watch.map((w) => `\`${w}\``).join(', ')}`,
    '',
  ];
}

function riskRow(r: Risk): string {
  const e = escapeMarkdown;
  const evidence = r.signals
    .map(
      (s) => `${s.name} ${s.value === null ? 'not measured' : figureText(s.value)} (${s.rating})`,
    )
    .join('; ');
  return `| ${r.title} | ${LIKELIHOOD_MARK[r.likelihood]} ${r.likelihood} | ${e(r.impact)} | ${e(r.mitigation)} | ${e(evidence)} |`;
}
