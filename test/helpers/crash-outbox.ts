// The crash tests' outbound side: messages put in a data directory's outbox by the real outbox
// (dist/, in a child process: chDB binds one data directory per process), and a Standard Webhooks
// receiver that answers 503 with Retry-After until the test declares it healthy, then verifies
// each signature and records what it accepted per webhook-id.
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { freePort } from './net';
import { cleanEnv, ROOT, startNode, waitForExit } from './spawn-cli';

/** A webhook channel of the serve under test, as its YAML config lists it. */
export interface WebhookChannel {
  name: string;
  url: string;
  secret: string;
}

// Opens the store, applies the migrations (as serve does on start) and enqueues the messages
// through the outbox, on the channels given (only their names and URLs matter to enqueue).
const SEED_SCRIPT = `
const { openStore } = require('./dist/store/open');
const { embeddedStorePath } = require('./dist/store/connection');
const { migrate } = require('./dist/store/migrate');
const { loadMigrationFiles } = require('./dist/store/migration-plan');
const { createOutbox } = require('./dist/outbox/outbox');
const { destinationKey } = require('./dist/outbox/request');
const { systemClock } = require('./dist/clock');
const { createLogger } = require('./dist/telemetry/logger');
const seed = JSON.parse(process.env.CRASH_SEED);
(async () => {
  const path = embeddedStorePath(seed.dataDir);
  const store = openStore({ kind: 'embedded', path, database: 'insightagent' });
  await migrate(store, loadMigrationFiles());
  const channels = new Map(seed.channels.map((c) => [c.name, { kind: 'webhook', ...c, secret: [c.secret] }]));
  const outbox = createOutbox({ store, clock: systemClock, channels: (n) => channels.get(n), log: createLogger('warn') });
  for (const m of seed.messages) {
    const channel = channels.get(m.channel);
    const body = JSON.stringify({ type: 'insightagent.crash.test', timestamp: new Date().toISOString(), data: { id: m.id } });
    await outbox.enqueue({ id: m.id, channel: m.channel, kind: 'crash.test', request: {
      method: 'POST', url: channel.url, headers: { 'content-type': 'application/json' }, body,
      destinationKey: destinationKey('webhook', channel.url) } });
  }
  await store.close();
})().catch((err) => { console.error(err); process.exit(1); });
`;

/** Enqueues one message per id (spread over `channels`) in the outbox of `dataDir`. */
export async function seedOutbox(
  dataDir: string,
  channels: readonly WebhookChannel[],
  ids: readonly string[],
): Promise<void> {
  const messages = ids.map((id, i) => ({ id, channel: channels[i % channels.length]?.name }));
  const cli = startNode(
    ['-e', SEED_SCRIPT],
    cleanEnv({ CRASH_SEED: JSON.stringify({ dataDir, channels, messages }) }),
    ROOT,
  );
  const exit = await waitForExit(cli, 30_000);
  if (exit.code !== 0) throw new Error(`seeding the outbox failed: ${cli.stderr()}`);
}

/** What the receiver saw of one webhook-id. */
export interface WebhookTally {
  /** Requests answered 503 (before the receiver was healthy). */
  refused: number;
  /** Requests with a valid signature answered 204. */
  accepted: number;
}

/** A running receiver: flip `healthy` to accept; `tallies` per webhook-id; `invalid` signatures. */
export interface FlakyWebhookReceiver {
  origin: string;
  healthy: boolean;
  /** Requests received and not answered yet. */
  readonly inFlight: number;
  readonly tallies: Map<string, WebhookTally>;
  readonly invalid: string[];
  close(): Promise<void>;
}

/**
 * Starts a Standard Webhooks receiver on a free loopback port: 503 with `Retry-After: 1` (after
 * `delayMs`) while not healthy, then 204 for a valid signature and 401 for any other.
 */
export async function startFlakyWebhookReceiver(
  secret: string,
  delayMs: number,
): Promise<FlakyWebhookReceiver> {
  const wh = new Webhook(secret);
  const tallies = new Map<string, WebhookTally>();
  const invalid: string[] = [];
  const receiver = { healthy: false, inFlight: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const header = (name: string) => String(req.headers[name] ?? '');
      const id = header('webhook-id');
      const tally = tallies.get(id) ?? { refused: 0, accepted: 0 };
      tallies.set(id, tally);
      if (!receiver.healthy) {
        tally.refused++;
        receiver.inFlight++;
        setTimeout(() => {
          receiver.inFlight--;
          res.writeHead(503, { 'retry-after': '1' });
          res.end('not yet');
        }, delayMs);
        return;
      }
      try {
        wh.verify(Buffer.concat(chunks).toString('utf8'), {
          'webhook-id': id,
          'webhook-timestamp': header('webhook-timestamp'),
          'webhook-signature': header('webhook-signature'),
        });
        tally.accepted++;
        res.writeHead(204).end();
      } catch (err) {
        invalid.push(`${id}: ${(err as Error).message}`);
        res.writeHead(401).end();
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return Object.assign(receiver, {
    origin: `http://127.0.0.1:${port}`,
    tallies,
    invalid,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
