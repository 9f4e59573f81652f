// uPlot charts, kept by key so a refresh feeds new data to the chart already drawn.
import uPlot from '/ui/vendor/uPlot.esm.js';

const charts = new Map();
// For the browser test and the curious: every chart drawn, by key.
window.insightagent = { charts };

const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700'];

function sizeOf(container, height) {
  return { width: Math.max(160, container.clientWidth - 8), height };
}

/** Draws (or updates) a time chart in `container`: `labels` name the series of `data`. */
export function lineChart(container, key, labels, data, { height = 180, unit = '' } = {}) {
  const existing = charts.get(key);
  if (existing && container.contains(existing.root)) {
    existing.setData(data);
    return existing;
  }
  existing?.destroy();
  const options = {
    ...sizeOf(container, height),
    scales: { x: { time: true } },
    axes: [{}, { label: unit, size: 60 }],
    series: [
      {},
      ...labels.map((label, i) => ({
        label,
        stroke: COLORS[i % COLORS.length],
        width: 1.5,
        spanGaps: false,
      })),
    ],
  };
  const chart = new uPlot(options, data, container);
  charts.set(key, chart);
  return chart;
}

/** Draws (or updates) a sparkline: one series, no axes, no legend. */
export function sparkline(container, key, data) {
  const existing = charts.get(key);
  if (existing && container.contains(existing.root)) {
    existing.setData(data);
    return existing;
  }
  existing?.destroy();
  const options = {
    ...sizeOf(container, 36),
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: true } },
    axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: COLORS[0], width: 1.5, fill: 'rgba(9,105,218,0.08)' }],
  };
  const chart = new uPlot(options, data, container);
  charts.set(key, chart);
  return chart;
}

/** Forgets the charts whose element left the page (after a route change). */
export function pruneCharts() {
  for (const [key, chart] of charts) {
    if (!chart.root.isConnected) {
      chart.destroy();
      charts.delete(key);
    }
  }
}
