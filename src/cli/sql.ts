import { parseEnv } from '../config/env';
import { renderSqlResult, type SqlFormat } from '../sql/render';
import { chooseConnection } from '../store/connection';
import { openSqlRunner, type SqlRunner } from '../store/repositories/sql';
import { StoreError } from '../store/store';
import { configuredRemote, localRemote, type Remote, requestRemote } from './remote';

/**
 * Runs `insightagent sql QUERY [--format]` and writes the answer to `out`: over HTTP to the
 * server at INSIGHTAGENT_URL when set; else on the store itself, and when a running server owns
 * the embedded store (`store_locked`), over HTTP to that server's API address. A note on stderr
 * says when rows were truncated.
 */
export async function runSql(
  options: { query: string; format: SqlFormat },
  source: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  const env = parseEnv(source);
  const configured = configuredRemote(source);
  if (configured !== undefined) {
    await overHttp(configured, options, out, err);
    return;
  }
  let runner: SqlRunner;
  try {
    runner = openSqlRunner(chooseConnection(env));
  } catch (e) {
    if (!(e instanceof StoreError && e.code === 'store_locked')) throw e;
    // The store belongs to a running `serve`: ask it, at the address it listens on.
    await overHttp(localRemote(env, source, e), options, out, err);
    return;
  }
  try {
    const result = await runner.run(options.query);
    out.write(renderSqlResult(result, options.format).body);
    if (result.truncated) err.write(truncationNote(result.rows.length, result.maxResultRows));
  } finally {
    await runner.close();
  }
}

function truncationNote(rows: number, max: number | string): string {
  return `insightagent: sql: only the first ${rows} rows are shown (max_result_rows = ${max})\n`;
}

// POST /api/v1/sql on a running server; its error answers become AppErrors with its code.
async function overHttp(
  remote: Remote,
  options: { query: string; format: SqlFormat },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  const { text, headers } = await requestRemote(remote, {
    method: 'POST',
    path: '/api/v1/sql',
    body: options,
    scope: 'admin',
    wording: { sent: 'query', token: 'an admin token', direct: 'query the store directly' },
  });
  out.write(text);
  const rows = headers.get('x-insightagent-row-count') ?? '?';
  if (headers.get('x-insightagent-truncated') === 'true')
    err.write(truncationNote(Number(rows), 'the server limit'));
}
