import { once } from 'node:events';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientErrorAnswer } from './client-error';

/** A listening HTTP server and the port it got (useful when asked for port 0). */
export interface Listening {
  server: Server;
  host: string;
  port: number;
}

/**
 * Starts an HTTP server on host:port; rejects with the listen error (e.g. EADDRINUSE). A request
 * the HTTP parser refuses (headers too large, malformed) is answered with a JSON error body.
 */
export async function listen(
  handler: RequestListener,
  host: string,
  port: number,
): Promise<Listening> {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const answer = clientErrorAnswer(err);
    // As node's default handler: never write into a response whose headers already left.
    const inProgress = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (answer !== undefined && socket.writable && inProgress?.headersSent !== true)
      socket.end(answer);
    else socket.destroy();
  });
  server.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([err]) => Promise.reject(err)),
  ]);
  return { server, host, port: (server.address() as AddressInfo).port };
}

/**
 * Stops accepting connections and waits for in-flight requests; idle keep-alive connections are
 * closed at once. After `graceMs` the remaining connections are cut. Returns how it ended.
 */
export async function closeServer(server: Server, graceMs: number): Promise<'drained' | 'forced'> {
  if (!server.listening) return 'drained';
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection whose request finishes during the wait turns idle: close it then.
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'forced'>((resolve) => {
    timer = setTimeout(() => resolve('forced'), graceMs);
  });
  const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
  clearTimeout(timer);
  clearInterval(sweeper);
  if (outcome === 'forced') {
    server.closeAllConnections();
    await closed;
  }
  return outcome;
}

/** Answers `body` as JSON on a node response, as express's res.json does (type, length). */
export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
