// A real HTTP receiver on a free loopback port for outbox tests: records every request with the
// (injected) time it arrived and answers as the test's handler says.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Clock } from '../../src/clock';
import { freePort } from './net';

/** One request as the receiver saw it. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The injected clock's time when the request arrived. */
  atMs: number;
}

/** What the handler answers. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A running receiver. */
export interface Receiver {
  /** Base URL, `http://127.0.0.1:<port>`. */
  origin: string;
  received: Received[];
  close(): Promise<void>;
}

/** Starts a receiver; `answer` gets each request and the number of requests before it. */
export async function startReceiver(
  clock: Clock,
  answer: (req: Received, index: number) => Answer,
): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: clock.now().getTime(),
      };
      const a = answer(r, received.length);
      received.push(r);
      res.writeHead(a.status, a.headers);
      res.end(a.body ?? '');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
