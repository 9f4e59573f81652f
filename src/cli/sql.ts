import { z } from 'zod';
import { parseEnv } from '../config/env';
import { formatIssues } from '../config/issues';
import { AppError, ConfigError, errorMessage } from '../errors';
import { renderSqlResult, type SqlFormat } from '../sql/render';
import { chooseConnection } from '../store/connection';
import { openSqlRunner, type SqlRunner } from '../store/repositories/sql';
import { StoreError } from '../store/store';

const remoteSchema = z.object({
  INSIGHTAGENT_URL: z
    .url({ protocol: /^https?$/, error: 'expected the http(s) URL of a running insightagent API' })
    .optional(),
  INSIGHTAGENT_TOKEN: z.string().optional(),
});

/** Where `sql` sends its query when it does not open the store itself. */
export interface SqlRemote {
  url: string;
  token?: string;
}

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
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = remoteSchema.safeParse(present);
  if (!parsed.success)
    throw new ConfigError(`invalid environment:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  const token = parsed.data.INSIGHTAGENT_TOKEN;
  const withToken = (url: string): SqlRemote => (token === undefined ? { url } : { url, token });
  if (parsed.data.INSIGHTAGENT_URL !== undefined) {
    await overHttp(withToken(parsed.data.INSIGHTAGENT_URL), options, out, err);
    return;
  }
  let runner: SqlRunner;
  try {
    runner = openSqlRunner(chooseConnection(env));
  } catch (e) {
    if (!(e instanceof StoreError && e.code === 'store_locked')) throw e;
    // The store belongs to a running `serve`: ask it, at the address it listens on.
    const host = ['0.0.0.0', '::', ''].includes(env.host) ? '127.0.0.1' : env.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${env.apiPort}`;
    await overHttp(withToken(url), options, out, err, e);
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
  remote: SqlRemote,
  options: { query: string; format: SqlFormat },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  locked?: StoreError,
): Promise<void> {
  const endpoint = new URL('/api/v1/sql', remote.url);
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(remote.token === undefined ? {} : { authorization: `Bearer ${remote.token}` }),
      },
      body: JSON.stringify(options),
    });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    const why =
      locked === undefined
        ? ''
        : `another process owns the embedded store (${locked.message.split('. ')[0]}), so the ` +
          'query went to the API of the server that runs on it, but ';
    throw new AppError(
      'server_unreachable',
      503,
      `${why}no insightagent API answered at ${remote.url}${cause}. Set INSIGHTAGENT_URL (and ` +
        'INSIGHTAGENT_TOKEN, an admin token) to the running server, or stop it to query the store directly.',
      { cause: e },
    );
  }
  const text = await res.text();
  if (!res.ok) {
    let body: { error?: { code?: string; message?: string } } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not our error shape: quoted below as it came.
    }
    const hint =
      res.status === 401 || res.status === 403
        ? ' (set INSIGHTAGENT_TOKEN to a token with the admin scope)'
        : '';
    throw new AppError(
      body.error?.code ?? 'http_error',
      res.status,
      `${endpoint.origin} answered ${res.status}: ${body.error?.message ?? errorMessage(text)}${hint}`,
    );
  }
  out.write(text);
  const rows = res.headers.get('x-insightagent-row-count') ?? '?';
  if (res.headers.get('x-insightagent-truncated') === 'true')
    err.write(truncationNote(Number(rows), 'the server limit'));
}
