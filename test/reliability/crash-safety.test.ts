// Crash safety: a real `serve` on a persistent data directory under sustained OTLP ingest, killed
// with SIGKILL at a random moment and restarted on the same directory, round after round, while
// outbox messages wait for a receiver that answers 503. Afterwards every span acknowledged is
// stored (duplicates only from requests resent after getting no answer), each restart reopened
// the store cleanly (ready, no error logged, no migration applied) and every message reached the
// receiver once per webhook-id. The messages are put in the outbox by the outbox's own enqueue
// before the first start: the jobs that enqueue in serve tick once a minute, longer than a round.
// Fast variant: 1 round; INSIGHTAGENT_RELIABILITY=full: 5. CRASH_SEED=<n> replays a run's draws.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../src/random';
import { loadMigrationFiles } from '../../src/store/migration-plan';
import { OtlpLoad, tallyStored } from '../helpers/crash-load';
import {
  seedOutbox,
  startFlakyWebhookReceiver,
  type WebhookChannel,
} from '../helpers/crash-outbox';
import {
  apiBase,
  errorLines,
  launchServe,
  logLines,
  otlpBase,
  type ServeHome,
  type ServeLife,
  startServeOn,
} from '../helpers/crash-serve';
import { freePort } from '../helpers/net';
import { reliabilitySize } from '../helpers/reliability';
import {
  type Cli,
  killAll,
  removeTempDirs,
  stop,
  tempDir,
  waitForHttp,
} from '../helpers/spawn-cli';

const ROUNDS = reliabilitySize(1, 5);
const WORKERS = reliabilitySize(6, 12);
const SPANS_PER_REQUEST = reliabilitySize(40, 100);
/** The kill lands this long (uniformly drawn, ms) after the server is ready. */
const KILL_AFTER_MS = reliabilitySize<[number, number]>([800, 2_000], [200, 6_000]);
const MESSAGES = reliabilitySize(6, 20);
/** The receiver's 503 comes this late, so a kill can land while a delivery is in flight. */
const REFUSAL_DELAY_MS = reliabilitySize(0, 300);
/** Rounds whose kill waits for a delivery in flight (its claim must lapse after the restart). */
const MID_DELIVERY_ROUNDS = reliabilitySize<number[]>([], [2, 4]);
const MIGRATION_KILLS = reliabilitySize(1, 5);
const MIGRATIONS = loadMigrationFiles().length;

const TOKEN = 'crash-admin-0123456789abcdef';
const SECRET = `whsec_${Buffer.from('crash-safety-signing-key-0123456789').toString('base64')}`;
const MODEL = 'crash-load';
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
const random = seededRandom(SEED);
const between = ([lo, hi]: readonly [number, number]) => Math.round(lo + random() * (hi - lo));

afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

// A home for serve: fresh data dir, free ports, an admin token, the webhook channels and one SLO
// on a model that never appears (so no alert joins the seeded messages).
async function newHome(name: string, channels: readonly WebhookChannel[]): Promise<ServeHome> {
  const dataDir = await tempDir(name);
  const config = join(await tempDir(`${name}-config`), 'insightagent.yaml');
  const channelYaml = channels.map(
    (c) => `  - {name: ${c.name}, kind: webhook, url: "${c.url}", secret: "${c.secret}"}`,
  );
  await writeFile(
    config,
    [
      'channels:',
      ...(channelYaml.length > 0 ? channelYaml : ['  []']),
      'slos:',
      '  - {name: quiet, model: crash-none, sli: {kind: availability}, objective: 0.99}',
      '',
    ].join('\n'),
  );
  const apiPort = await freePort();
  let otlpPort = await freePort();
  while (otlpPort === apiPort) otlpPort = await freePort();
  return {
    dataDir,
    apiPort,
    otlpPort,
    env: { INSIGHTAGENT_CONFIG: config, INSIGHTAGENT_TOKENS: `crash:${TOKEN}:admin` },
  };
}

const auth = { authorization: `Bearer ${TOKEN}` };

// Runs one read-only statement through POST /api/v1/sql; returns its rows.
async function sql<Row>(home: ServeHome, query: string): Promise<Row[]> {
  const res = await fetch(`${apiBase(home)}/api/v1/sql`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`SQL answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { rows: Row[] }).rows;
}

// Returns how often each span id of the load's model is in `table` (10,000 ids per page).
async function storedSpans(home: ServeHome, table: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let after = '';
  for (;;) {
    // The table is one of two names here and span ids are the load's own hex ids: safe to
    // write into the statement.
    const page = await sql<{ span_id: string; n: number }>(
      home,
      `SELECT span_id, count() AS n FROM ${table}
       WHERE model = '${MODEL}' AND span_id > '${after}'
       GROUP BY span_id ORDER BY span_id LIMIT 10000`,
    );
    for (const row of page) counts.set(row.span_id, Number(row.n));
    const last = page.at(-1);
    if (last === undefined || page.length < 10_000) return counts;
    after = last.span_id;
  }
}

// The outbox as GET /api/v1/deliveries lists it: status per message id.
async function deliveries(home: ServeHome): Promise<Map<string, string>> {
  const res = await fetch(`${apiBase(home)}/api/v1/deliveries?limit=1000`, { headers: auth });
  const body = (await res.json()) as { deliveries: Array<{ id: string; status: string }> };
  return new Map(body.deliveries.map((d) => [d.id, d.status]));
}

// Waits (up to `timeoutMs`) for the "store schema current" line; returns how many it applied.
async function schemaApplied(cli: Cli, timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const line = logLines(cli).find((l) => l.msg === 'store schema current');
    if (line !== undefined) return Number(line.applied);
    await sleep(50);
  }
  throw new Error(`no "store schema current" line within ${timeoutMs} ms:\n${cli.stderr()}`);
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  pollMs = 200,
) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return;
    await sleep(pollMs);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

test(`acknowledged spans and pending deliveries survive ${ROUNDS} SIGKILL(s) of serve (seed ${SEED})`, async () => {
  const receiver = await startFlakyWebhookReceiver(SECRET, REFUSAL_DELAY_MS);
  let load: OtlpLoad | undefined;
  try {
    const channels = ['a', 'b'].map((n) => ({
      name: `hooks-${n}`,
      url: `${receiver.origin}/${n}`,
      secret: SECRET,
    }));
    const home = await newHome('crash-safety', channels);
    const ids = Array.from({ length: MESSAGES }, (_, i) => `crash-msg-${i + 1}`);
    await seedOutbox(home.dataDir, channels, ids);

    const rounds: Array<{ killAfterMs: number; readyMs: number; applied: number }> = [];
    const pendingAtKill: number[] = [];
    const deliveringAtKill: number[] = [];
    let life: ServeLife = await startServeOn(home);
    expect(await schemaApplied(life.cli)).toBe(0);
    load = new OtlpLoad({
      otlpBase: () => otlpBase(home),
      token: TOKEN,
      workers: WORKERS,
      spansPerRequest: SPANS_PER_REQUEST,
      model: MODEL,
    });
    load.start();
    for (let round = 1; round <= ROUNDS; round++) {
      const killAfterMs = between(KILL_AFTER_MS);
      await sleep(killAfterMs);
      const statuses = await deliveries(home);
      pendingAtKill.push(ids.filter((id) => statuses.get(id) === 'pending').length);
      if (MID_DELIVERY_ROUNDS.includes(round)) {
        await waitFor('a delivery in flight', async () => receiver.inFlight > 0, 20_000, 5);
      }
      deliveringAtKill.push(receiver.inFlight);
      life.cli.child.kill('SIGKILL');
      expect((await life.cli.exited).signal).toBe('SIGKILL');
      expect(errorLines(life.cli)).toEqual([]);
      life = await startServeOn(home);
      rounds.push({ killAfterMs, readyMs: life.readyMs, applied: await schemaApplied(life.cli) });
    }
    await load.stop();
    receiver.healthy = true;
    const healthyAt = performance.now();
    await waitFor(
      'every seeded message delivered',
      async () => {
        const statuses = await deliveries(home);
        return ids.every((id) => statuses.get(id) === 'delivered');
      },
      30_000,
    );
    const deliveredMs = Math.round(performance.now() - healthyAt);
    const spans = tallyStored(load.requests, await storedSpans(home, 'inference_requests'));
    const scores = tallyStored(load.requests, await storedSpans(home, 'evaluations'));
    const [rollup] = await sql<{ n: number }>(
      home,
      `SELECT sum(requests) AS n FROM requests_1m WHERE model = '${MODEL}'`,
    );
    const exit = await stop(life.cli, 'SIGTERM', 15_000);
    expect(exit.code).toBe(0);
    expect(errorLines(life.cli)).toEqual([]);

    const acked = load.acked();
    const acceptedTimes = ids.map((id) => receiver.tallies.get(id)?.accepted ?? 0);
    console.log(
      JSON.stringify({
        suite: 'crash-safety',
        seed: SEED,
        rounds,
        requestsAcked: acked.length,
        spansAcked: acked.length * SPANS_PER_REQUEST,
        requestsResentAfterNoAnswer: load.requests.filter((r) => r.unanswered > 0).length,
        requestsRefused503: load.requests.filter((r) => r.refused > 0).length,
        spans: { rows: spans.rows, lost: spans.lost.length, duplicates: spans.duplicates },
        scores: { rows: scores.rows, lost: scores.lost.length, duplicates: scores.duplicates },
        rollupRequests: Number(rollup?.n ?? 0),
        outbox: {
          messages: ids.length,
          pendingAtKill,
          deliveringAtKill,
          refusedWhileUnhealthy: [...receiver.tallies.values()].reduce((a, t) => a + t.refused, 0),
          deliveredOnce: acceptedTimes.filter((n) => n === 1).length,
          deliveredMsAfterHealthy: deliveredMs,
        },
      }),
    );
    expect(load.failures).toEqual([]);
    expect(load.requests.every((r) => r.acked)).toBe(true);
    expect(acked.length).toBeGreaterThan(0);
    for (const tally of [spans, scores]) {
      expect(tally.lost).toEqual([]);
      expect(tally.unexplained).toEqual([]);
      expect(tally.strangers).toEqual([]);
    }
    expect(rounds.map((r) => r.applied)).toEqual(rounds.map(() => 0));
    expect(pendingAtKill).toEqual(rounds.map(() => ids.length));
    for (const round of MID_DELIVERY_ROUNDS) expect(deliveringAtKill[round - 1]).toBeGreaterThan(0);
    expect(acceptedTimes).toEqual(ids.map(() => 1));
    expect(receiver.invalid).toEqual([]);
  } finally {
    load?.abort();
    await receiver.close();
  }
}, 300_000);

test(`a kill during the first start's migrations leaves a store the next start completes (${MIGRATION_KILLS} kill(s))`, async () => {
  const figures: Array<{ killedAfter: number; appliedOnRestart: number; readyMs: number }> = [];
  for (let i = 0; i < MIGRATION_KILLS; i++) {
    const home = await newHome(`crash-migrate-${i}`, []);
    const first = launchServe(home);
    // The kill lands up to 80 ms after a random number of migration files is recorded, with at
    // least two still to go: inside the next file's statements or between two files.
    const after = 1 + Math.floor(random() * (MIGRATIONS - 2));
    const delayMs = Math.floor(random() * 80);
    let armed = true;
    first.child.stderr?.on('data', () => {
      const applied = logLines(first).filter((l) => l.msg === 'migration applied').length;
      if (!armed || applied < after) return;
      armed = false;
      setTimeout(() => first.child.kill('SIGKILL'), delayMs);
    });
    expect((await first.exited).signal).toBe('SIGKILL');
    const recorded = logLines(first).filter((l) => l.msg === 'migration applied').length;
    const second = launchServe(home);
    const readyMs = await waitForHttp(second, `${apiBase(home)}/readyz`, { timeoutMs: 30_000 });
    const appliedOnRestart = await schemaApplied(second);
    figures.push({ killedAfter: recorded, appliedOnRestart, readyMs });
    expect(appliedOnRestart).toBeGreaterThan(0);
    const versions = await sql<{ version: number; n: number }>(
      home,
      'SELECT version, count() AS n FROM schema_migrations FINAL GROUP BY version ORDER BY version',
    );
    expect(versions.map((v) => [Number(v.version), Number(v.n)])).toEqual(
      loadMigrationFiles().map((f) => [f.version, 1]),
    );
    // The schema works: spans go in, and the minute rollup's view counts each of them.
    const load = new OtlpLoad({
      otlpBase: () => otlpBase(home),
      token: TOKEN,
      workers: 1,
      spansPerRequest: 5,
      model: MODEL,
    });
    load.start();
    await sleep(100);
    await load.stop();
    const stored = tallyStored(load.requests, await storedSpans(home, 'inference_requests'));
    const [rollup] = await sql<{ n: number }>(
      home,
      `SELECT sum(requests) AS n FROM requests_1m WHERE model = '${MODEL}'`,
    );
    expect(load.acked().length).toBeGreaterThan(0);
    expect(stored.lost).toEqual([]);
    expect(Number(rollup?.n)).toBe(stored.rows);
    expect((await stop(second, 'SIGTERM', 15_000)).code).toBe(0);
    expect(errorLines(second)).toEqual([]);
  }
  console.log(JSON.stringify({ suite: 'crash-safety migrations', seed: SEED, figures }));
}, 300_000);
