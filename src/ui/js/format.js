// Pure helpers: number formatting, KPI figures and series for the charts.

/** Returns `value` for display in `unit` (rps, ms, score, …); "—" for null. */
export function formatValue(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (unit === 'ms')
    return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
  if (unit === 'rps') return `${value.toFixed(2)} req/s`;
  if (unit === 'score' || unit === 'ratio') return value.toFixed(3);
  if (unit === '%') return `${(value * 100).toFixed(1)} %`;
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** Returns an ISO time as local "YYYY-MM-DD HH:MM"; "—" for none. */
export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The KPIs of a model: the report's figure, its timeseries metric and how the summary says it. */
export const KPIS = [
  { name: 'throughput_rps', label: 'Throughput (served)', unit: 'rps', metric: 'served_rps' },
  { name: 'ttft_ms_mean', label: 'TTFT mean', unit: 'ms', metric: 'ttft_ms_mean' },
  { name: 'ttft_ms_p95', label: 'TTFT p95', unit: 'ms', metric: 'ttft_ms_p95' },
  { name: 'accuracy', label: 'Accuracy', unit: 'score', metric: 'score:accuracy' },
  { name: 'coherence', label: 'Coherence', unit: 'score', metric: 'score:coherence' },
];

/** Returns a KPI's figure: the report's (value, target, verdict) or else the summary's value. */
export function kpiFigure(kpi, report, summary) {
  const figure = report?.summary?.figures?.find((f) => f.name === kpi.name);
  if (figure) return { value: figure.value, target: figure.target, verdict: figure.verdict };
  const fromSummary = {
    throughput_rps: summary?.throughput_rps,
    ttft_ms_mean: summary?.ttft_ms?.mean,
    ttft_ms_p95: summary?.ttft_ms?.p95,
    accuracy: summary?.scores?.accuracy?.mean,
    coherence: summary?.scores?.coherence?.mean,
  }[kpi.name];
  return { value: fromSummary ?? null, target: null, verdict: null };
}

/** Returns uPlot columns [x seconds, ...ys] from timeseries answers over the same steps. */
export function columns(answers) {
  const xs = (answers[0]?.points ?? []).map((p) => Date.parse(p.ts) / 1000);
  return [xs, ...answers.map((a) => a.points.map((p) => p.value))];
}

/** Returns the served-throughput answer (throughput × (1 − error rate)) over the same steps. */
export function servedSeries(throughput, errorRate) {
  const points = throughput.points.map((p, i) => {
    const rate = errorRate.points[i]?.value ?? 0;
    return { ts: p.ts, value: p.value === null ? null : p.value * (1 - rate) };
  });
  return { ...throughput, metric: 'served_rps', points };
}
