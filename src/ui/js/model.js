// A model's page: KPIs, charts over the last hour, SLOs, alerts, drift reports, retraining
// triggers and the latest insight report.
import { apiPath, getJson } from './api.js';
import { lineChart } from './charts.js';
import { h, table } from './dom.js';
import { columns, formatTime, formatValue, servedSeries } from './format.js';
import { loadKpis, renderKpis } from './kpis.js';
import { openReportLink, reportHtmlPath } from './report-view.js';

// Each chart: its title, unit, and the timeseries metrics it draws (served_rps is derived).
const CHARTS = [
  {
    key: 'throughput',
    title: 'Throughput',
    unit: 'req/s',
    metrics: ['throughput_rps', 'served_rps'],
    labels: ['offered', 'served'],
  },
  {
    key: 'ttft',
    title: 'TTFT',
    unit: 'ms',
    metrics: ['ttft_ms_p50', 'ttft_ms_p95'],
    labels: ['p50', 'p95'],
  },
  {
    key: 'accuracy',
    title: 'Accuracy',
    unit: 'score',
    metrics: ['score:accuracy'],
    labels: ['accuracy'],
  },
  {
    key: 'coherence',
    title: 'Coherence',
    unit: 'score',
    metrics: ['score:coherence'],
    labels: ['coherence'],
  },
  {
    key: 'batch',
    title: 'Batch size',
    unit: 'mean',
    metrics: ['batch_size_mean'],
    labels: ['batch size'],
  },
];

async function loadSeries(model) {
  const names = [
    'throughput_rps',
    'error_rate',
    'ttft_ms_p50',
    'ttft_ms_p95',
    'score:accuracy',
    'score:coherence',
    'batch_size_mean',
  ];
  const answers = await Promise.all(
    names.map((metric) => getJson(apiPath(['models', model, 'timeseries'], { metric }))),
  );
  const byMetric = Object.fromEntries(names.map((n, i) => [n, answers[i]]));
  byMetric.served_rps = servedSeries(byMetric.throughput_rps, byMetric.error_rate);
  return byMetric;
}

const pct = (v) => formatValue(v, '%');
const num = (v) => formatValue(v, '');
const burns = (rates) =>
  Object.entries(rates ?? {})
    .map(([w, v]) => `${w} ${v === null ? '—' : v.toFixed(1)}`)
    .join(' · ');

function sloRows(slos) {
  return slos.map((s) => [
    s.slo,
    num(s.objective),
    formatValue(s.sli, 'ratio'),
    pct(s.budget?.remaining_fraction),
    burns(s.burn_rates),
    h('span', { class: s.firing ? 'firing' : 'ok' }, s.firing ?? 'no'),
  ]);
}

function alertRows(alerts) {
  return alerts.map((a) => [
    a.slo,
    a.severity,
    h('span', { class: a.state }, a.state),
    formatTime(a.started_at),
    formatTime(a.updated_at),
    pct(a.figures?.budget_remaining),
  ]);
}

function driftRows(model, reports) {
  return reports.map((r) => [
    `${formatTime(r.current.from)} – ${formatTime(r.current.to)}`,
    r.monitor,
    h('span', { class: r.dataset_drift ? 'drift' : 'ok' }, r.dataset_drift ? 'drift' : 'no drift'),
    `${r.drifted}/${r.judged} drifted, ${r.insufficient} insufficient`,
    h(
      'a',
      {
        class: 'drift-link',
        href: `#/model/${encodeURIComponent(model)}/drift/${encodeURIComponent(r.id)}`,
      },
      'report',
    ),
  ]);
}

function triggerRows(triggers) {
  return triggers.map((t) => [
    formatTime(t.created_at),
    t.model_version,
    t.reason,
    `${t.target} (${t.target_kind})`,
    t.report_id ?? '—',
  ]);
}

function insightSection(model, report) {
  if (!report) return [h('p', { class: 'muted' }, 'No insight report yet.')];
  return [
    h('p', {}, report.summary.paragraph),
    ...report.recommendations.map((r) =>
      h(
        'div',
        { class: 'recommendation' },
        h('strong', {}, r.title),
        h('p', {}, r.action),
        h('p', { class: 'muted' }, r.expected_effect),
      ),
    ),
    h(
      'p',
      {},
      h('a', { href: `#/model/${encodeURIComponent(model)}/insight` }, 'the full report'),
      ' · ',
      openReportLink(reportHtmlPath(model, 'insight'), 'HTML'),
    ),
  ];
}

/** Returns the model page in `root`; refresh() reloads every section. */
export function modelPage(root, model) {
  const section = (title, cls) => [h('h2', {}, title), h('div', { class: cls })];
  const chartBoxes = CHARTS.map((c) =>
    h(
      'div',
      { class: 'chart', 'data-chart': c.key },
      h('h3', {}, `${c.title} (${c.unit})`),
      h('div', { class: 'plot' }),
    ),
  );
  root.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← models')),
    h('h1', {}, model),
    h('div', { class: 'kpis' }),
    h('h2', {}, 'Last hour'),
    h('div', { class: 'charts' }, chartBoxes),
    ...section('SLOs', 'slos'),
    ...section('Alerts', 'alerts'),
    ...section('Drift reports', 'drift'),
    ...section('Retraining triggers', 'triggers'),
    ...section('Insight report', 'insight'),
  );
  const fill = (cls, ...nodes) => root.querySelector(`.${cls}`).replaceChildren(...nodes);
  return {
    async refresh() {
      const [kpis, series, slos, alerts, drift, triggers] = await Promise.all([
        loadKpis(model),
        loadSeries(model),
        getJson(apiPath(['slos'])),
        getJson(apiPath(['alerts'])),
        getJson(apiPath(['drift', 'reports'], { model, limit: '20' })),
        getJson(apiPath(['retrain', 'triggers'], { model, limit: '20' })),
      ]);
      renderKpis(root.querySelector('.kpis'), model, kpis);
      CHARTS.forEach((c, i) => {
        lineChart(
          chartBoxes[i].querySelector('.plot'),
          `${model}/${c.key}`,
          c.labels,
          columns(c.metrics.map((m) => series[m])),
          { unit: c.unit },
        );
      });
      fill(
        'slos',
        table(
          ['SLO', 'objective', 'SLI', 'budget left', 'burn rates', 'firing'],
          sloRows(slos.slos.filter((s) => s.model === model)),
          'No SLO evaluated yet.',
        ),
      );
      fill(
        'alerts',
        table(
          ['SLO', 'severity', 'state', 'started', 'updated', 'budget left'],
          alertRows(alerts.alerts.filter((a) => a.model === model)),
          'No alert.',
        ),
      );
      fill(
        'drift',
        table(
          ['current window', 'monitor', 'verdict', 'features', ''],
          driftRows(model, drift.reports),
          'No drift report yet.',
        ),
      );
      fill(
        'triggers',
        table(
          ['created', 'version', 'reason', 'target', 'drift report'],
          triggerRows(triggers.triggers),
          'No retraining trigger.',
        ),
      );
      fill('insight', ...insightSection(model, kpis.report));
    },
  };
}
