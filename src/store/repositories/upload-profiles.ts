// What drift reads of an uploaded reference file (typically the training set), computed in the
// engine like the window summaries in drift-windows.ts: the file travels as one bound String
// parameter into ClickHouse's `format(CSVWithNames | JSONEachRow, {data:String})` table function,
// its column types are inferred there (DESCRIBE), and per column the numeric summaries or the
// category counts come back. Columns are read by position (tupleElement of the row, the position
// bound), their names bound as values: never spliced, and no quoting of names as identifiers
// (a name with a backslash did not survive it).
import { z } from 'zod';
import { AppError } from '../../errors';
import { type Store, StoreError } from '../store';
import {
  categoryCountRow,
  categoryCountsSql,
  countsByFeature,
  type NumericSummary,
  numericSummariesSql,
  numericSummaryRow,
} from './feature-summaries';

/** The formats an upload can come in (ClickHouse format names). */
export type UploadFormat = 'CSVWithNames' | 'JSONEachRow';

/** A column of the upload and how drift reads it. */
export interface UploadColumn {
  name: string;
  /** Its place in the file, from 1. */
  position: number;
  /** The type ClickHouse inferred, e.g. Nullable(Float64). */
  type: string;
  /** numeric (ints, floats, decimals), categorical (text, Bool), empty (no value at all), or unusable. */
  kind: 'numeric' | 'categorical' | 'empty' | 'unsupported';
}

// Dates and times are read as text (a category), not as a type drift cannot compare.
const SETTINGS = 'SETTINGS input_format_try_infer_dates = 0, input_format_try_infer_datetimes = 0';

const NUMERIC_TYPE =
  /^(U?Int(8|16|32|64|128|256)|Float(32|64)|BFloat16|Decimal(32|64|128|256)?\(.*\))$/;
const TEXT_TYPE = /^(String|FixedString\(\d+\)|Bool|Enum(8|16)?\(.*\))$/;

const WRAPPED = /^(?:Nullable|LowCardinality)\((.*)\)$/;

/** Returns how drift reads a column of ClickHouse type `type`. */
export function columnKind(type: string): UploadColumn['kind'] {
  let t = type;
  for (let m = WRAPPED.exec(t); m !== null; m = WRAPPED.exec(t)) t = m[1] as string;
  if (t === 'Nothing') return 'empty';
  if (NUMERIC_TYPE.test(t)) return 'numeric';
  if (TEXT_TYPE.test(t)) return 'categorical';
  return 'unsupported';
}

const describeRow = z.object({ name: z.string(), type: z.string() });

/** Returns the upload's columns with their inferred types; a 400 with ClickHouse's reason when unreadable. */
export async function describeUpload(
  store: Store,
  format: UploadFormat,
  data: string,
): Promise<UploadColumn[]> {
  const rows = await asUploadError(format, () =>
    store.query({
      tag: 'drift.upload.describe',
      sql: `DESCRIBE format(${format}, {data:String}) ${SETTINGS}`,
      params: { data },
      schema: describeRow,
    }),
  );
  return rows.map((r, i) => ({
    name: r.name,
    position: i + 1,
    type: r.type,
    kind: columnKind(r.type),
  }));
}

/** A column to summarise: its name and place in the file (from 1). */
export type ColumnRef = Pick<UploadColumn, 'name' | 'position'>;

// (name, value) pairs of the columns given, one per row and column: the array of tuples is
// built from placeholders (ours), the names and positions are bound.
function pairs(columns: readonly ColumnRef[], cast: 'toFloat64' | 'toString') {
  const params: Record<string, string | number> = {};
  const items = columns.map((column, i) => {
    params[`n${i}`] = column.name;
    params[`p${i}`] = column.position;
    return `tuple({n${i}:String}, ${cast}(tupleElement(row, {p${i}:UInt32})))`;
  });
  return { array: `[${items.join(', ')}]`, params };
}

// The upload's rows, each as one tuple `row` of its columns in file order.
const ROWS = (format: UploadFormat) =>
  `(SELECT tuple(*) AS row FROM format(${format}, {data:String}))`;

/**
 * Returns, per numeric column named with at least one finite value, what numericSummaries
 * returns for a window (the same SQL, numericSummariesSql, but with exact min and max): n, mean,
 * population std, min, max, t-digest values at QUANTILE_LEVELS
 * and every value ascending when n <= EXACT_SAMPLE_CAP. Empty cells (NULL) and NaN/inf are left out.
 */
export async function uploadNumericSummaries(
  store: Store,
  format: UploadFormat,
  data: string,
  columns: readonly ColumnRef[],
): Promise<NumericSummary[]> {
  if (columns.length === 0) return [];
  const { array, params } = pairs(columns, 'toFloat64');
  return asUploadError(format, () =>
    store.query({
      tag: 'drift.upload.numeric_summaries',
      sql: `${numericSummariesSql(
        `SELECT kv.1 AS k, assumeNotNull(kv.2) AS v
         FROM ${ROWS(format)} ARRAY JOIN ${array} AS kv
         WHERE kv.2 IS NOT NULL AND isFinite(assumeNotNull(kv.2))`,
        // A reference is profiled once: exact ends are worth min()/max() here.
        'exact',
      )} ${SETTINGS}`,
      params: { ...params, data },
      schema: numericSummaryRow,
    }),
  );
}

/**
 * Returns, per categorical column named with at least one value, the count per value (the
 * CATEGORY_CAP most frequent, the rest summed as OTHER_CATEGORY), as categoryCounts does.
 */
export async function uploadCategoryCounts(
  store: Store,
  format: UploadFormat,
  data: string,
  columns: readonly ColumnRef[],
): Promise<Map<string, Record<string, number>>> {
  if (columns.length === 0) return new Map();
  const { array, params } = pairs(columns, 'toString');
  const rows = await asUploadError(format, () =>
    store.query({
      tag: 'drift.upload.category_counts',
      sql: `${categoryCountsSql(
        `SELECT kv.1 AS k, assumeNotNull(kv.2) AS v
         FROM ${ROWS(format)} ARRAY JOIN ${array} AS kv
         WHERE kv.2 IS NOT NULL`,
      )} ${SETTINGS}`,
      params: { ...params, data },
      schema: categoryCountRow,
    }),
  );
  return countsByFeature(rows);
}

// A query over the upload that the engine refuses failed on the caller's data (the table
// function reads nothing else): a 400 quoting the engine's reason. An unreachable store stays 503.
async function asUploadError<T>(format: UploadFormat, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof StoreError) || err.code !== 'store_query_failed') throw err;
    const cause = engineReason(err.cause instanceof Error ? err.cause.message : err.message);
    const what = format === 'CSVWithNames' ? 'CSV' : 'JSON lines';
    throw new AppError(
      'invalid_upload',
      400,
      `cannot read the ${what} upload: ${cause.trim().replace(/\s+/g, ' ')}`,
      { cause: err },
    );
  }
}

const MAX_REASON = 500;

/**
 * Returns the engine's reason for refusing an upload query without the query it may quote
 * (which holds the whole upload), at most MAX_REASON characters.
 */
export function engineReason(message: string): string {
  const reason = message.split(/\s+in scope\s|\.\s*\(\w+\)\s*\(version/)[0] ?? message;
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}…` : reason;
}
