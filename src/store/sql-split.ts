// Lexes ClickHouse SQL just far enough to split migration files into statements and to let
// cluster-ddl find table references outside strings and comments.
//
// Hand-written on purpose: no maintained npm library splits ClickHouse SQL (generic splitters
// get backslash escapes, backtick identifiers or nested comments wrong), and the grammar
// needed here is only quoting and comments, not a parser.

export type SqlTokenKind = 'space' | 'comment' | 'string' | 'quoted' | 'param' | 'word' | 'punct';

export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
  start: number;
  end: number;
}

const SPACE = /\s+/y;
const WORD = /[A-Za-z0-9_\u0080-\uffff]+/y;
// A ClickHouse query parameter such as {db:Identifier} or {ids:Array(String)}.
const PARAM = /\{\s*[A-Za-z_][A-Za-z0-9_]*\s*:[^{}'"`;]*\}/y;

const QUOTES: Record<string, { kind: SqlTokenKind; what: string }> = {
  "'": { kind: 'string', what: 'single-quoted string' },
  '"': { kind: 'quoted', what: 'double-quoted identifier' },
  '`': { kind: 'quoted', what: 'backtick-quoted identifier' },
};

function lineOf(sql: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (sql.charCodeAt(i) === 10) line++;
  return line;
}

function stickyMatch(re: RegExp, sql: string, at: number): number {
  re.lastIndex = at;
  return re.test(sql) ? re.lastIndex : -1;
}

// Quoted text ends at the unescaped closing quote; `\x` and a doubled quote are escapes.
function quotedEnd(sql: string, at: number, quote: string): number {
  let i = at + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return -1;
}

// Block comments nest in ClickHouse: `/* a /* b */ c */` is one comment.
function blockCommentEnd(sql: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return -1;
}

function tokenEnd(sql: string, at: number): { kind: SqlTokenKind; end: number } {
  const c = sql[at] ?? '';
  const quote = QUOTES[c];
  if (quote) {
    const end = quotedEnd(sql, at, c);
    if (end < 0) throw new Error(`Unterminated ${quote.what} starting on line ${lineOf(sql, at)}`);
    return { kind: quote.kind, end };
  }
  if (sql.startsWith('--', at)) {
    const newline = sql.indexOf('\n', at);
    return { kind: 'comment', end: newline < 0 ? sql.length : newline };
  }
  if (sql.startsWith('/*', at)) {
    const end = blockCommentEnd(sql, at);
    if (end < 0) throw new Error(`Unterminated block comment starting on line ${lineOf(sql, at)}`);
    return { kind: 'comment', end };
  }
  for (const [kind, re] of [
    ['space', SPACE],
    ['param', PARAM],
    ['word', WORD],
  ] as const) {
    const end = stickyMatch(re, sql, at);
    if (end > at) return { kind, end };
  }
  return { kind: 'punct', end: at + 1 };
}

// Returns the tokens of `sql` in order, covering every character; throws on an unterminated
// string, quoted identifier or block comment, naming its 1-based starting line.
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let at = 0;
  while (at < sql.length) {
    const { kind, end } = tokenEnd(sql, at);
    tokens.push({ kind, text: sql.slice(at, end), start: at, end });
    at = end;
  }
  return tokens;
}

// Returns the statements of a migration file, trimmed and without their `;`, dropping those
// that hold only whitespace and comments; comments inside a statement are kept verbatim.
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  const flush = (end: number): void => {
    if (hasCode) statements.push(sql.slice(start, end).trim());
    hasCode = false;
  };
  for (const token of tokenizeSql(sql)) {
    if (token.kind === 'punct' && token.text === ';') {
      flush(token.start);
      start = token.end;
    } else if (token.kind !== 'space' && token.kind !== 'comment') {
      hasCode = true;
    }
  }
  flush(sql.length);
  return statements;
}
