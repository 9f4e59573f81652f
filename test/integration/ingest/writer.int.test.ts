// The group-commit writer on the real embedded store (and, where the store must be slow on cue,
// a real Store in server mode against the fake ClickHouse): merging, acknowledgement after
// commit, the bounded queue, the failing-store circuit, shutdown.
import type { Clock } from '../../../src/clock';
import { AppError } from '../../../src/errors';
import { emptyRows, type TableRows } from '../../../src/ingest/rows';
import { type FlushEvent, IngestWriter, type WriterLimits } from '../../../src/ingest/writer';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { openStore } from '../../../src/store/open';
import { encodeJsonEachRow, insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import type { Store, StoreCallEvent } from '../../../src/store/store';
import { type FakeHandler, startFakeClickHouse } from '../../helpers/fake-clickhouse';
import { evaluationRow, requestRow, requestsWithScores } from '../../helpers/ingest-rows';
import { rejection } from '../../helpers/rejection';
import { closeTestStore, openTestStore } from '../../helpers/store';

let store: Store;
const calls: StoreCallEvent[] = [];
let now = Date.parse('2026-11-28T12:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const writers: IngestWriter[] = [];

beforeAll(async () => {
  store = await openTestStore('writer', (event) => calls.push(event));
  await migrate(store, loadMigrationFiles());
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.shutdown()));
  calls.length = 0;
});

afterAll(async () => {
  await closeTestStore(store);
});

function writerOn(target: Store, limits: Partial<WriterLimits> = {}, flushes?: FlushEvent[]) {
  const writer = new IngestWriter({
    insert: (table, body, flushId) => insertIngestRows(target, table, body, flushId),
    clock,
    limits,
    onFlush: (event) => flushes?.push(event),
  });
  writers.push(writer);
  return writer;
}

const inserts = () => calls.filter((c) => c.kind === 'insert');

async function stored(table: string, rows: TableRows): Promise<number> {
  const spans = rows.inference_requests.map((r) => r.span_id);
  const [row] = await store.query<{ n: number }>({
    tag: 'test.count',
    sql: `SELECT count() AS n FROM {db:Identifier}.{table:Identifier}
          WHERE span_id IN {spans:Array(String)}`,
    params: { table, spans },
  });
  return Number(row?.n);
}

function merge(parts: readonly TableRows[]): TableRows {
  const all = emptyRows();
  for (const part of parts) {
    all.inference_requests.push(...part.inference_requests);
    all.evaluations.push(...part.evaluations);
  }
  return all;
}

describe('IngestWriter on the real store', () => {
  it('merges concurrent writes into one INSERT per table, requests before evaluations', async () => {
    const flushes: FlushEvent[] = [];
    const writer = writerOn(store, { maxDelayMs: 20 }, flushes);
    const parts = Array.from({ length: 25 }, () => requestsWithScores(4));
    await Promise.all(parts.map((rows) => writer.write(rows)));

    expect(inserts().map((c) => c.tag)).toEqual([
      'ingest.inference_requests',
      'ingest.evaluations',
    ]);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toMatchObject({
      writes: 25,
      outcome: 'ok',
      rows: { inference_requests: 100, evaluations: 100, pending_evaluations: 0, metric_points: 0 },
    });
    const all = merge(parts);
    expect(await stored('inference_requests', all)).toBe(100);
    expect(await stored('evaluations', all)).toBe(100);
  });

  it('resolves each write only once its rows are committed', async () => {
    const writer = writerOn(store, { maxDelayMs: 1 });
    const order: string[] = [];
    const rows = requestsWithScores(3);
    const before = calls.length;
    await writer.write(rows).then(() => {
      order.push(...calls.slice(before).map((c) => c.tag), 'resolved');
    });
    expect(order).toEqual(['ingest.inference_requests', 'ingest.evaluations', 'resolved']);
    expect(await stored('inference_requests', rows)).toBe(3);
    expect(await stored('evaluations', rows)).toBe(3);
  });

  it('flushes at once when the batch is full, and after maxDelayMs otherwise', async () => {
    const byTime = writerOn(store, { maxBatchRows: 1_000, maxDelayMs: 30 });
    const started = performance.now();
    await byTime.write(requestsWithScores(1));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);

    // A delay no test waits for: only the size can trigger this flush.
    const bySize = writerOn(store, { maxBatchRows: 10, maxDelayMs: 600_000 });
    const small = bySize.write(requestsWithScores(2));
    await bySize.write(requestsWithScores(4));
    await expect(small).resolves.toBeUndefined();
  });

  it('accepts rows of every table and an empty write', async () => {
    const writer = writerOn(store);
    const request = requestRow();
    const rows = emptyRows();
    rows.inference_requests.push(request);
    rows.pending_evaluations.push({ ...evaluationRow(request, 'coherence', 0.5), model: '' });
    await expect(writer.write(emptyRows())).resolves.toBeUndefined();
    await writer.write(rows);
    expect(await stored('pending_evaluations', rows)).toBe(1);
    expect(inserts().map((c) => c.tag)).toEqual([
      'ingest.inference_requests',
      'ingest.pending_evaluations',
    ]);
  });

  it('answers 503 while the store fails, fast during the cooldown, and loses nothing it acknowledged', async () => {
    const cooldownMs = 2_000;
    const writer = writerOn(store, { maxDelayMs: 2, cooldownMs });
    const acknowledged: TableRows[] = [];
    const refusals: AppError[] = [];
    let running = true;
    // Four clients that send and, like an OTLP exporter, resend the same rows when refused.
    const clients = Array.from({ length: 4 }, async () => {
      while (running) {
        const rows = requestsWithScores(5);
        for (;;) {
          try {
            await writer.write(rows);
            acknowledged.push(rows);
            break;
          } catch (err) {
            refusals.push(err as AppError);
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      }
    });
    const waitFor = async (what: () => boolean) => {
      while (!what()) await new Promise((r) => setTimeout(r, 5));
    };
    await waitFor(() => acknowledged.length >= 20);
    await store.command({
      tag: 'test.break',
      sql: 'RENAME TABLE {db:Identifier}.inference_requests TO {db:Identifier}.inference_requests_away',
    });
    await waitFor(() => refusals.length >= 20);
    const failedInserts = inserts().filter((c) => c.outcome === 'error').length;
    // During the cooldown the writer answers without trying the store.
    await waitFor(() => refusals.length >= 60);
    expect(inserts().filter((c) => c.outcome === 'error').length).toBe(failedInserts);
    await store.command({
      tag: 'test.repair',
      sql: 'RENAME TABLE {db:Identifier}.inference_requests_away TO {db:Identifier}.inference_requests',
    });
    const acknowledgedBefore = acknowledged.length;
    now += cooldownMs;
    await waitFor(() => acknowledged.length >= acknowledgedBefore + 20);
    running = false;
    await Promise.all(clients);

    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ code: 'store_unavailable', status: 503 });
      expect(refusal.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refusal.retryAfterSeconds).toBeLessThanOrEqual(2);
    }
    const all = merge(acknowledged);
    expect(await stored('inference_requests', all)).toBe(all.inference_requests.length);
    expect(await stored('evaluations', all)).toBe(all.evaluations.length);
  });

  it('retries the tables a flush has not committed under the same flush id: nothing stored twice', async () => {
    const writer = writerOn(store, { maxDelayMs: 2 });
    await store.command({
      tag: 'test.break',
      sql: 'RENAME TABLE {db:Identifier}.evaluations TO {db:Identifier}.evaluations_away',
    });
    const rows = requestsWithScores(4);
    const written = writer.write(rows);
    // inference_requests committed, evaluations failed; repair before the retry.
    while (!inserts().some((c) => c.tag === 'ingest.evaluations' && c.outcome === 'error')) {
      await new Promise((r) => setTimeout(r, 2));
    }
    await store.command({
      tag: 'test.repair',
      sql: 'RENAME TABLE {db:Identifier}.evaluations_away TO {db:Identifier}.evaluations',
    });
    await written;
    expect(await stored('inference_requests', rows)).toBe(4);
    expect(await stored('evaluations', rows)).toBe(4);
    // The retry sent only the table that had failed.
    expect(inserts().filter((c) => c.tag === 'ingest.inference_requests')).toHaveLength(1);
  });

  it('refuses only the request whose rows the store rejects (400); the others in its flush commit', async () => {
    const writer = writerOn(store, { maxDelayMs: 20 });
    const good = requestsWithScores(3);
    const bad = requestsWithScores(2);
    (bad.inference_requests[1] as { status: string }).status = 'no-such-status';
    const [goodResult, badResult] = await Promise.allSettled([
      writer.write(good),
      writer.write(bad),
    ]);
    expect(goodResult.status).toBe('fulfilled');
    expect(badResult).toMatchObject({
      status: 'rejected',
      reason: { code: 'rows_refused', status: 400 },
    });
    expect(await stored('inference_requests', good)).toBe(3);
    expect(await stored('evaluations', good)).toBe(3);
    expect(await stored('inference_requests', bad)).toBe(0);
    // No cooldown: the store is fine, the next write goes through.
    await expect(writer.write(requestsWithScores(1))).resolves.toBeUndefined();
  });

  it('flushes what it accepted on shutdown, once however often called, and refuses writes after', async () => {
    const writer = writerOn(store, { maxDelayMs: 600_000 });
    const rows = requestsWithScores(3);
    const accepted = writer.write(rows);
    const first = writer.shutdown();
    expect(writer.shutdown()).toBe(first);
    await first;
    await expect(accepted).resolves.toBeUndefined();
    expect(await stored('inference_requests', rows)).toBe(3);
    const refused = await rejection(writer.write(requestsWithScores(1)), AppError);
    expect(refused).toMatchObject({ code: 'ingest_stopped', status: 503, retryAfterSeconds: 1 });
  });
});

describe('IngestWriter against a store that is slow on cue', () => {
  it('refuses with 429 once the queue bound is reached, and commits everything it accepted', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler: FakeHandler = async (request) => {
      if (request.sql.startsWith('INSERT')) await gate;
      return { kind: 'rows', rows: [] };
    };
    const fake = await startFakeClickHouse(handler);
    const slow = openStore({
      kind: 'server',
      url: fake.url,
      username: 'default',
      password: '',
      database: 'insight_test',
    });
    try {
      const [one, two] = [requestsWithScores(1), requestsWithScores(1)];
      const bytes = (rows: TableRows) =>
        encodeJsonEachRow(rows.inference_requests).length +
        encodeJsonEachRow(rows.evaluations).length;
      // Room for exactly the first two writes.
      const writer = writerOn(slow, { maxDelayMs: 1, maxQueueBytes: bytes(one) + bytes(two) });
      const first = writer.write(one);
      // Once the first flush is stuck in the store, the next writes wait behind it.
      while (!fake.requests.some((r) => r.sql.startsWith('INSERT'))) {
        await new Promise((r) => setTimeout(r, 2));
      }
      const second = writer.write(two);
      const refused = await rejection(writer.write(requestsWithScores(2)), AppError);
      expect(refused).toMatchObject({
        code: 'ingest_saturated',
        status: 429,
        retryAfterSeconds: 1,
      });
      expect(writer.queuedBytes).toBe(bytes(one) + bytes(two));

      release();
      await Promise.all([first, second]);
      expect(writer.queuedBytes).toBe(0);
      const sent = fake.requests
        .filter((r) => r.sql.includes('{table:Identifier}'))
        .map((r) => `${r.params.param_table}:${r.data.split('\n').length - 1}`);
      expect(sent).toEqual([
        'inference_requests:1',
        'evaluations:1',
        'inference_requests:1',
        'evaluations:1',
      ]);
      await expect(writer.write(requestsWithScores(2))).resolves.toBeUndefined();
    } finally {
      await Promise.all(writers.splice(0).map((w) => w.shutdown()));
      await slow.close();
      await fake.close();
    }
  });
});
