// Drift reports as plain-text tables for the terminal. Pure.
import { formatFigure } from '../drift/html';
import type { ReportJson } from '../drift/report-json';

type Summary = Omit<ReportJson, 'features'>;

// Left-aligned columns two spaces apart, a dash rule under the header.
function columns(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const verdictText = (r: Summary) =>
  `${r.dataset_drift ? 'DATASET DRIFT' : 'no dataset drift'}: ${r.drifted} of ${r.judged} features drifted (share ${formatFigure(r.drift_share)}, threshold ${formatFigure(r.share_threshold)})${r.insufficient > 0 ? `, ${r.insufficient} with too little data` : ''}`;

/** Returns the listing as a table, newest first, one report a line. */
export function renderReportList(reports: readonly Summary[]): string {
  if (reports.length === 0) return '(no drift reports)\n';
  return `${columns(
    ['id', 'model', 'current window', 'drifted', 'dataset drift'],
    reports.map((r) => [
      r.id,
      r.model,
      `${r.current.from} – ${r.current.to}`,
      `${r.drifted}/${r.judged}`,
      r.dataset_drift ? 'yes' : 'no',
    ]),
  )}\n(${reports.length} report${reports.length === 1 ? '' : 's'})\n`;
}

/** Returns one report: its windows and verdict, then a line per feature. */
export function renderReport(r: ReportJson): string {
  const ref = r.reference;
  const head = [
    `drift report ${r.id}`,
    `model      ${r.model}${r.model_version ? ` (version ${r.model_version})` : ''} · monitor ${r.monitor}`,
    `current    ${r.current.from} – ${r.current.to}`,
    `reference  ${ref.description} (profile ${ref.profile_id}${ref.from !== undefined ? `, ${ref.from} – ${ref.to}` : ''})`,
    `verdict    ${verdictText(r)}`,
    '',
  ];
  const table = columns(
    ['feature', 'status', 'method', 'statistic', 'threshold', 'p-value', 'ref n', 'cur n'],
    r.features.map((f) => [
      f.feature,
      f.status,
      f.method,
      formatFigure(f.statistic),
      f.status === 'insufficient_data'
        ? '—'
        : `${f.direction === 'p_below' ? 'p <' : '>='} ${formatFigure(f.threshold)}`,
      formatFigure(f.adjusted_p_value ?? f.p_value),
      String(f.reference_n),
      String(f.current_n),
    ]),
  );
  return `${head.join('\n')}\n${table}\n`;
}
