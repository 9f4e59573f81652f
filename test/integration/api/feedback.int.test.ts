// Delayed labels end to end on the real embedded store: POST /api/v1/feedback over real HTTP
// through the real group-commit writer into pending_evaluations, then the attribution pass
// moving them into evaluations (and so into evaluations_1m and the summary) once their request
// is in inference_requests — exactly once, even after a crash between copy and delete.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createApp } from '../../../src/api/app';
import { closeServer, listen } from '../../../src/api/http-server';
import type { ErrorBody } from '../../../src/api/middleware/errors';
import { systemClock } from '../../../src/clock';
import { parseTokens } from '../../../src/config/tokens';
import { createAttribution } from '../../../src/ingest/attribution';
import { emptyRows } from '../../../src/ingest/rows';
import { IngestWriter } from '../../../src/ingest/writer';
import { createModelStats } from '../../../src/model-stats/service';
import type { ModelSummary } from '../../../src/model-stats/summary';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import {
  copyToEvaluations,
  findAttributable,
  movePendingEvaluations,
} from '../../../src/store/repositories/pending-evaluations';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { requestRow, tsText } from '../../helpers/telemetry-rows';

const INGEST = 'ingest-secret-0123456789';
const READ = 'read-secret-0123456789ab';
const log = createLogger('silent');

let store: Store;
let writer: IngestWriter;
let server: Server;
let base: string;
const attribution = () =>
  createAttribution({ move: (limit) => movePendingEvaluations(store, limit), log });

const traceId = () => randomBytes(16).toString('hex');
const spanId = () => randomBytes(8).toString('hex');

async function post(body: string, token = INGEST): Promise<Response> {
  return fetch(`${base}/api/v1/feedback`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
}

async function feedback(
  items: unknown,
): Promise<{ accepted: number; rejected: number; errors: unknown[] }> {
  const response = await post(JSON.stringify(items));
  expect(response.status).toBe(200);
  return (await response.json()) as { accepted: number; rejected: number; errors: unknown[] };
}

async function request(
  model: string,
  ids: { trace_id?: string; span_id?: string; response_id?: string },
  version = 'v1',
) {
  const row = requestRow({
    ts: tsText(Date.now() - 60_000),
    model,
    model_version: version,
    ...ids,
  });
  await writer.write({ ...emptyRows(), inference_requests: [row] });
}

async function rowsOf(table: 'pending_evaluations' | 'evaluations', traceOrResponse: string) {
  return store.query<{
    model: string;
    model_version: string;
    name: string;
    value: number | null;
    ts: string;
  }>({
    tag: 'test.rows',
    sql: `SELECT model, model_version, name, value, toString(ts) AS ts FROM {db:Identifier}.{table:Identifier}
          WHERE trace_id = {id:String} OR response_id = {id:String} ORDER BY name`,
    params: { table, id: traceOrResponse },
  });
}

async function rolledUp(model: string): Promise<number> {
  const [row] = await store.query<{ n: number }>({
    tag: 'test.evaluations_1m',
    sql: 'SELECT sum(evaluations) AS n FROM {db:Identifier}.evaluations_1m WHERE model = {model:String}',
    params: { model },
  });
  return row?.n ?? 0;
}

beforeAll(async () => {
  store = await openTestStore('feedback_api');
  await migrate(store, loadMigrationFiles());
  writer = new IngestWriter({
    insert: (table, body, flushId) => insertIngestRows(store, table, body, flushId),
  });
  const app = createApp({
    tokens: parseTokens(`collector:${INGEST}:ingest,grafana:${READ}:read`),
    log,
    metrics: createMetrics(),
    readiness: async () => ({ ready: true, checks: { store: 'ok', migrations: 'ok' } }),
    status: async () => ({}),
    effectiveConfig: () => ({}),
    modelStats: createModelStats(store, systemClock),
    feedback: {
      sink: writer,
      clock: systemClock,
      retentionDays: 30,
      scoreRanges: { accuracy: { min: 0, max: 1 }, coherence: { min: 0, max: 1 } },
    },
  });
  const listening = await listen(app, '127.0.0.1', 0);
  server = listening.server;
  base = `http://127.0.0.1:${listening.port}`;
});

afterAll(async () => {
  if (server !== undefined) await closeServer(server, 1_000);
  if (writer !== undefined) await writer.shutdown();
  if (store !== undefined) await closeTestStore(store);
});

describe('POST /api/v1/feedback', () => {
  it('stores the valid items in pending_evaluations and says which items were refused and why', async () => {
    const trace = traceId();
    const result = await feedback([
      { trace_id: trace, span_id: spanId(), name: 'accuracy', value: 0.9 },
      { trace_id: trace, span_id: spanId(), name: 'accuracy', value: 1.5 },
      { response_id: trace, name: 'verdict', label: 'good' },
      { name: 'accuracy', value: 0.2 },
    ]);
    expect(result).toEqual({
      accepted: 2,
      rejected: 2,
      errors: [
        { index: 1, message: 'value: accuracy outside [0, 1], got 1.5' },
        { index: 3, message: 'name the request: trace_id and span_id, or response_id' },
      ],
    });
    const pending = await rowsOf('pending_evaluations', trace);
    expect(pending.map((r) => [r.model, r.name, r.value])).toEqual([
      ['', 'accuracy', 0.9],
      ['', 'verdict', null],
    ]);
  });

  it('accepts a single object', async () => {
    expect(await feedback({ response_id: traceId(), name: 'csat', value: 4 })).toEqual({
      accepted: 1,
      rejected: 0,
      errors: [],
    });
  });

  it.each([
    ['not JSON', '{"name": ', 'invalid_json'],
    ['a number', '42', 'invalid_body'],
    ['null', 'null', 'invalid_body'],
    ['empty', '', 'invalid_body'],
  ])('400 when the body is %s', async (_what, body, code) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe(code);
  });

  it('needs the ingest scope: 401 without a token, 403 with a read token', async () => {
    const none = await fetch(`${base}/api/v1/feedback`, { method: 'POST', body: '[]' });
    expect(none.status).toBe(401);
    expect((await post('[]', READ)).status).toBe(403);
  });
});

describe('attribution of delayed scores', () => {
  it('a score that arrived before its request moves to evaluations once the request arrives, with its model, version and ts', async () => {
    const [trace, span] = [traceId(), spanId()];
    const ts = new Date(Date.now() - 30 * 60_000 - 123).toISOString().replace('Z', '456Z'); // µs
    await feedback([{ trace_id: trace, span_id: span, name: 'accuracy', value: 0.25, ts }]);
    const loop = attribution();

    expect((await loop.runOnce()).moved).toBe(0);
    expect(await rowsOf('pending_evaluations', trace)).toHaveLength(1);

    await request('late-model', { trace_id: trace, span_id: span }, 'v7');
    expect(await loop.runOnce()).toMatchObject({ moved: 1, settled: 1 });
    expect(await rowsOf('pending_evaluations', trace)).toEqual([]);
    const moved = await rowsOf('evaluations', trace);
    const micros = `${ts.slice(0, 10)} ${ts.slice(11, 26)}`; // the feedback's own ts, to the µs
    expect(moved).toEqual([
      { model: 'late-model', model_version: 'v7', name: 'accuracy', value: 0.25, ts: micros },
    ]);

    // Re-runs find nothing to do and copy nothing again.
    expect((await loop.runOnce()).moved).toBe(0);
    expect(await rowsOf('evaluations', trace)).toHaveLength(1);
    expect(await rolledUp('late-model')).toBe(1);

    const response = await fetch(`${base}/api/v1/models/late-model/summary`, {
      headers: { authorization: `Bearer ${READ}` },
    });
    const summary = (await response.json()) as ModelSummary;
    expect(summary.scores).toEqual({ accuracy: { mean: 0.25, count: 1 } });
  });

  it('matches on response_id when trace and span are not both given', async () => {
    const responseId = `chatcmpl-${traceId()}`;
    await feedback([
      { response_id: responseId, trace_id: traceId(), name: 'coherence', value: 0.5 },
    ]);
    await request('by-response', { response_id: responseId }, 'v2');
    expect((await attribution().runOnce()).moved).toBe(1);
    expect(
      (await rowsOf('evaluations', responseId)).map((r) => [r.model, r.model_version]),
    ).toEqual([['by-response', 'v2']]);
  });

  it('trace and span, when both given, win over response_id', async () => {
    const [trace, span, responseId] = [traceId(), spanId(), `resp-${traceId()}`];
    await request('other-model', { response_id: responseId });
    await feedback([
      { trace_id: trace, span_id: span, response_id: responseId, name: 'accuracy', value: 1 },
    ]);
    expect((await attribution().runOnce()).moved).toBe(0);
    await request('span-model', { trace_id: trace, span_id: span });
    expect((await attribution().runOnce()).moved).toBe(1);
    expect((await rowsOf('evaluations', trace)).map((r) => r.model)).toEqual(['span-model']);
  });

  it('a crash between copy and delete does not count the score twice', async () => {
    const [trace, span] = [traceId(), spanId()];
    await feedback([
      { trace_id: trace, span_id: span, name: 'accuracy', value: 0.5 },
      { trace_id: trace, span_id: span, name: 'coherence', value: 0.75 },
    ]);
    await request('crashy', { trace_id: trace, span_id: span });
    // The first half of a move, then "crash": copied, not deleted.
    const batch = (await findAttributable(store, 1000)).filter((a) => a.model === 'crashy');
    expect(batch).toHaveLength(2);
    await copyToEvaluations(store, batch);
    await copyToEvaluations(store, batch); // a retried INSERT copies nothing either
    expect(await rowsOf('evaluations', trace)).toHaveLength(2);
    expect(await rowsOf('pending_evaluations', trace)).toHaveLength(2);

    // The next pass finds them copied: deletes them from pending, copies nothing.
    const pass = await attribution().runOnce();
    expect(pass.moved).toBe(0);
    expect(pass.settled).toBeGreaterThanOrEqual(2);
    expect(await rowsOf('pending_evaluations', trace)).toEqual([]);
    expect(await rowsOf('evaluations', trace)).toHaveLength(2);
    expect(await rolledUp('crashy')).toBe(2);
  });

  it('a replayed feedback request with an explicit ts counts once', async () => {
    const [trace, span] = [traceId(), spanId()];
    const item = {
      trace_id: trace,
      span_id: span,
      name: 'accuracy',
      value: 0.125,
      ts: Date.now() - 1000,
    };
    await feedback([item]);
    await feedback([item]);
    expect(await rowsOf('pending_evaluations', trace)).toHaveLength(2);
    await request('replayed', { trace_id: trace, span_id: span });
    expect((await attribution().runOnce()).moved).toBe(1);
    expect(await rowsOf('pending_evaluations', trace)).toEqual([]);
    expect(await rolledUp('replayed')).toBe(1);
  });
});
