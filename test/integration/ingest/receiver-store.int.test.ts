// The receiver when the store cannot keep up or fails: 429 / 503 with Retry-After and a
// google.rpc.Status body, then recovery with every acknowledged request stored.
import type { Server } from 'node:http';
import { closeServer, listen } from '../../../src/api/http-server';
import type { Clock } from '../../../src/clock';
import { emptyFileConfig } from '../../../src/config/file';
import { encodeExportRequest } from '../../../src/ingest/otlp';
import { createReceiver } from '../../../src/ingest/receiver';
import { IngestWriter, type WriterLimits } from '../../../src/ingest/writer';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { openStore } from '../../../src/store/open';
import { insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { startFakeClickHouse } from '../../helpers/fake-clickhouse';
import { genaiTraces, post, statusOf } from '../../helpers/otlp-client';
import { closeTestStore, openTestStore } from '../../helpers/store';

const PROTO = { 'content-type': 'application/x-protobuf' };
const UNAVAILABLE = 14;
const RESOURCE_EXHAUSTED = 8;

let store: Store;
let now = Date.parse('2026-11-28T12:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  store = await openTestStore('receiver_store');
  await migrate(store, loadMigrationFiles());
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await closeTestStore(store);
});

async function receiverOn(target: Store, limits: Partial<WriterLimits>): Promise<string> {
  const writer = new IngestWriter({
    insert: (table, body, flushId) => insertIngestRows(target, table, body, flushId),
    clock,
    limits,
  });
  const app = createReceiver({
    sink: writer,
    tokens: [],
    log: createLogger('silent'),
    metrics: createMetrics(),
    settings: emptyFileConfig().ingest,
    retentionDays: 30,
  });
  const listening = await listen(app, '127.0.0.1', 0);
  cleanups.push(() => writer.shutdown());
  cleanups.push(() => closeServer(listening.server as Server, 1_000));
  return `http://127.0.0.1:${listening.port}/v1/traces`;
}

async function stored(traceIds: readonly string[]): Promise<number> {
  const [row] = await store.query<{ n: number }>({
    tag: 'test.count',
    sql: `SELECT count() AS n FROM {db:Identifier}.inference_requests
          WHERE trace_id IN {traces:Array(String)}`,
    params: { traces: traceIds },
  });
  return Number(row?.n);
}

const rename = (from: string, to: string) =>
  store.command({
    tag: 'test.rename',
    sql: 'RENAME TABLE {db:Identifier}.{from:Identifier} TO {db:Identifier}.{to:Identifier}',
    params: { from, to },
  });

describe('OTLP receiver over a failing store', () => {
  it('answers 503 with Retry-After while the store fails, then recovers with nothing acknowledged lost', async () => {
    const url = await receiverOn(store, { maxDelayMs: 2, cooldownMs: 2_000 });
    const send = async () => {
      const { traceId, request } = genaiTraces(4, 'chimera');
      const body = encodeExportRequest('traces', 'protobuf', request);
      return { traceId, body, answer: await post(url, body, PROTO) };
    };
    const acknowledged: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sent = await send();
      expect(sent.answer.status).toBe(200);
      acknowledged.push(sent.traceId);
    }

    await rename('inference_requests', 'inference_requests_away');
    const [failed, shortCircuited] = [await send(), await send()];
    const refused = [failed, shortCircuited];
    for (const { answer } of refused) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('2');
      expect(answer.headers.get('content-type')).toBe('application/x-protobuf');
      expect(statusOf(answer)).toEqual({ code: UNAVAILABLE, message: expect.any(String) });
    }
    expect(statusOf(failed.answer).message).toMatch(/insert failed \(store_query_failed\)/);
    // The second was refused by the open circuit, without trying the store.
    expect(statusOf(shortCircuited.answer).message).toMatch(/failed moments ago/);

    await rename('inference_requests_away', 'inference_requests');
    expect((await send()).answer.status).toBe(503);
    now += 2_000;
    // The client retries what was refused, as an OTLP exporter does after Retry-After.
    for (const { traceId, body } of refused) {
      expect((await post(url, body, PROTO)).status).toBe(200);
      acknowledged.push(traceId);
    }
    const after = await send();
    expect(after.answer.status).toBe(200);
    acknowledged.push(after.traceId);

    expect(await stored(acknowledged)).toBe(4 * acknowledged.length);
  });

  it('answers 429 with Retry-After and RESOURCE_EXHAUSTED when the writer queue is full', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fake = await startFakeClickHouse(async (request) => {
      if (request.sql.startsWith('INSERT')) await gate;
      return { kind: 'rows', rows: [] };
    });
    const slow = openStore({
      kind: 'server',
      url: fake.url,
      username: 'default',
      password: '',
      database: 'insight_test',
    });
    cleanups.push(() => fake.close());
    cleanups.push(() => slow.close());
    cleanups.push(async () => release());
    const url = await receiverOn(slow, { maxDelayMs: 1, maxQueueBytes: 1024 });
    const body = () => encodeExportRequest('traces', 'protobuf', genaiTraces(2, 'm').request);

    // The first request is always taken (the queue was empty) and waits for the stuck store.
    const first = post(url, body(), PROTO);
    while (!fake.requests.some((r) => r.sql.startsWith('INSERT'))) {
      await new Promise((r) => setTimeout(r, 2));
    }
    const second = await post(url, body(), PROTO);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(statusOf(second)).toEqual({ code: RESOURCE_EXHAUSTED, message: expect.any(String) });

    release();
    expect((await first).status).toBe(200);
  });
});
