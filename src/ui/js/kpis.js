// The KPI tiles of a model (value against target, verdict, sparkline), shared by both pages.
import { apiPath, getJson } from './api.js';
import { sparkline } from './charts.js';
import { h } from './dom.js';
import { columns, formatValue, KPIS, kpiFigure, servedSeries } from './format.js';

/** Returns the model's last hour: summary, insight report (null if it fails) and KPI series. */
export async function loadKpis(model) {
  const series = (metric) => getJson(apiPath(['models', model, 'timeseries'], { metric }));
  const [summary, report, throughput, errorRate, ...rest] = await Promise.all([
    getJson(apiPath(['models', model, 'summary'])),
    getJson(apiPath(['reports', 'insight'], { model })).catch((err) => {
      if (err.status) throw err;
      return null;
    }),
    series('throughput_rps'),
    series('error_rate'),
    ...KPIS.slice(1).map((kpi) => series(kpi.metric)),
  ]);
  const answers = [servedSeries(throughput, errorRate), ...rest];
  return { summary, report, series: Object.fromEntries(KPIS.map((k, i) => [k.name, answers[i]])) };
}

/** Fills `box` with one tile per KPI (kept across refreshes) and draws the sparklines. */
export function renderKpis(box, model, loaded) {
  for (const kpi of KPIS) {
    const id = `kpi-${kpi.name}`;
    let tile = box.querySelector(`[data-kpi="${kpi.name}"]`);
    if (!tile) {
      tile = h('div', { class: 'kpi', 'data-kpi': kpi.name });
      box.append(tile);
    }
    const figure = kpiFigure(kpi, loaded.report, loaded.summary);
    tile.className = `kpi ${figure.verdict ?? ''}`;
    const spark = tile.querySelector('.spark') ?? h('div', { class: 'spark' });
    tile.replaceChildren(
      h('div', { class: 'label' }, kpi.label),
      h('div', { class: 'value' }, formatValue(figure.value, kpi.unit)),
      h(
        'div',
        { class: 'target' },
        figure.target === null ? 'no target' : `target ${formatValue(figure.target, kpi.unit)}`,
        figure.verdict ? ` · ${figure.verdict}` : '',
      ),
      spark,
    );
    sparkline(spark, `${model}/${id}`, columns([loaded.series[kpi.name]]));
  }
}
