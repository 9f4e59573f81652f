// How the report's prose and tables write numbers: one style for Markdown, Slack and HTML. Pure.
import { formatFigure } from '../drift/html';

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
export function changeText(change: number | null, relative: number | null): string {
  if (change === null) return '—';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const abs = formatFigure(Math.abs(change));
  if (relative === null) return `${sign}${abs}`;
  const rel = relative * 100;
  const relSign = rel > 0 ? '+' : rel < 0 ? '−' : '±';
  return `${sign}${abs} (${relSign}${Number(Math.abs(rel).toFixed(Math.abs(rel) < 10 ? 1 : 0))} %)`;
}

/** Returns a score or other plain figure to 4 significant digits, "not measured" for null. */
export function figureText(x: number | null): string {
  return x === null ? 'not measured' : formatFigure(x);
}
