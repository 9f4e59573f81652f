// Store failure, case by case: the real embedded ClickHouse behind a client that fails as an
// unreachable or overloaded server does (test/helpers/faulty-store.ts), under the real receiver
// and writer on loopback HTTP. While the store fails nothing is acknowledged (503 + Retry-After,
// a google.rpc.Status naming the cause's kind, never a 400 an exporter would drop); what was
// refused and sent again is stored once, even when the store went away in the middle of a flush.
// Also: the SLO job when the server says "not now", and /readyz on a store that hangs. The whole
// outage, with the OpenTelemetry SDK and the scheduler, is store-failure-outage.test.ts.
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/http-server';
import { type Clock, systemClock } from '../../src/clock';
import { encodeExportRequest } from '../../src/ingest/otlp';
import type { WriterLimits } from '../../src/ingest/writer';
import { createModelStats } from '../../src/model-stats/service';
import { createOutbox } from '../../src/outbox/outbox';
import { runDueWindows } from '../../src/scheduler/run-job';
import { lastWindowEnd } from '../../src/scheduler/windows';
import { defaultSlos } from '../../src/slo/defaults';
import { createSloJob } from '../../src/slo/job';
import { migrate } from '../../src/store/migrate';
import { loadMigrationFiles } from '../../src/store/migration-plan';
import { checkReadiness } from '../../src/store/readiness';
import { STORE_RETRY_AFTER_SECONDS, type Store } from '../../src/store/store';
import { createMetrics } from '../../src/telemetry/metrics';
import { capturedLog, dropAndClose, startIntake } from '../helpers/faulty-stack';
import { type FaultyStore, openFaultyStore } from '../helpers/faulty-store';
import { genaiTraces, post, statusOf } from '../helpers/otlp-client';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const UNAVAILABLE = 14;
const MINUTE = 60_000;
const files = loadMigrationFiles();
const { log } = capturedLog();

let faulty: FaultyStore;
let store: Store;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  faulty = openFaultyStore('store_failure');
  store = faulty.store;
  await migrate(store, files);
});

afterEach(async () => {
  faulty.up();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await dropAndClose(store);
});

// The receiver over the faulty store, its writer on a clock the test moves (no cooldown waits).
async function intake(
  limits?: Partial<WriterLimits>,
): Promise<{ url: string; clock: Clock; advance(ms: number): void }> {
  let now = Date.now();
  const clock: Clock = { now: () => new Date(now) };
  const started = await startIntake(store, clock, log, limits);
  cleanups.push(() => started.stop());
  return {
    url: `${started.url}/v1/traces`,
    clock,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** One request as sent: its trace and its body. */
interface Sent {
  traceId: string;
  body: Buffer;
}

async function stored(
  table: 'inference_requests' | 'evaluations',
  traceIds: readonly string[],
): Promise<number> {
  const [row] = await store.query<{ n: string }>({
    tag: 'test.count',
    sql: `SELECT count() AS n FROM {db:Identifier}.{table:Identifier}
          WHERE trace_id IN {traces:Array(String)}`,
    params: { table, traces: traceIds },
  });
  return Number(row?.n);
}

describe('OTLP receiver while the store is down', () => {
  it.each([
    ['connection refused', { kind: 'refused' }, /ECONNREFUSED/],
    ['socket hang-up', { kind: 'hangup' }, /socket hang up/],
  ] as const)(
    '%s: 503 with Retry-After and a clear message, nothing acknowledged; sent again, stored once',
    async (_name, fault, cause) => {
      const { url, clock, advance } = await intake();
      faulty.down(fault);
      // The first write reaches the store and fails; the next ones meet the open circuit.
      const sent = (['protobuf', 'json', 'protobuf'] as const).map((encoding) => {
        const { traceId, request } = genaiTraces(5, 'outage-model', clock.now().getTime());
        const headers = encoding === 'json' ? JSON_TYPE : PROTO;
        return { traceId, headers, body: encodeExportRequest('traces', encoding, request) };
      });
      const answers = [];
      for (const s of sent) answers.push(await post(url, s.body, s.headers));
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(statusOf(answer)).toEqual({
          code: UNAVAILABLE,
          message: expect.stringMatching(/^the store cannot take rows now: /),
        });
      }
      const first = statusOf(answers[0] as (typeof answers)[number]).message;
      expect(first).toBe('the store cannot take rows now: insert failed (store_unavailable)');
      // The store's own error (hosts, ports) stays in the log, out of the caller's answer.
      expect(first).not.toMatch(cause);
      expect(faulty.failed).toBeGreaterThan(0);

      faulty.up();
      const traceIds = sent.map((s) => s.traceId);
      expect(await stored('inference_requests', traceIds)).toBe(0);
      // After the Retry-After the client sends the same requests again: each is stored once.
      advance(Math.max(...answers.map((a) => Number(a.headers.get('retry-after')))) * 1_000);
      for (const s of sent) expect((await post(url, s.body, s.headers)).status).toBe(200);
      expect(await stored('inference_requests', traceIds)).toBe(5 * sent.length);
      expect(await stored('evaluations', traceIds)).toBe(5 * sent.length);
    },
  );

  it('an outage between the tables of one flush: the refused request, sent again, is stored once', async () => {
    const { url, clock, advance } = await intake();
    // The store goes away once the flush's first table (the requests) is committed, before its
    // second (the scores).
    faulty.downAt((call) => call.table?.endsWith('.evaluations') === true);
    const { traceId, request } = genaiTraces(5, 'between-tables', clock.now().getTime());
    const body = encodeExportRequest('traces', 'protobuf', request);
    const refused = await post(url, body, PROTO);
    expect(refused.status).toBe(503);
    faulty.up();
    advance(Number(refused.headers.get('retry-after')) * 1_000);
    // The client sends the same request again, as an OTLP exporter does after Retry-After.
    expect((await post(url, body, PROTO)).status).toBe(200);
    expect([
      await stored('inference_requests', [traceId]),
      await stored('evaluations', [traceId]),
    ]).toEqual([5, 5]);
  });
});

describe('OTLP receiver when the store drops one connection', () => {
  it('while a flush is split request by request: that request gets 503 (not 400), and sent again is stored once', async () => {
    // Three requests in one flush (it flushes when all 18 rows are in; a smaller one waits 1 s);
    // the store refuses the rows of one, so each request is inserted alone; the connection of
    // another's second table drops.
    const { url, clock, advance } = await intake({ maxBatchRows: 18, maxDelayMs: 1_000 });
    const [good, bad, victim] = ['split-good', 'split-bad', 'split-victim'].map((model) => {
      const { traceId, request } = genaiTraces(3, model, clock.now().getTime());
      return { traceId, body: encodeExportRequest('traces', 'protobuf', request) };
    }) as [Sent, Sent, Sent];
    faulty.refuseWhere((call) => call.body?.includes(bad.traceId) === true);
    faulty.downAt(
      (call) =>
        call.table?.endsWith('.evaluations') === true &&
        call.body?.includes(victim.traceId) === true,
      { kind: 'hangup' },
      1,
    );
    const [goodAnswer, badAnswer, victimAnswer] = await Promise.all(
      [good, bad, victim].map((s) => post(url, s.body, PROTO)),
    );
    expect([goodAnswer?.status, badAnswer?.status]).toEqual([200, 400]);
    expect(victimAnswer?.status).toBe(503);
    expect(Number(victimAnswer?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    faulty.up();
    advance(Number(victimAnswer?.headers.get('retry-after')) * 1_000);
    expect((await post(url, victim.body, PROTO)).status).toBe(200);
    const counts = async (s: Sent) => [
      await stored('inference_requests', [s.traceId]),
      await stored('evaluations', [s.traceId]),
    ];
    expect([await counts(good), await counts(bad), await counts(victim)]).toEqual([
      [3, 3],
      [0, 0],
      [3, 3],
    ]);
  });
});

describe('OTLP receiver when the server answers it cannot take rows now', () => {
  it.each([
    ['TOO_MANY_PARTS', '252'],
    ['TABLE_IS_READ_ONLY', '242'],
  ])(
    '%s to a flush of three requests: each gets 503, none 400; sent again, each stored once',
    async (type, code) => {
      const { url, clock, advance } = await intake({ maxBatchRows: 18, maxDelayMs: 2_000 });
      const sent = ['busy-a', 'busy-b', 'busy-c'].map((model) => {
        const { traceId, request } = genaiTraces(3, model, clock.now().getTime());
        return { traceId, body: encodeExportRequest('traces', 'protobuf', request) };
      });
      // The server refuses the flush's INSERT and the first request's alone, then takes them.
      faulty.downAt((call) => call.method === 'rawInsert', { kind: 'busy', type, code }, 2);
      const answers = await Promise.all(sent.map((s) => post(url, s.body, PROTO)));
      expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
      for (const answer of answers) {
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(statusOf(answer).message).toBe(
          'the store cannot take rows now: insert failed (store_unavailable)',
        );
      }
      faulty.up();
      advance(2_000);
      // Sent again together: one flush of all 18 rows.
      const again = await Promise.all(sent.map((s) => post(url, s.body, PROTO)));
      expect(again.map((a) => a.status)).toEqual([200, 200, 200]);
      const traceIds = sent.map((s) => s.traceId);
      expect(await stored('inference_requests', traceIds)).toBe(9);
      expect(await stored('evaluations', traceIds)).toBe(9);
    },
  );
});

describe('the SLO job when the server answers "not now"', () => {
  it('TOO_MANY_SIMULTANEOUS_QUERIES while loading an SLO: the window fails, not done without it, and the next pass evaluates it', async () => {
    const { url } = await intake();
    const origin = lastWindowEnd(Date.now(), MINUTE) - 3 * MINUTE;
    const { request } = genaiTraces(10, 'busy-slo', origin + 30_000);
    const body = encodeExportRequest('traces', 'protobuf', request);
    expect((await post(url, body, PROTO)).status).toBe(200);
    const clock: Clock = { now: () => new Date(origin + MINUTE + 5_000) };
    const job = createSloJob({
      store,
      slos: defaultSlos('busy-slo').filter((s) => s.name === 'availability'),
      channels: [],
      outbox: createOutbox({ store, clock, channels: () => undefined, log }),
      log,
    });
    const deps = { store, clock, log, runner: 'store-failure' };
    faulty.downAt(
      (call) => call.tag?.startsWith('slo.availability_minutes') === true,
      { kind: 'busy', type: 'TOO_MANY_SIMULTANEOUS_QUERIES', code: '202' },
      1,
    );
    const window = { startMs: origin, endMs: origin + MINUTE };
    expect(await runDueWindows(job, deps)).toEqual({ succeeded: 0, skipped: 0, failed: window });
    expect(await runDueWindows(job, deps)).toEqual({ succeeded: 1, skipped: 0 });
    const [row] = await store.query<{ n: string }>({
      tag: 'test.slo_status',
      sql: `SELECT count() AS n FROM {db:Identifier}.slo_status
            WHERE model = 'busy-slo' AND evaluated_at = fromUnixTimestamp64Milli({at:Int64}, 'UTC')`,
      params: { at: window.endMs },
    });
    expect(Number(row?.n)).toBe(1);
  });
});

// The API over the faulty store, with its probes and the model routes; returns its base URL.
async function startApi(): Promise<string> {
  const app = createApp({
    tokens: [],
    log,
    metrics: createMetrics(),
    readiness: () => checkReadiness(store, files),
    status: async () => ({}),
    effectiveConfig: () => ({}),
    modelStats: createModelStats(store, systemClock),
  });
  const api = await listen(app, '127.0.0.1', 0);
  cleanups.push(() => closeServer(api.server, 1_000));
  return `http://127.0.0.1:${api.port}`;
}

describe('/readyz on a store that does not answer', () => {
  it('reports the store unreachable within its bound, and ready once it answers', async () => {
    const base = await startApi();
    const readyz = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: await res.json() };
    };
    // A store that answers only after 10 s: as good as down for a probe.
    faulty.down({ kind: 'slow', delayMs: 10_000 });
    expect(await readyz()).toEqual({
      status: 503,
      body: {
        ready: false,
        checks: { store: 'unreachable: no answer within 2000 ms', migrations: 'unknown' },
      },
    });
    faulty.up();
    expect((await readyz()).status).toBe(200);
  });
});

describe('a read route on a store that refuses connections', () => {
  it('answers 503 store_unavailable with Retry-After, and 200 once the store answers', async () => {
    const base = await startApi();
    const models = () => fetch(`${base}/api/v1/models`);
    faulty.down({ kind: 'refused' });
    const down = await models();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe(String(STORE_RETRY_AFTER_SECONDS));
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe(
      'store_unavailable',
    );
    faulty.up();
    expect((await models()).status).toBe(200);
  });
});
