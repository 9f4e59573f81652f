// Decides, before anything reaches the engine, whether a query typed by a person may run on the
// read-only SQL endpoint. The engine's own `readonly = 1` is the guard against writes; these
// checks close what readonly leaves open (found by trying them on chDB 26.x): several statements
// in one call, a subquery's `SETTINGS readonly = 0` (honoured inside the subquery), INTO OUTFILE,
// KILL QUERY and USE (allowed in readonly mode), and lexer differences that could hide a second
// statement from this check but not from the engine (heredoc `$$…$$` strings, `#` comments).
import { splitStatements, tokenizeSql } from './sql-split';

/** Why a query is refused; each is a 400 `code` of POST /api/v1/sql. */
export type SqlRefusalCode =
  | 'empty_query'
  | 'multiple_statements'
  | 'read_only'
  | 'settings_not_allowed'
  | 'format_not_allowed'
  | 'unsupported_syntax'
  | 'sql_syntax';

/** The statement to run (trimmed, without a trailing `;`), or why it may not run. */
export type SqlVerdict =
  | { ok: true; sql: string }
  | { ok: false; code: SqlRefusalCode; message: string };

/** Statements that only read; anything else is refused before it reaches the engine. */
export const READ_STATEMENTS: readonly string[] = [
  'SELECT',
  'WITH',
  'SHOW',
  'DESCRIBE',
  'DESC',
  'EXPLAIN',
  'EXISTS',
];

const refuse = (code: SqlRefusalCode, message: string): SqlVerdict => ({
  ok: false,
  code,
  message,
});

/** Returns whether `query` is one read statement the SQL endpoint may run, and if not why. */
export function checkReadOnlySql(query: string): SqlVerdict {
  let statements: string[];
  try {
    statements = splitStatements(query);
  } catch (err) {
    return refuse('sql_syntax', `syntax error: ${(err as Error).message}`);
  }
  const [sql] = statements;
  if (sql === undefined) return refuse('empty_query', 'query is empty: send one SELECT statement');
  if (statements.length > 1) {
    return refuse(
      'multiple_statements',
      `one statement per call: the query holds ${statements.length} statements separated by ";"`,
    );
  }
  const code = tokenizeSql(sql).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  for (const [i, token] of code.entries()) {
    if (token.kind === 'punct' && (token.text === '$' || token.text === '#')) {
      return refuse(
        'unsupported_syntax',
        `"${token.text}" at offset ${token.start} is not accepted here: heredoc strings ($$…$$) ` +
          "and # comments are refused; use '…' strings and -- or /* */ comments",
      );
    }
    if (token.kind !== 'word') continue;
    const word = token.text.toUpperCase();
    if (word === 'SETTINGS') {
      return refuse(
        'settings_not_allowed',
        'SETTINGS clauses are refused: the SQL endpoint runs with fixed limits (readonly, ' +
          'max_execution_time, row limit); quote a column named settings as `settings`',
      );
    }
    if (word === 'OUTFILE') {
      return refuse('read_only', 'INTO OUTFILE is refused: the SQL endpoint never writes files');
    }
    if (word === 'FORMAT' && code[i + 1]?.text !== '(') {
      return refuse(
        'format_not_allowed',
        'FORMAT clauses are refused: choose the output with "format" (json, csv or table)',
      );
    }
  }
  const first = code.find((t) => !(t.kind === 'punct' && t.text === '('));
  const keyword = first?.kind === 'word' ? first.text.toUpperCase() : (first?.text ?? '');
  if (!READ_STATEMENTS.includes(keyword)) {
    return refuse(
      'read_only',
      `${keyword} statements are refused: the SQL endpoint is read-only and runs only ` +
        `${READ_STATEMENTS.join(', ')} statements`,
    );
  }
  return { ok: true, sql };
}
