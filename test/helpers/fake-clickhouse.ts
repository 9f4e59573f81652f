// A stand-in ClickHouse server for server-mode tests, on a free loopback port. It speaks the part
// of ClickHouse's HTTP interface that @clickhouse/client (1.x, Node) uses: `GET /ping`; `POST /`
// with the statement in the body or in the `query` URL param, `query_id`, `param_<name>` and
// settings as URL params; gzip request bodies (`Content-Encoding: gzip`) and gzip answers when
// asked (`enable_http_compression=1` + `Accept-Encoding: gzip`); exceptions as a non-2xx answer
// with `X-ClickHouse-Exception-Code` and a `Code: N. DB::Exception: ... (TYPE)` body.
// Hand-written on node:http: no ClickHouse server can run on the test machines, and no library
// fakes its HTTP interface. Multipart bound parameters (`use_multipart_params`) are not spoken.
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';

/** One request the fake received, decoded. */
export interface FakeRequest {
  method: string;
  path: string;
  /** URL params: query_id, param_<name>, database, settings, and `query` when sent in the URL. */
  params: Record<string, string>;
  /** The statement: the `query` URL param when there is one, else the (decompressed) body. */
  sql: string;
  /** The (decompressed) body when the statement came in the URL (INSERT data), else ''. */
  data: string;
  headers: IncomingHttpHeaders;
  /** HTTP Basic credentials, when sent. */
  user?: string;
  password?: string;
}

/** What the fake does with a statement: answer rows (JSONEachRow), an exception, or drop the connection. */
export type FakeAnswer =
  | { kind: 'rows'; rows: readonly Record<string, unknown>[] }
  | { kind: 'error'; code: number; type: string; message: string; status?: number }
  | { kind: 'reset' };

/** Decides the answer to a statement; `index` counts the statements received, from 0. */
export type FakeHandler = (request: FakeRequest, index: number) => FakeAnswer | Promise<FakeAnswer>;

/** A running fake: its URL, every request it received (pings included), and close() (safe twice). */
export interface FakeClickHouse {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** Returns an empty success for every statement (DDL, INSERT, a SELECT of no rows). */
export const answerNothing: FakeHandler = () => ({ kind: 'rows', rows: [] });

/** Starts a fake ClickHouse on 127.0.0.1 with a free port; `handler` answers each statement. */
export async function startFakeClickHouse(
  handler: FakeHandler = answerNothing,
): Promise<FakeClickHouse> {
  const requests: FakeRequest[] = [];
  let statements = 0;
  const server = createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await decode(req);
    requests.push(request);
    if (request.path === '/ping') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (request.path !== '/') {
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' })
        .end('There is no handle\n');
      return;
    }
    const answer = await handler(request, statements++);
    if (answer.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    const queryId = request.params.query_id ?? randomUUID();
    // An INSERT's FORMAT names its input; any other statement's names its output.
    const isInsert = /^\s*INSERT\b/i.test(request.sql);
    const format = isInsert ? undefined : /\bFORMAT\s+(\w+)\s*$/i.exec(request.sql)?.[1];
    const headers: Record<string, string> = {
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Timezone': 'UTC',
      'X-ClickHouse-Server-Display-Name': 'fake-clickhouse',
    };
    if (answer.kind === 'error' || (format !== undefined && format !== 'JSONEachRow')) {
      const error =
        answer.kind === 'error'
          ? answer
          : {
              code: 73,
              type: 'UNKNOWN_FORMAT',
              message: `The fake speaks only JSONEachRow, not ${format}`,
            };
      headers['X-ClickHouse-Exception-Code'] = String(error.code);
      headers['Content-Type'] = 'text/plain; charset=UTF-8';
      const body = `Code: ${error.code}. DB::Exception: ${error.message}. (${error.type}) (version 24.8.4.13 (official build))\n`;
      send(req, res, ('status' in error ? error.status : undefined) ?? 500, headers, body);
      return;
    }
    const body = answer.rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    const written =
      request.data === '' ? 0 : request.data.split('\n').filter((line) => line !== '').length;
    headers['X-ClickHouse-Summary'] = JSON.stringify({
      read_rows: '0',
      read_bytes: '0',
      written_rows: String(written),
      written_bytes: String(Buffer.byteLength(request.data)),
      total_rows_to_read: '0',
      result_rows: String(answer.rows.length),
      result_bytes: String(Buffer.byteLength(body)),
      elapsed_ns: '1000',
    });
    if (format !== undefined) {
      headers['X-ClickHouse-Format'] = format;
      headers['Content-Type'] = 'application/x-ndjson; charset=UTF-8';
    } else {
      headers['Content-Type'] = 'text/plain; charset=UTF-8';
    }
    send(req, res, 200, headers, body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function decode(req: IncomingMessage): Promise<FakeRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString(
    'utf8',
  );
  const url = new URL(req.url ?? '/', 'http://fake');
  const params = Object.fromEntries(url.searchParams);
  const inUrl = params.query;
  const request: FakeRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    params,
    sql: inUrl ?? body,
    data: inUrl === undefined ? '' : body,
    headers: req.headers,
  };
  const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (auth !== undefined) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    request.user = decoded.slice(0, colon);
    request.password = decoded.slice(colon + 1);
  }
  return request;
}

// Answers gzip'd when the client asked for HTTP compression, as ClickHouse does.
function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  const url = new URL(req.url ?? '/', 'http://fake');
  const gzip =
    url.searchParams.get('enable_http_compression') === '1' &&
    /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (gzip) headers['Content-Encoding'] = 'gzip';
  res.writeHead(status, headers).end(gzip ? gzipSync(body) : body);
}
