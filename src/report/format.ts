// How the report's prose and tables write numbers: one style for Markdown, Slack and HTML. Pure.
import { formatFigure } from '../render/html';
import type { SummaryMetric, Verdict } from './summary';

/** Returns `ms` in seconds (2 decimals) when `scaleMs` (default `ms`) reaches a second, else in ms. */
export function msText(ms: number | null, scaleMs: number | null = ms): string {
  if (ms === null) return 'not measured';
  if (scaleMs !== null && Math.abs(scaleMs) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

/** Returns requests per second to 3 significant digits ("5.1", "19.2", "0.05"). */
export function rpsText(rps: number | null): string {
  if (rps === null) return 'not measured';
  return String(Number(rps.toPrecision(3)));
}

/** Returns a share 0..1 as a percentage with at most one decimal ("49 %", "4.5 %"). */
export function percentText(share: number | null): string {
  if (share === null) return 'not measured';
  const p = share * 100;
  return `${Number(p.toFixed(Math.abs(p) < 10 ? 1 : 0))} %`;
}

/** Returns a signed change with its relative size ("+0.3 (+6 %)"), "—" when there is none. */
export function changeText(change: number | null, relative: number | null, unit = ''): string {
  if (change === null) return '—';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const abs = `${formatFigure(Math.abs(change))}${unit}`;
  if (relative === null) return `${sign}${abs}`;
  const rel = relative * 100;
  const relSign = rel > 0 ? '+' : rel < 0 ? '−' : '±';
  return `${sign}${abs} (${relSign}${Number(Math.abs(rel).toFixed(Math.abs(rel) < 10 ? 1 : 0))} %)`;
}

/** Returns a score or other plain figure to 4 significant digits, "not measured" for null. */
export function figureText(x: number | null): string {
  return x === null ? 'not measured' : formatFigure(x);
}

/** How each verdict reads in a table. */
export const VERDICT_TEXT: Record<Verdict, string> = {
  met: 'met',
  breached: 'breached',
  not_measured: 'not measured',
  no_target: 'no target',
};

const UNIT_SUFFIX: Record<SummaryMetric['unit'], string> = { rps: ' req/s', ms: ' ms', score: '' };

/** Returns a summary figure's value as a table shows it ("5.1 req/s", "1.20 s", "0.872"). */
export function metricValueText(m: SummaryMetric): string {
  const v = m.value.value;
  if (v === null) return 'not measured';
  if (m.unit === 'ms') return msText(v, Math.max(v, m.target ?? 0));
  if (m.unit === 'rps') return `${rpsText(v)} req/s`;
  return formatFigure(v);
}

/** Returns a summary figure's target with its direction ("≥ 10 req/s", "≤ 0.80 s"), "—" without one. */
export function metricTargetText(m: SummaryMetric): string {
  if (m.target === null) return '—';
  const op = m.bound === 'min' ? '≥' : '≤';
  if (m.unit === 'ms') return `${op} ${msText(m.target, Math.max(m.target, m.value.value ?? 0))}`;
  if (m.unit === 'rps') return `${op} ${rpsText(m.target)} req/s`;
  return `${op} ${formatFigure(m.target)}`;
}

/** Returns a summary figure's change against the previous window, with its unit. */
export function metricChangeText(m: SummaryMetric): string {
  return changeText(m.change, m.changeRelative, UNIT_SUFFIX[m.unit]);
}

/** Returns a UTC time as "2026-11-20 03:00 UTC". */
export function timeText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
