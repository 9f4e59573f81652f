// The OTLP/HTTP receiver over real HTTP on loopback, with the real writer and embedded store:
// protobuf, JSON and gzip bodies stored; partial success; 400/401/403/404/405/413/415 answered
// with a google.rpc.Status in the request's encoding; the body limit counted after inflating.
import type { Server } from 'node:http';
import { createGzip, gzipSync } from 'node:zlib';
import { closeServer, listen } from '../../../src/api/http-server';
import { emptyFileConfig } from '../../../src/config/file';
import { parseTokens } from '../../../src/config/tokens';
import { encodeExportRequest } from '../../../src/ingest/otlp';
import { createReceiver } from '../../../src/ingest/receiver';
import type { IngestSettings } from '../../../src/ingest/settings';
import { SinkGate } from '../../../src/ingest/sink-gate';
import { IngestWriter } from '../../../src/ingest/writer';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import {
  logsRequest,
  metricsRequest,
  nanos,
  span,
  type tracesRequest,
} from '../../helpers/genai-otlp';
import {
  type Answer,
  genaiTraces,
  partialOf,
  post,
  randomId,
  statusOf,
} from '../../helpers/otlp-client';
import { closeTestStore, openTestStore } from '../../helpers/store';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const JSON_ANSWER = 'application/json; charset=utf-8';
const SECRETS = { ingest: 'ingest-secret-0123456789', read: 'read-secret-0123456789ab' };

let store: Store;
let writer: IngestWriter;
const metrics = createMetrics();
const servers: Server[] = [];
const base: Record<'open' | 'small' | 'guarded', string> = { open: '', small: '', guarded: '' };

async function start(settings: IngestSettings, tokens = ''): Promise<string> {
  const app = createReceiver({
    sink: writer,
    tokens: tokens === '' ? [] : parseTokens(tokens),
    log: createLogger('silent'),
    metrics,
    settings,
    retentionDays: 30,
  });
  const listening = await listen(app, '127.0.0.1', 0);
  servers.push(listening.server);
  return `http://127.0.0.1:${listening.port}`;
}

beforeAll(async () => {
  store = await openTestStore('receiver');
  await migrate(store, loadMigrationFiles());
  writer = new IngestWriter({
    insert: (table, body, flushId) => insertIngestRows(store, table, body, flushId),
    limits: { maxDelayMs: 2 },
  });
  const defaults = emptyFileConfig().ingest;
  base.open = await start(defaults);
  base.small = await start({ ...defaults, maxBodyBytes: 64 * 1024 });
  base.guarded = await start(
    defaults,
    `collector:${SECRETS.ingest}:ingest,grafana:${SECRETS.read}:read`,
  );
});

afterAll(async () => {
  await Promise.all(servers.map((s) => closeServer(s, 1_000)));
  await writer.shutdown();
  await closeTestStore(store);
});

async function rows(table: string, traceId: string): Promise<Record<string, unknown>[]> {
  return store.query({
    tag: 'test.rows',
    sql: `SELECT * EXCEPT (inserted_at) FROM {db:Identifier}.{table:Identifier}
          WHERE trace_id = {trace:String} ORDER BY span_id, ts`,
    params: { table, trace: traceId },
  });
}

function expectStatus(answer: Answer, status: number, code: number, type: string): string {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe(type);
  const body = statusOf(answer);
  expect(body.code).toBe(code);
  expect(body.message).not.toBe('');
  return body.message;
}

describe('OTLP/HTTP receiver: bodies stored', () => {
  it('stores a protobuf and a JSON body of the same spans as the same rows', async () => {
    const { traceId, request } = genaiTraces(5, 'chimera');
    const proto = await post(
      `${base.open}/v1/traces`,
      encodeExportRequest('traces', 'protobuf', request),
      PROTO,
    );
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    expect(partialOf('traces', proto.body)).toBeUndefined();
    const fromProto = await rows('inference_requests', traceId);
    expect(fromProto).toHaveLength(5);
    const scoresFromProto = await rows('evaluations', traceId);
    expect(scoresFromProto).toHaveLength(5);

    // The same spans again as JSON: rows identical to the first five, so ten in all.
    const json = await post(`${base.open}/v1/traces`, JSON.stringify(request), JSON_TYPE);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe(JSON_ANSWER);
    expect(JSON.parse(json.body.toString())).toEqual({});
    const all = await rows('inference_requests', traceId);
    expect(all).toHaveLength(10);
    expect(all.filter((_, i) => i % 2 === 0)).toEqual(fromProto);
    expect(all.filter((_, i) => i % 2 === 1)).toEqual(fromProto);
  });

  it('accepts gzip, and charset parameters and any case in the Content-Type', async () => {
    const { traceId, request } = genaiTraces(3, 'chimera');
    const answer = await post(
      `${base.open}/v1/traces`,
      gzipSync(encodeExportRequest('traces', 'protobuf', request)),
      { 'content-type': 'Application/X-Protobuf; charset=binary', 'content-encoding': 'gzip' },
    );
    expect(answer.status).toBe(200);
    expect(await rows('inference_requests', traceId)).toHaveLength(3);

    const again = genaiTraces(2, 'chimera');
    const json = await post(`${base.open}/v1/traces`, gzipSync(JSON.stringify(again.request)), {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(json.status).toBe(200);
    expect(await rows('inference_requests', again.traceId)).toHaveLength(2);
  });

  it('stores evaluation log records and metric points', async () => {
    const traceId = randomId(16);
    const logs = logsRequest([
      {
        timeUnixNano: nanos(Date.now() - 1_000),
        eventName: 'gen_ai.evaluation.result',
        traceId,
        spanId: randomId(8),
        attributes: [
          { key: 'gen_ai.evaluation.name', value: { stringValue: 'coherence' } },
          { key: 'gen_ai.evaluation.score.value', value: { doubleValue: 0.8 } },
        ],
      },
    ]);
    const logAnswer = await post(
      `${base.open}/v1/logs`,
      encodeExportRequest('logs', 'protobuf', logs),
      PROTO,
    );
    expect(logAnswer.status).toBe(200);
    expect(partialOf('logs', logAnswer.body)).toBeUndefined();
    expect(await rows('pending_evaluations', traceId)).toEqual([
      expect.objectContaining({ name: 'coherence', value: 0.8, model: '' }),
    ]);

    const name = `test.metric.${randomId(4)}`;
    const metricsBody = metricsRequest([
      {
        name,
        unit: 's',
        gauge: { dataPoints: [{ timeUnixNano: nanos(Date.now() - 1_000), asDouble: 1.25 }] },
      },
    ]);
    const metricAnswer = await post(
      `${base.open}/v1/metrics`,
      JSON.stringify(metricsBody),
      JSON_TYPE,
    );
    expect(metricAnswer.status).toBe(200);
    const points = await store.query<{ kind: string; value: number }>({
      tag: 'test.points',
      sql: 'SELECT kind, value FROM {db:Identifier}.metric_points WHERE name = {name:String}',
      params: { name },
    });
    expect(points).toEqual([{ kind: 'gauge', value: 1.25 }]);
  });

  it('answers an empty request 200, in either encoding', async () => {
    for (const signal of ['traces', 'logs', 'metrics'] as const) {
      const proto = await post(`${base.open}/v1/${signal}`, new Uint8Array(0), PROTO);
      expect(proto.status).toBe(200);
      expect(partialOf(signal, proto.body)).toBeUndefined();
      const json = await post(`${base.open}/v1/${signal}`, '', JSON_TYPE);
      expect(json.status).toBe(200);
      expect(JSON.parse(json.body.toString())).toEqual({});
    }
  });

  it('returns partial_success with the refused count and reason, and stores the valid spans', async () => {
    const { traceId, request } = genaiTraces(3, 'chimera');
    const bad = span({
      traceId,
      spanId: randomId(8),
      startMs: Date.now() - 1_000,
      endTimeUnixNano: nanos(Date.now() - 2_000),
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'chimera' },
    });
    const spans = (
      request as ReturnType<typeof tracesRequest> & {
        resourceSpans: { scopeSpans: { spans: unknown[] }[] }[];
      }
    ).resourceSpans[0]?.scopeSpans[0]?.spans;
    spans?.push(bad);

    const proto = await post(
      `${base.open}/v1/traces`,
      encodeExportRequest('traces', 'protobuf', request),
      PROTO,
    );
    expect(proto.status).toBe(200);
    const partial = partialOf('traces', proto.body);
    expect(partial?.rejected).toBe(1);
    expect(partial?.errorMessage).toMatch(/refused/);
    expect(await rows('inference_requests', traceId)).toHaveLength(3);

    const json = await post(`${base.open}/v1/traces`, JSON.stringify(request), JSON_TYPE);
    expect(JSON.parse(json.body.toString())).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: partial?.errorMessage },
    });
  });
});

describe('OTLP/HTTP receiver: errors as google.rpc.Status', () => {
  it('answers 400 INVALID_ARGUMENT for a body that does not decode, in the request encoding', async () => {
    const proto = await post(`${base.open}/v1/traces`, Buffer.from([0x0a, 0xff, 0xff]), PROTO);
    expectStatus(proto, 400, 3, 'application/x-protobuf');
    const json = await post(`${base.open}/v1/logs`, '{"resourceLogs": [', JSON_TYPE);
    expect(expectStatus(json, 400, 3, JSON_ANSWER)).toMatch(/JSON/);
  });

  it('answers 400 for a gzip body that does not inflate', async () => {
    const corrupt = Buffer.concat([gzipSync(Buffer.from('x'.repeat(1000))).subarray(0, 20)]);
    corrupt[12] = 0xff;
    const res = await post(`${base.open}/v1/traces`, corrupt, {
      ...PROTO,
      'content-encoding': 'gzip',
    });
    expect(expectStatus(res, 400, 3, 'application/x-protobuf')).toMatch(/body/);
  });

  it('answers 415 for another Content-Type or Content-Encoding, as JSON for an unknown type', async () => {
    const text = await post(`${base.open}/v1/traces`, 'hello', { 'content-type': 'text/plain' });
    expect(expectStatus(text, 415, 3, JSON_ANSWER)).toMatch(/text\/plain/);
    const none = await post(`${base.open}/v1/traces`, new Uint8Array([1]), {});
    expectStatus(none, 415, 3, JSON_ANSWER);
    const zstd = await post(`${base.open}/v1/traces`, new Uint8Array([1, 2]), {
      ...PROTO,
      'content-encoding': 'compress',
    });
    expectStatus(zstd, 415, 3, 'application/x-protobuf');
  });

  it('answers 413 past the body limit, counted after decompression', async () => {
    const big = JSON.stringify(genaiTraces(400, 'chimera').request);
    expect(big.length).toBeGreaterThan(64 * 1024);
    const plain = await post(`${base.small}/v1/traces`, big, JSON_TYPE);
    expectStatus(plain, 413, 8, JSON_ANSWER);
    const zipped = gzipSync(big);
    expect(zipped.length).toBeLessThan(64 * 1024);
    const inflated = await post(`${base.small}/v1/traces`, zipped, {
      ...JSON_TYPE,
      'content-encoding': 'gzip',
    });
    expectStatus(inflated, 413, 8, JSON_ANSWER);
  });

  it('answers a gzip bomb (1 GiB of zeros) 413 quickly, without inflating it in memory', async () => {
    // 1 GiB of zeros: one gzip member of 16 MiB repeated (gzip members concatenate).
    const member = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      const gzip = createGzip({ level: 9 });
      gzip.on('data', (c: Buffer) => chunks.push(c));
      gzip.on('end', () => resolve(Buffer.concat(chunks)));
      gzip.end(Buffer.alloc(16 * 1024 * 1024));
    });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);

    let peak = process.memoryUsage().arrayBuffers;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 5);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const answer = await post(`${base.open}/v1/traces`, bomb, {
      ...PROTO,
      'content-encoding': 'gzip',
    });
    const elapsed = performance.now() - started;
    clearInterval(sampler);
    expectStatus(answer, 413, 8, 'application/x-protobuf');
    expect(elapsed).toBeLessThan(5_000);
    // At most the 64 MiB limit (plus its concatenation) was held, far from 1 GiB.
    expect(peak - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('answers 401 without or with an unknown token and 403 with the wrong scope, in the request encoding', async () => {
    const body = encodeExportRequest('traces', 'protobuf', genaiTraces(1, 'chimera').request);
    const none = await post(`${base.guarded}/v1/traces`, body, PROTO);
    expectStatus(none, 401, 16, 'application/x-protobuf');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const unknown = await post(`${base.guarded}/v1/traces`, '{}', {
      ...JSON_TYPE,
      authorization: 'Bearer not-a-known-token-at-all',
    });
    expectStatus(unknown, 401, 16, JSON_ANSWER);
    const read = await post(`${base.guarded}/v1/traces`, body, {
      ...PROTO,
      authorization: `Bearer ${SECRETS.read}`,
    });
    expect(expectStatus(read, 403, 7, 'application/x-protobuf')).toMatch(/"ingest" scope/);
    const ingest = await post(`${base.guarded}/v1/traces`, body, {
      ...PROTO,
      authorization: `Bearer ${SECRETS.ingest}`,
    });
    expect(ingest.status).toBe(200);
  });

  it('answers 503 ingest_not_ready while the intake is closed, before reading the body', async () => {
    const gate = new SinkGate(writer);
    const app = createReceiver({
      sink: gate,
      tokens: [],
      log: createLogger('silent'),
      metrics,
      settings: emptyFileConfig().ingest,
      retentionDays: 30,
    });
    const listening = await listen(app, '127.0.0.1', 0);
    servers.push(listening.server);
    const url = `http://127.0.0.1:${listening.port}/v1/traces`;
    // Not protobuf at all: decoded, it would be a 400; refused first, it is a 503.
    const closed = await post(url, Buffer.from('not protobuf'), PROTO);
    expectStatus(closed, 503, 14, 'application/x-protobuf');
    expect(closed.headers.get('retry-after')).toBe('1');
    gate.open();
    expectStatus(
      await post(url, Buffer.from('not protobuf'), PROTO),
      400,
      3,
      'application/x-protobuf',
    );
  });

  it('answers 404 off the OTLP paths and 405 for another method', async () => {
    const missing = await post(`${base.open}/v1/spans`, '{}', JSON_TYPE);
    expect(expectStatus(missing, 404, 5, JSON_ANSWER)).toMatch(/\/v1\/traces/);
    const get = await fetch(`${base.open}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('counts requests by signal and outcome, and items accepted and rejected', async () => {
    const requests = await metrics.otlpRequests.get();
    const count = (labels: { signal: string; outcome: string }) =>
      requests.values.find(
        (v) => v.labels.signal === labels.signal && v.labels.outcome === labels.outcome,
      )?.value ?? 0;
    expect(count({ signal: 'traces', outcome: 'ok' })).toBeGreaterThanOrEqual(4);
    expect(count({ signal: 'traces', outcome: 'partial' })).toBe(2);
    expect(count({ signal: 'traces', outcome: 'payload_too_large' })).toBe(3);
    expect(count({ signal: 'traces', outcome: 'unauthenticated' })).toBe(2);
    expect(count({ signal: 'unknown', outcome: 'not_found' })).toBe(1);
    const items = await metrics.otlpItems.get();
    const rejected = items.values.find(
      (v) => v.labels.signal === 'traces' && v.labels.result === 'rejected',
    );
    expect(rejected?.value).toBe(2);
  });
});
