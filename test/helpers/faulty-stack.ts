// What the store-failure suites build over a faulty store: the receiver as `serve` wires it, a
// logger whose lines the test reads, a counting HTTP proxy, and polling without fixed sleeps.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { closeServer, listen } from '../../src/api/http-server';
import type { Clock } from '../../src/clock';
import { emptyFileConfig } from '../../src/config/file';
import { createReceiver } from '../../src/ingest/receiver';
import { SinkGate } from '../../src/ingest/sink-gate';
import { IngestWriter, type WriterLimits } from '../../src/ingest/writer';
import { insertIngestRows } from '../../src/store/repositories/ingest-rows';
import type { Store } from '../../src/store/store';
import { createLogger, type Logger } from '../../src/telemetry/logger';
import { createMetrics } from '../../src/telemetry/metrics';

/** Returns a logger at info and the JSON lines it wrote, parsed. */
export function capturedLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: createLogger('info', sink), lines };
}

/**
 * Starts the OTLP receiver over `store` as `serve` wires it (group-commit writer, default limits
 * unless given, behind the open gate) on a loopback port; returns its base URL and how to stop it.
 */
export async function startIntake(
  store: Store,
  clock: Clock,
  log: Logger,
  limits?: Partial<WriterLimits>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const writer = new IngestWriter({
    insert: (table, body, flushId) => insertIngestRows(store, table, body, flushId),
    clock,
    ...(limits === undefined ? {} : { limits }),
  });
  const gate = new SinkGate(writer);
  gate.open();
  const app = createReceiver({
    sink: gate,
    tokens: [],
    log,
    metrics: createMetrics(),
    settings: emptyFileConfig().ingest,
    retentionDays: 30,
    clock,
  });
  const listening = await listen(app, '127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${listening.port}`,
    async stop() {
      await closeServer(listening.server, 1_000);
      await writer.shutdown();
    },
  };
}

/** One request through the counting proxy: its body's digest and the answer's status. */
export interface Exchange {
  digest: string;
  status: number;
  retryAfter: string | null;
}

/** Starts an HTTP proxy to `target` on a loopback port that records every exchange. */
export async function countingProxy(
  target: string,
): Promise<{ url: string; seen: Exchange[]; close(): Promise<void> }> {
  const seen: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'content-encoding']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'POST',
        headers,
        body,
      });
      const out = Buffer.from(await answer.arrayBuffer());
      const retryAfter = answer.headers.get('retry-after');
      seen.push({
        digest: createHash('sha256').update(body).digest('hex'),
        status: answer.status,
        retryAfter,
      });
      const back: Record<string, string> = {
        'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
      };
      if (retryAfter !== null) back['retry-after'] = retryAfter;
      res.writeHead(answer.status, back).end(out);
    })().catch((err: unknown) => res.destroy(err as Error));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 25 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Drops the suite's database and closes the store. */
export async function dropAndClose(store: Store): Promise<void> {
  await store.command({ tag: 'test.drop', sql: 'DROP DATABASE IF EXISTS {db:Identifier} SYNC' });
  await store.close();
}
