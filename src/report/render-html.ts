// The insight report as one standalone HTML page: the summary table, the recommendations, the risk
// table, and inline-SVG charts of the window (offered against served throughput, TTFT mean against
// its target). No script, no external asset; every string from data is escaped. Pure.
import { escapeHtml, htmlPage } from '../render/html';
import { lineChartSvg } from './chart';
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

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:2rem auto;max-width:1100px;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}h3{font-size:1rem;margin:0 0 .4rem}
.meta{color:#59636e;margin:.1rem 0}.summary{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #d1d9e0;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:1em;padding:0 .6em;font-size:.85em;font-weight:600;white-space:nowrap}
.badge.met,.badge.Low{background:#dafbe1;color:#116329}.badge.breached,.badge.High{background:#ffebe9;color:#a40e26}
.badge.Medium{background:#fff8c5;color:#7d4e00}.badge.not_measured,.badge.no_target,.badge.Not-measured{background:#eaeef2;color:#59636e}
section.rec{border:1px solid #d1d9e0;border-radius:6px;padding:1rem;margin:1rem 0}section.rec p{margin:.25rem 0}
code{background:#f6f8fa;border-radius:4px;padding:0 .3em}
figure{margin:1rem 0}figcaption{font-weight:600}
.legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em;vertical-align:middle}
svg text{font:11px system-ui,sans-serif;fill:#59636e}`;

const OFFERED_COLOR = '#8c959f';
const SERVED_COLOR = '#0969da';
const TTFT_COLOR = '#8250df';
const TARGET_COLOR = '#cf222e';

/** Returns the standalone HTML page of `report`. */
export function renderInsightHtml(report: InsightReport): string {
  const e = escapeHtml;
  const { summary } = report;
  const title = `Insight report: ${report.model}, ${timeText(report.window.fromMs)} – ${timeText(report.window.toMs)}`;
  const body = `<h1>Insight report: ${e(report.model)}</h1>
<p class="meta">Window <strong>${timeText(report.window.fromMs)} – ${timeText(report.window.toMs)}</strong> · versions ${e(report.versions.join(', ') || 'none')} · generated ${timeText(report.generatedAtMs)}</p>
<h2 id="summary">Executive summary</h2>
<p class="summary">${e(summary.paragraph)}</p>
<table id="figures">
<thead><tr><th>Figure</th><th>Value</th><th>Target</th><th>Verdict</th><th>Change vs previous window</th><th>Source</th></tr></thead>
<tbody>
${summary.metrics
  .map((m) => {
    const offered =
      m.key === 'throughput_rps' && summary.offeredRps.value !== null
        ? ` of ${rpsText(summary.offeredRps.value)} offered`
        : '';
    return `<tr><td>${e(m.label)}</td><td class="num">${e(metricValueText(m) + offered)}</td><td class="num">${e(metricTargetText(m))}</td><td><span class="badge ${m.verdict}">${VERDICT_TEXT[m.verdict]}</span>${m.note === null ? '' : ` <small>${e(m.note)}</small>`}</td><td class="num">${e(metricChangeText(m))}</td><td class="meta">${e(m.value.source)}</td></tr>`;
  })
  .join('\n')}
</tbody>
</table>
<p>${
    summary.slosBreached.length === 0
      ? summary.slosEvaluated === 0
        ? 'No SLO evaluated.'
        : `All ${summary.slosEvaluated} SLOs met.`
      : `SLOs breached: ${summary.slosBreached.map((s) => `<strong>${e(s.name)}</strong> (SLI ${figureText(s.sli)} against ${figureText(s.objective)}, budget left ${percentText(s.budgetRemaining)})`).join('; ')}.`
  }</p>
${charts(report)}
<h2 id="recommendations">Recommendations</h2>
${report.recommendations.length === 0 ? '<p>None: nothing in this window’s evidence calls for a change.</p>' : report.recommendations.map(recommendation).join('\n')}
<h2 id="risks">Risks</h2>
<table id="risk-table">
<thead><tr><th>Risk</th><th>Likelihood</th><th>Impact</th><th>Mitigation</th><th>Evidence</th></tr></thead>
<tbody>
${report.risks.map(riskRow).join('\n')}
</tbody>
</table>`;
  return `${htmlPage(title, STYLE, body)}\n`;
}

function recommendation(r: Recommendation): string {
  const e = escapeHtml;
  return `<section class="rec" id="rec-${r.kind}">
<h3>${e(r.title)}</h3>
<p><strong>Why:</strong> ${e(r.because)}</p>
<p><strong>Do:</strong> ${e(r.action)}</p>
<p><strong>Expected effect:</strong> ${e(r.expectedEffect)}</p>
<p><strong>Watch:</strong> ${r.watch.map((w) => `<code>${e(w)}</code>`).join(', ')}</p>
</section>`;
}

function riskRow(r: Risk): string {
  const e = escapeHtml;
  const evidence = r.signals
    .map(
      (s) =>
        `<li>${e(s.name)}: ${s.value === null ? 'not measured' : figureText(s.value)} — ${e(s.rating)} <small class="meta">(${e(s.thresholds)}; ${e(s.source)})</small></li>`,
    )
    .join('');
  return `<tr><td>${e(r.title)}</td><td><span class="badge ${r.likelihood.replace(' ', '-')}">${e(r.likelihood)}</span></td><td>${e(r.impact)}</td><td>${e(r.mitigation)}</td><td><ul>${evidence}</ul></td></tr>`;
}

// Offered against served throughput, and TTFT mean against its target, over the window's steps.
function charts(report: InsightReport): string {
  const { points, stepSeconds, source } = report.series;
  if (points.length === 0) return '<p class="meta">No time series for this window.</p>';
  const starts = points.map((p) => p.startMs);
  // A target is drawn only when one is configured.
  const targetLine = (name: string, value: number | undefined) =>
    value === undefined
      ? []
      : [{ name, color: TARGET_COLOR, values: points.map(() => value), dashed: true }];
  const { throughputRps, ttftMeanMs } = report.targets;
  const throughput = lineChartSvg('Throughput: offered and served', 'requests/s', starts, [
    { name: 'offered', color: OFFERED_COLOR, values: points.map((p) => p.offeredRps) },
    { name: 'served', color: SERVED_COLOR, values: points.map((p) => p.throughputRps) },
    ...targetLine(`target ${rpsText(throughputRps ?? null)}`, throughputRps),
  ]);
  const ttft = lineChartSvg('TTFT mean against its target', 'ms', starts, [
    { name: 'TTFT mean', color: TTFT_COLOR, values: points.map((p) => p.ttftMeanMs) },
    ...targetLine(`target ${ttftMeanMs} ms`, ttftMeanMs),
  ]);
  return `<h2 id="charts">Over the window</h2>
<p class="meta">${stepSeconds} s steps; ${escapeHtml(source)}</p>
${throughput}
${ttft}`;
}
