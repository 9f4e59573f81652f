// Unreliable stand-ins for the outbox's receivers, on a loopback port they can leave and rejoin
// (down = connection refused). Each request meets the behaviour the test picks for its index:
// answer at once; process, then answer after real milliseconds (later than the outbox waits);
// 500/503; or 429 with Retry-After. Behind it sits a consumer: Slack's incoming webhook (posts
// every message it accepts: it has no idempotency key) or a Standard Webhooks consumer that
// verifies signatures with the `standardwebhooks` package and processes each webhook-id once.
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { freePort } from './net';
import type { Answer, Received } from './receiver';

/** What the receiver does with one request. */
export type Behaviour =
  | { kind: 'ok' }
  /** Processes the message, then answers after `delayMs` real milliseconds. */
  | { kind: 'slow'; delayMs: number }
  /** Answers `status` (500/503); `processed` when the consumer had handled it first. */
  | { kind: 'fail'; status: number; processed: boolean }
  /** 429 with `Retry-After: seconds`, not processed. */
  | { kind: 'throttle'; retryAfterS: number };

/** The service behind the receiver: handles one request and says what it would answer. */
export interface Consumer {
  /** Processes `req` at `atMs`; `duplicate` when it had processed this message before. */
  consume(req: Received): { answer: Answer; duplicate: boolean };
  /** How many distinct messages it processed, and how many times in all. */
  processed(): { distinct: number; total: number };
}

/** One request as it reached the receiver, and what it was answered. */
export interface Arrival {
  atMs: number;
  behaviour: Behaviour['kind'];
  status: number;
  retryAfterS?: number;
  /** The webhook-id header, or the Slack message text. */
  key: string;
}

/** A receiver the test can take down and bring back on the same port. */
export interface UnreliableReceiver {
  url: string;
  arrivals: Arrival[];
  /** Arrivals the consumer had already processed (the receiver saw a duplicate). */
  duplicatesSeen: number;
  up(): Promise<void>;
  down(): Promise<void>;
}

/** Slack's incoming webhook: `ok` for a JSON body with text or blocks, one post per request. */
export function slackConsumer(): Consumer & { posts: Map<string, number> } {
  const posts = new Map<string, number>();
  return {
    posts,
    consume(req) {
      let body: { text?: unknown; blocks?: unknown };
      try {
        body = JSON.parse(req.body);
      } catch {
        return { answer: { status: 400, body: 'invalid_payload' }, duplicate: false };
      }
      if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) {
        return { answer: { status: 400, body: 'no_text' }, duplicate: false };
      }
      const key = String(body.text);
      const before = posts.get(key) ?? 0;
      posts.set(key, before + 1);
      return {
        answer: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' },
        duplicate: before > 0,
      };
    },
    processed: () => ({
      distinct: posts.size,
      total: [...posts.values()].reduce((a, b) => a + b, 0),
    }),
  };
}

// standardwebhooks' verify reads Date.now(); the consumer's clock is the test's clock, as a real
// consumer's wall clock agrees with the sender's. Synchronous, so nothing else sees the swap.
function verifyAt(wh: Webhook, req: Received): unknown {
  const wallClock = Date.now;
  Date.now = () => req.atMs;
  try {
    const h = (name: string) => String(req.headers[name] ?? '');
    return wh.verify(req.body, {
      'webhook-id': h('webhook-id'),
      'webhook-timestamp': h('webhook-timestamp'),
      'webhook-signature': h('webhook-signature'),
    });
  } finally {
    Date.now = wallClock;
  }
}

/** A Standard Webhooks consumer: 401 unless signed, 204, each webhook-id processed once. */
export function webhookConsumer(secret: string): Consumer & { handled: Map<string, unknown> } {
  const wh = new Webhook(secret);
  const handled = new Map<string, unknown>();
  let total = 0;
  return {
    handled,
    consume(req) {
      let payload: unknown;
      try {
        payload = verifyAt(wh, req);
      } catch (err) {
        return {
          answer: { status: 401, body: JSON.stringify({ error: (err as Error).message }) },
          duplicate: false,
        };
      }
      const id = String(req.headers['webhook-id']);
      const duplicate = handled.has(id);
      if (!duplicate) {
        handled.set(id, payload);
        total++;
      }
      return { answer: { status: 204 }, duplicate };
    },
    processed: () => ({ distinct: handled.size, total }),
  };
}

function keyOf(req: Received): string {
  const id = req.headers['webhook-id'];
  if (typeof id === 'string') return id;
  try {
    return String((JSON.parse(req.body) as { text?: unknown }).text);
  } catch {
    return '';
  }
}

/**
 * Starts a receiver in front of `consumer` on a free loopback port (listening unless `down`);
 * `behaviour(index, atMs)` picks what request number `index` meets, `now` stamps arrivals.
 */
export async function startUnreliableReceiver(options: {
  consumer: Consumer;
  behaviour: (index: number, atMs: number) => Behaviour;
  now: () => number;
  path: string;
  down?: boolean;
}): Promise<UnreliableReceiver> {
  const port = await freePort();
  const pendingAnswers = new Set<NodeJS.Timeout>();
  const handle = (req: Received): { answer: Answer; arrival: Arrival; delayMs: number } => {
    const b = options.behaviour(receiver.arrivals.length, req.atMs);
    const base = { atMs: req.atMs, behaviour: b.kind, key: keyOf(req) };
    if (b.kind === 'throttle') {
      const answer = { status: 429, headers: { 'retry-after': String(b.retryAfterS) } };
      return { answer, arrival: { ...base, status: 429, retryAfterS: b.retryAfterS }, delayMs: 0 };
    }
    if (b.kind === 'fail' && !b.processed) {
      return { answer: { status: b.status }, arrival: { ...base, status: b.status }, delayMs: 0 };
    }
    const { answer, duplicate } = options.consumer.consume(req);
    if (duplicate) receiver.duplicatesSeen++;
    const status = b.kind === 'fail' ? b.status : answer.status;
    return {
      answer: b.kind === 'fail' ? { status } : answer,
      arrival: { ...base, status },
      delayMs: b.kind === 'slow' ? b.delayMs : 0,
    };
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: options.now(),
      };
      const { answer, arrival, delayMs } = handle(r);
      receiver.arrivals.push(arrival);
      const send = () => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body ?? '');
      };
      if (delayMs === 0) return send();
      const timer = setTimeout(() => {
        pendingAnswers.delete(timer);
        if (!res.destroyed) send();
      }, delayMs);
      pendingAnswers.add(timer);
    });
  });
  let listening = false;
  const receiver: UnreliableReceiver = {
    url: `http://127.0.0.1:${port}${options.path}`,
    arrivals: [],
    duplicatesSeen: 0,
    async up() {
      if (listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      listening = true;
    },
    async down() {
      for (const t of pendingAnswers) clearTimeout(t);
      pendingAnswers.clear();
      if (!listening) return;
      listening = false;
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
  if (options.down !== true) await receiver.up();
  return receiver;
}
