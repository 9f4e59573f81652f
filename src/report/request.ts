// What a report request may ask for: the window's length and the format. Pure; shared by the API
// and the CLI so both accept and refuse the same texts.
import { parseStep } from '../model-stats/timeseries';

/** The formats a report is rendered in. */
export const REPORT_FORMATS = ['json', 'md', 'html'] as const;

/** One report format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The window when none is asked for: the last hour. */
export const DEFAULT_REPORT_WINDOW_MS = 3_600_000;

/** The longest window a report reads (raw rows are scanned for some figures). */
export const MAX_REPORT_WINDOW_MS = 31 * 86_400_000;

/** Returns the milliseconds of a window such as 30m, 1h, 24h or 7d, or an error text. */
export function parseReportWindow(text: string): { ms: number } | { error: string } {
  const expected = 'expected whole minutes such as 30m, 1h, 24h or 7d, at most 31d';
  // A unit is required: a bare number would be seconds, which nobody means by a window.
  const step = /[smhd]$/.test(text) ? parseStep(text) : { error: 'no unit' };
  if ('error' in step) return { error: `${expected}, got "${text}"` };
  const ms = step.seconds * 1000;
  if (ms > MAX_REPORT_WINDOW_MS) return { error: `${expected}, got "${text}"` };
  return { ms };
}

/** Returns the format named by `text`, or an error text listing the formats. */
export function parseReportFormat(text: string): { format: ReportFormat } | { error: string } {
  return (REPORT_FORMATS as readonly string[]).includes(text)
    ? { format: text as ReportFormat }
    : { error: `expected one of ${REPORT_FORMATS.join(', ')}, got "${text}"` };
}
