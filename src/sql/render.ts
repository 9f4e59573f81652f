// Renders a SQL result as JSON rows, RFC 4180 CSV or an aligned plain-text table, for both
// POST /api/v1/sql and `insightagent sql`.
//
// CSV and the table are written here rather than with a library: each is a few lines (quote a
// field; pad a column), the ones that fit (csv-stringify, cli-table3) would be this project's
// only dependency for it, and the table deliberately draws no box characters so it pastes and
// greps cleanly, as `clickhouse client --format PrettySpace` output does.
import type { SqlColumn, SqlResult } from '../store/repositories/sql';

/** The output formats of the SQL endpoint and command. */
export const SQL_FORMATS = ['json', 'csv', 'table'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

/** A rendered answer: its content type and body. */
export interface Rendered {
  contentType: string;
  body: string;
}

/** The JSON answer: columns, rows as objects keyed by column name, and whether rows were cut. */
export interface SqlJson {
  columns: SqlColumn[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  maxResultRows: number;
  elapsedMs: number;
}

/** Returns the JSON answer for a result (a later column wins when two share a name). */
export function toSqlJson(result: SqlResult): SqlJson {
  return {
    columns: result.columns,
    rows: result.rows.map((row) =>
      Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] ?? null])),
    ),
    rowCount: result.rows.length,
    truncated: result.truncated,
    maxResultRows: result.maxResultRows,
    elapsedMs: result.elapsedMs,
  };
}

// A cell as text: NULL is empty in CSV and `NULL` in the table; arrays, maps and tuples as JSON.
function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Returns RFC 4180 CSV: a header of column names, CRLF line ends, quoted fields where needed. */
export function renderCsv(result: Pick<SqlResult, 'columns' | 'rows'>): string {
  const lines = [result.columns.map((c) => csvField(c.name))];
  for (const row of result.rows) {
    lines.push(result.columns.map((_, i) => csvField(cellText(row[i]) ?? '')));
  }
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;

// Control characters would break the alignment: shown escaped, as ClickHouse's own formats do.
function tableCell(value: unknown): string {
  const text = cellText(value);
  if (text === null) return 'NULL';
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\t', '\\t');
}

/**
 * Returns the rows as aligned plain-text columns (numbers right-aligned) under a header and a
 * dashed rule, then a line counting the rows and saying when they were truncated. Widths count
 * code points, so wide (CJK) characters may misalign.
 */
export function renderTable(result: SqlResult): string {
  const header = result.columns.map((c) => c.name);
  const cells = result.rows.map((row) => result.columns.map((_, i) => tableCell(row[i])));
  const widths = header.map((name, i) =>
    Math.max([...name].length, ...cells.map((row) => [...(row[i] ?? '')].length)),
  );
  const right = result.columns.map((c) => NUMERIC.test(c.type));
  const line = (fields: string[]) =>
    fields
      .map((f, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - [...f].length);
        return right[i] ? pad + f : f + pad;
      })
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  const n = result.rows.length;
  out.push(
    result.truncated
      ? `(first ${n} rows: truncated at max_result_rows = ${result.maxResultRows})`
      : `(${n} ${n === 1 ? 'row' : 'rows'})`,
  );
  return `${out.join('\n')}\n`;
}

/** Returns the result in `format`, with its content type. */
export function renderSqlResult(result: SqlResult, format: SqlFormat): Rendered {
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: renderCsv(result) };
  if (format === 'table')
    return { contentType: 'text/plain; charset=utf-8', body: renderTable(result) };
  return {
    contentType: 'application/json; charset=utf-8',
    body: `${JSON.stringify(toSqlJson(result))}\n`,
  };
}
