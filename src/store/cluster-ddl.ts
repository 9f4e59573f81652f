// Renders single-node migration DDL for a ClickHouse cluster: MergeTree tables become a
// replicated `NAME_local` table on every node plus a Distributed `NAME` in front of it.
//
// Tables stay bound parameters (`{db:Identifier}.name`, `{cluster:String}`, `{db:String}`), but
// ClickHouse's grammar takes no query parameter after ON CLUSTER or in `AS db.table` (both are
// syntax errors), so the cluster and database names have to be spliced into the text. That is
// safe because both pass quoteIdentifier, which admits only [A-Za-z0-9_]: nothing can close the
// backticks. Table names are spliced only after the same check.
import { type SqlToken, tokenizeSql } from './sql-split';

export interface ClusterTarget {
  cluster: string;
  database: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MERGE_TREE =
  /^(|Replacing|Aggregating|Summing|Collapsing|VersionedCollapsing|Graphite|Coalescing)MergeTree$/;
const REPLICATION_ARGS = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";
// Column operations the Distributed table must follow; CLEAR COLUMN only touches local data.
const COLUMN_VERBS = new Set(['ADD', 'DROP', 'MODIFY', 'RENAME', 'COMMENT']);
// Engines that collapse rows sharing a sorting key at merge time (and under FINAL): those rows
// must land on one shard, so such tables are sharded by a hash of the key rather than rand().
const KEYED_KINDS = new Set(['Replacing', 'Collapsing', 'VersionedCollapsing']);
const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

interface Statement {
  text: string;
  // Tokens other than whitespace and comments, with offsets into `text`.
  sig: SqlToken[];
}

interface TableRef {
  // Index in `sig` of the name token after `{db:Identifier}.`.
  at: number;
  name: string;
  token: SqlToken;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

// Returns `name` wrapped in backticks; throws unless it is a plain identifier.
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(
      `Invalid identifier ${JSON.stringify(name)}: expected letters, digits and underscores, not starting with a digit`,
    );
  }
  return `\`${name}\``;
}

function preview(st: Statement): string {
  const from = st.sig[0]?.start ?? 0;
  const flat = st.text.slice(from).replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

function fail(st: Statement, reason: string): Error {
  return new Error(`Cannot render statement for a cluster (${reason}): "${preview(st)}"`);
}

function isWord(st: Statement, at: number, ...words: string[]): boolean {
  return words.every((word, k) => {
    const token = st.sig[at + k];
    return token?.kind === 'word' && token.text.toUpperCase() === word;
  });
}

function isPunct(st: Statement, at: number, text: string): boolean {
  const token = st.sig[at];
  return token?.kind === 'punct' && token.text === text;
}

function isDbParam(token: SqlToken | undefined): boolean {
  return token?.kind === 'param' && token.text.replace(/\s+/g, '') === '{db:Identifier}';
}

// A `{db:Identifier}.name` reference starting at `at`, or undefined.
function tableRefAt(st: Statement, at: number): TableRef | undefined {
  if (!isDbParam(st.sig[at]) || !isPunct(st, at + 1, '.')) return undefined;
  const token = st.sig[at + 2];
  if (token?.kind !== 'word' || !IDENTIFIER.test(token.text)) {
    throw fail(st, `table name after {db:Identifier}. must be a plain identifier`);
  }
  return { at: at + 2, name: token.text, token };
}

function requireTableRef(st: Statement, at: number): TableRef {
  const ref = tableRefAt(st, at);
  if (!ref) throw fail(st, 'the object must be named as {db:Identifier}.name');
  if (isWord(st, ref.at + 1, 'ON', 'CLUSTER')) throw fail(st, 'it already has ON CLUSTER');
  return ref;
}

function skipWords(st: Statement, at: number, ...words: string[]): number {
  return isWord(st, at, ...words) ? at + words.length : at;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

function renameWithCluster(ref: TableRef, suffix: string, cluster: string): Edit {
  const { start, end } = ref.token;
  return { start, end, text: `${ref.name}${suffix} ON CLUSTER ${cluster}` };
}

// Index of the bracket closing the one at `open`.
function closingIndex(st: Statement, open: number): number {
  let depth = 0;
  for (let k = open; k < st.sig.length; k++) {
    const token = st.sig[k] as SqlToken;
    if (token.kind !== 'punct') continue;
    if (OPENERS.has(token.text)) depth++;
    else if (CLOSERS.has(token.text) && --depth === 0) return k;
  }
  throw fail(st, 'unbalanced brackets');
}

// Index of the first word `word` at bracket depth 0 from `from`, or -1.
function topLevelWord(st: Statement, from: number, word: string): number {
  let depth = 0;
  for (let k = from; k < st.sig.length; k++) {
    const token = st.sig[k] as SqlToken;
    if (token.kind === 'punct' && OPENERS.has(token.text)) depth++;
    else if (token.kind === 'punct' && CLOSERS.has(token.text)) depth--;
    else if (depth === 0 && isWord(st, k, word)) return k;
  }
  return -1;
}

function createTable(st: Statement, at: number, target: ClusterTarget): string[] {
  const ifNotExists = isWord(st, at, 'IF', 'NOT', 'EXISTS');
  const ref = requireTableRef(st, skipWords(st, at, 'IF', 'NOT', 'EXISTS'));
  const cluster = quoteIdentifier(target.cluster);
  const engineAt = topLevelWord(st, ref.at + 1, 'ENGINE');
  if (engineAt < 0) throw fail(st, 'CREATE TABLE needs an explicit ENGINE');
  const nameAt = isPunct(st, engineAt + 1, '=') ? engineAt + 2 : engineAt + 1;
  const engine = st.sig[nameAt];
  const kind = engine?.kind === 'word' ? MERGE_TREE.exec(engine.text)?.[1] : undefined;
  if (!engine || kind === undefined) {
    return [
      applyEdits(st.text, [
        { start: ref.token.end, end: ref.token.end, text: ` ON CLUSTER ${cluster}` },
      ]),
    ];
  }
  let engineEnd = engine.end;
  let args = '';
  if (isPunct(st, nameAt + 1, '(')) {
    const close = st.sig[closingIndex(st, nameAt + 1)] as SqlToken;
    args = st.text.slice((st.sig[nameAt + 1] as SqlToken).end, close.start).trim();
    engineEnd = close.end;
  }
  const replicated = `Replicated${kind}MergeTree(${REPLICATION_ARGS}${args ? `, ${args}` : ''})`;
  const local = applyEdits(st.text, [
    renameWithCluster(ref, '_local', cluster),
    { start: engine.start, end: engineEnd, text: replicated },
  ]);
  const shardingKey = KEYED_KINDS.has(kind) ? `cityHash64(${sortingKey(st, nameAt)})` : 'rand()';
  const distributed =
    `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}{db:Identifier}.${ref.name} ON CLUSTER ${cluster}` +
    ` AS ${quoteIdentifier(target.database)}.${ref.name}_local` +
    ` ENGINE = Distributed({cluster:String}, {db:String}, '${ref.name}_local', ${shardingKey})`;
  return [local, distributed];
}

// The ORDER BY expression list after the engine (without its parentheses).
function sortingKey(st: Statement, from: number): string {
  const orderAt = topLevelWord(st, from, 'ORDER');
  if (orderAt < 0 || !isWord(st, orderAt + 1, 'BY')) throw fail(st, 'the table needs an ORDER BY');
  const first = st.sig[orderAt + 2];
  if (!first) throw fail(st, 'ORDER BY without a key');
  if (isPunct(st, orderAt + 2, '(')) {
    const close = st.sig[closingIndex(st, orderAt + 2)] as SqlToken;
    const inner = st.text.slice(first.end, close.start).trim();
    if (inner === '') throw fail(st, 'ORDER BY tuple() cannot shard by key');
    return inner;
  }
  return first.text;
}

function createMaterializedView(st: Statement, at: number, cluster: string): string[] {
  const view = requireTableRef(st, skipWords(st, at, 'IF', 'NOT', 'EXISTS'));
  if (!isWord(st, view.at + 1, 'TO') || !tableRefAt(st, view.at + 2)) {
    throw fail(
      st,
      'a materialized view needs an explicit TO {db:Identifier}.table right after its name',
    );
  }
  const edits: Edit[] = [
    { start: view.token.end, end: view.token.end, text: ` ON CLUSTER ${cluster}` },
  ];
  for (let k = view.at + 1; k < st.sig.length; k++) {
    const ref = tableRefAt(st, k);
    if (ref) edits.push({ start: ref.token.start, end: ref.token.end, text: `${ref.name}_local` });
  }
  return [applyEdits(st.text, edits)];
}

function withClusterAfter(st: Statement, ref: TableRef, cluster: string): string {
  return applyEdits(st.text, [
    { start: ref.token.end, end: ref.token.end, text: ` ON CLUSTER ${cluster}` },
  ]);
}

// True when the ALTER's comma-separated operations change columns; throws on a mix, because
// the Distributed table accepts only the column changes.
function altersColumns(st: Statement, from: number): boolean {
  const kinds = new Set<boolean>();
  let depth = 0;
  let opStart = from;
  for (let k = from; k <= st.sig.length; k++) {
    const token = st.sig[k];
    if (token?.kind === 'punct' && OPENERS.has(token.text)) depth++;
    else if (token?.kind === 'punct' && CLOSERS.has(token.text)) depth--;
    else if (!token || (depth === 0 && token.kind === 'punct' && token.text === ',')) {
      const verb = st.sig[opStart]?.text.toUpperCase() ?? '';
      kinds.add(COLUMN_VERBS.has(verb) && isWord(st, opStart + 1, 'COLUMN'));
      opStart = k + 1;
    }
  }
  if (kinds.size > 1)
    throw fail(st, 'split column changes and other ALTER operations into separate statements');
  return kinds.has(true);
}

function alterTable(st: Statement, at: number, cluster: string): string[] {
  const ref = requireTableRef(st, at);
  if (ref.at + 1 >= st.sig.length) throw fail(st, 'ALTER TABLE without operations');
  const local = applyEdits(st.text, [renameWithCluster(ref, '_local', cluster)]);
  return altersColumns(st, ref.at + 1) ? [local, withClusterAfter(st, ref, cluster)] : [local];
}

function drop(st: Statement, at: number, cluster: string): string[] {
  const kindToken = st.sig[at] as SqlToken;
  const ifExists = isWord(st, at + 1, 'IF', 'EXISTS');
  const ref = requireTableRef(st, ifExists ? at + 3 : at + 1);
  if (isPunct(st, ref.at + 1, ',')) throw fail(st, 'drop one object per statement');
  const dropped = withClusterAfter(st, ref, cluster);
  if (kindToken.text.toUpperCase() !== 'TABLE') return [dropped];
  const edits = [renameWithCluster(ref, '_local', cluster)];
  if (!ifExists) edits.push({ start: kindToken.end, end: kindToken.end, text: ' IF EXISTS' });
  return [dropped, applyEdits(st.text, edits)];
}

// Returns the statements that apply one single-node migration statement to every node of
// `target.cluster`; throws for statements it does not know how to render.
export function renderForCluster(statement: string, target: ClusterTarget): string[] {
  const cluster = quoteIdentifier(target.cluster);
  quoteIdentifier(target.database);
  const sig = tokenizeSql(statement).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const st: Statement = { text: statement, sig };
  if (isWord(st, 0, 'CREATE', 'TABLE')) return createTable(st, 2, target);
  if (isWord(st, 0, 'CREATE', 'MATERIALIZED', 'VIEW'))
    return createMaterializedView(st, 3, cluster);
  const viewAt = skipWords(st, 1, 'OR', 'REPLACE');
  if (isWord(st, 0, 'CREATE') && isWord(st, viewAt, 'VIEW')) {
    const ref = requireTableRef(st, skipWords(st, viewAt + 1, 'IF', 'NOT', 'EXISTS'));
    return [withClusterAfter(st, ref, cluster)];
  }
  if (isWord(st, 0, 'ALTER', 'TABLE')) return alterTable(st, 2, cluster);
  if (isWord(st, 0, 'DROP') && ['TABLE', 'VIEW', 'DICTIONARY'].some((k) => isWord(st, 1, k))) {
    return drop(st, 1, cluster);
  }
  throw fail(st, 'unsupported statement');
}
