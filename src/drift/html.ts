// A drift report as one standalone HTML page an ML engineer can share: the windows compared, the
// dataset verdict, a table of features, and per feature the reference and current shares on the
// same bins as an inline SVG bar chart. No script, no external asset; every string that comes
// from data is escaped. Written by hand: a template engine or chart library would be the only
// dependency of one page. Pure.
import { escapeHtml, formatFigure, htmlPage } from '../render/html';
import type { ReportJson } from './report-json';

type Feature = ReportJson['features'][number];

// Shared with the insight report; re-exported for the drift modules that import them from here.
export { escapeHtml, formatFigure };

const STATUS_TEXT: Record<Feature['status'], string> = {
  ok: 'ok',
  drifted: 'drifted',
  insufficient_data: 'insufficient data',
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:2rem auto;max-width:1100px;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:0 0 .5rem}
.meta{color:#59636e;margin:.1rem 0}
.verdict{border-radius:6px;padding:.75rem 1rem;margin:1rem 0;font-weight:600}
.verdict.drift{background:#ffebe9;border:1px solid #cf222e}.verdict.nodrift{background:#dafbe1;border:1px solid #1a7f37}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #d1d9e0;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:1em;padding:0 .6em;font-size:.85em;font-weight:600;white-space:nowrap}
.badge.ok{background:#dafbe1;color:#116329}.badge.drifted{background:#ffebe9;color:#a40e26}.badge.insufficient_data{background:#eaeef2;color:#59636e}
section.feature{border:1px solid #d1d9e0;border-radius:6px;padding:1rem;margin:1rem 0}
.legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em;vertical-align:middle}
svg text{font:11px system-ui,sans-serif;fill:#59636e}`;

const REF_COLOR = '#8c959f';
const CUR_COLOR = '#0969da';

/** Returns the standalone HTML page of `report`. */
export function renderDriftHtml(report: ReportJson): string {
  const e = escapeHtml;
  const ref = report.reference;
  const refWindow =
    ref.from !== undefined && ref.to !== undefined ? `${ref.from} – ${ref.to}` : 'uploaded profile';
  const verdict = report.dataset_drift
    ? `Dataset drift detected: ${report.drifted} of ${report.judged} features drifted (share ${formatFigure(report.drift_share)} ≥ ${formatFigure(report.share_threshold)})`
    : `No dataset drift: ${report.drifted} of ${report.judged} features drifted (share ${formatFigure(report.drift_share)} < ${formatFigure(report.share_threshold)})`;
  const title = `Drift report: ${report.model}, ${report.current.from} – ${report.current.to}`;
  const body = `<h1>Drift report: ${e(report.model)}${report.model_version !== '' ? ` <small>(version ${e(report.model_version)})</small>` : ''}</h1>
<p class="meta">Current window: <strong>${e(report.current.from)} – ${e(report.current.to)}</strong></p>
<p class="meta">Reference: <strong>${e(ref.description)}</strong> (profile ${e(ref.profile_id)}, ${e(refWindow)})</p>
<p class="meta">Monitor ${e(report.monitor)} · report ${e(report.id)} · created ${e(report.created_at)}${report.correction === 'none' ? '' : ` · p-values corrected (${e(report.correction)})`}</p>
<div class="verdict ${report.dataset_drift ? 'drift' : 'nodrift'}" id="verdict">${e(verdict)}${report.insufficient > 0 ? `; ${report.insufficient} with too little data` : ''}</div>
<table id="features">
<thead><tr><th>Feature</th><th>Status</th><th>Kind</th><th>Method</th><th>Statistic</th><th>Threshold</th><th>p-value</th><th>Reference n</th><th>Current n</th></tr></thead>
<tbody>
${report.features.map(featureRow).join('\n')}
</tbody>
</table>
${report.features.map(featureSection).join('\n')}`;
  return `${htmlPage(title, STYLE, body)}\n`;
}

function featureRow(f: Feature, i: number): string {
  const e = escapeHtml;
  const p = f.adjusted_p_value ?? f.p_value;
  const rule =
    f.status === 'insufficient_data'
      ? '—'
      : f.direction === 'p_below'
        ? `p &lt; ${formatFigure(f.threshold)}`
        : `≥ ${formatFigure(f.threshold)}`;
  return `<tr><td><a href="#feature-${i}">${e(f.feature)}</a></td><td><span class="badge ${f.status}">${STATUS_TEXT[f.status]}</span></td><td>${f.kind}</td><td>${e(f.method)}</td><td class="num">${formatFigure(f.statistic)}</td><td>${rule}</td><td class="num">${formatFigure(p)}${f.adjusted_p_value !== null ? ' (adj.)' : ''}</td><td class="num">${f.reference_n}</td><td class="num">${f.current_n}</td></tr>`;
}

function featureSection(f: Feature, i: number): string {
  const e = escapeHtml;
  return `<section class="feature" id="feature-${i}">
<h2>${e(f.feature)} <span class="badge ${f.status}">${STATUS_TEXT[f.status]}</span></h2>
<p class="meta">${e(f.method)}: statistic ${formatFigure(f.statistic)}, p-value ${formatFigure(f.adjusted_p_value ?? f.p_value)}, threshold ${formatFigure(f.threshold)} · ${e(f.note)}</p>
${f.histogram.bins.length > 0 ? `<p class="legend"><span style="background:${REF_COLOR}"></span>reference (n = ${f.reference_n})<span style="background:${CUR_COLOR}"></span>current (n = ${f.current_n})</p>\n${histogramSvg(f)}` : '<p class="meta">No histogram: too little data to compare.</p>'}
</section>`;
}

// Bars of both windows' shares per bin, side by side, on one scale.
function histogramSvg(f: Feature): string {
  const { bins, reference, current } = f.histogram;
  const share = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => (total > 0 ? c / total : 0));
  };
  const r = share(reference);
  const c = share(current);
  const top = Math.max(...r, ...c, 0.0001);
  const slot = Math.max(28, Math.min(80, Math.floor(900 / Math.max(bins.length, 1))));
  const left = 44;
  const height = 180;
  const labelsAt = height + 14;
  const width = left + slot * bins.length + 10;
  const bar = (slot - 8) / 2;
  const y = (v: number) => height - (v / top) * (height - 10);
  const axis = [0, 0.5, 1].map((t) => {
    const v = top * t;
    return `<line x1="${left}" x2="${width}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eaeef2"/><text x="${left - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${(v * 100).toFixed(v * 100 < 10 ? 1 : 0)}%</text>`;
  });
  const bars = bins.map((label, i) => {
    const x = left + i * slot + 4;
    const rv = r[i] ?? 0;
    const cv = c[i] ?? 0;
    const short = label.length > 12 ? `${label.slice(0, 11)}…` : label;
    return `<g><title>${escapeHtml(label)}: reference ${(rv * 100).toFixed(1)}%, current ${(cv * 100).toFixed(1)}%</title><rect x="${x}" y="${y(rv).toFixed(1)}" width="${bar.toFixed(1)}" height="${(height - y(rv)).toFixed(1)}" fill="${REF_COLOR}"/><rect x="${(x + bar).toFixed(1)}" y="${y(cv).toFixed(1)}" width="${bar.toFixed(1)}" height="${(height - y(cv)).toFixed(1)}" fill="${CUR_COLOR}"/><text x="${(x + bar).toFixed(1)}" y="${labelsAt}" text-anchor="middle">${escapeHtml(short)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height + 24}" viewBox="0 0 ${width} ${height + 24}" aria-label="${escapeHtml(`${f.feature}: reference and current shares per bin`)}">
${axis.join('')}
<line x1="${left}" x2="${width}" y1="${height}" y2="${height}" stroke="#8c959f"/>
${bars.join('\n')}
</svg>`;
}
