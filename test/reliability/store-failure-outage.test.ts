// One store outage, watched from every side: the real embedded ClickHouse behind a client that
// fails as an unreachable server does (test/helpers/faulty-store.ts: connection refused, then
// hung-up sockets), while the real OpenTelemetry SDK (BatchSpanProcessor, OTLP/HTTP protobuf
// exporter, in its own process) exports through a counting proxy to the receiver, /readyz is
// polled, and the scheduler ticks the SLO and drift jobs every second on a clock moved by hand
// past the windows the outage covers. The SDK's retries must store every span exactly once; the
// jobs must skip while it lasts and catch up every missed window after.
import { join } from 'node:path';
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/http-server';
import { type Clock, systemClock } from '../../src/clock';
import { parseDriftMonitors } from '../../src/drift/config';
import { createDriftJobs } from '../../src/drift/job';
import { encodeExportRequest } from '../../src/ingest/otlp';
import { createOutbox } from '../../src/outbox/outbox';
import { startScheduler } from '../../src/scheduler/scheduler';
import { lastWindowEnd } from '../../src/scheduler/windows';
import { defaultSlos } from '../../src/slo/defaults';
import { createSloJob } from '../../src/slo/job';
import { migrate } from '../../src/store/migrate';
import { loadMigrationFiles } from '../../src/store/migration-plan';
import { checkReadiness } from '../../src/store/readiness';
import { lastSucceededWindowEnd, recordJobRun } from '../../src/store/repositories/job-runs';
import type { Store } from '../../src/store/store';
import { createMetrics } from '../../src/telemetry/metrics';
import {
  capturedLog,
  countingProxy,
  dropAndClose,
  type Exchange,
  sleep,
  startIntake,
  until,
} from '../helpers/faulty-stack';
import { type FaultyStore, openFaultyStore } from '../helpers/faulty-store';
import { genaiTraces, post } from '../helpers/otlp-client';
import { reliabilitySize } from '../helpers/reliability';
import { cleanEnv, ROOT, startNode, waitForExit } from '../helpers/spawn-cli';

const OUTAGE_MS = reliabilitySize(2_000, 8_000);
const SDK_SPANS = reliabilitySize(60, 4_000);
const SPAN_INTERVAL_MS = reliabilitySize(50, 2);
// The exporter's own timeout: its retries (at most 5, each after Retry-After) must fit in it.
const EXPORT_TIMEOUT_MS = reliabilitySize(10_000, 20_000);
const MISSED_MINUTES = reliabilitySize(2, 20);

const PROTO = { 'content-type': 'application/x-protobuf' };
const CLIENT = join(__dirname, 'clients', 'store-failure-client.js');
const files = loadMigrationFiles();
const { log, lines: logLines } = capturedLog();

let faulty: FaultyStore;
let store: Store;

beforeAll(async () => {
  faulty = openFaultyStore('store_outage');
  store = faulty.store;
  await migrate(store, files);
});

afterAll(async () => {
  faulty.up();
  await dropAndClose(store);
});

/** What one outage did, seen from the SDK, the probe and the scheduler. */
interface OutageRun {
  seen: Exchange[];
  client: { spanIds: string[]; exports: { spans: number; code: number }[]; shutdown: string };
  exit: unknown;
  stderr: string;
  stored: Map<string, number>;
  readyDuring: { status: number; store: string }[];
  readyAfter: number;
  jobs: string[];
  skipLog: Record<string, unknown>[];
  runs: { job: string; start: string; status: string; started: string }[];
  origin: number;
  recoveredAtMs: number;
  evaluatedWindows: number;
  driftWindows: number;
  failedCalls: number;
}

const MINUTE = 60_000;
const SDK_MODEL = 'sdk-outage';
const JOB_MODEL = 'scheduled';

// One outage (connection refused, then hung-up sockets) while the real SDK exports through a
// counting proxy, /readyz is polled and the scheduler ticks every second on a clock moved by hand
// past MISSED_MINUTES windows; then the store returns and everything is read back.
async function runOutage(stops: (() => Promise<unknown>)[]): Promise<OutageRun> {
  const origin = lastWindowEnd(Date.now(), MINUTE) - (MISSED_MINUTES + 3) * MINUTE;
  let now = origin + MINUTE + 5_000;
  const clock: Clock = { now: () => new Date(now) };
  const intake = await startIntake(store, systemClock, log);
  stops.push(() => intake.stop());
  const base = intake.url;
  const proxy = await countingProxy(base);
  stops.push(() => proxy.close());
  // Traffic in every minute the jobs will judge.
  for (let k = 0; k <= MISSED_MINUTES + 1; k++) {
    const { request } = genaiTraces(20, JOB_MODEL, origin + k * MINUTE + 30_000);
    const body = encodeExportRequest('traces', 'protobuf', request);
    const answer = await post(`${base}/v1/traces`, body, PROTO);
    if (answer.status !== 200) throw new Error(`setup traffic answered ${answer.status}`);
  }
  const api = await listen(
    createApp({
      tokens: [],
      log,
      metrics: createMetrics(),
      readiness: () => checkReadiness(store, files),
      status: async () => ({}),
      effectiveConfig: () => ({}),
    }),
    '127.0.0.1',
    0,
  );
  stops.push(() => closeServer(api.server, 1_000));
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${api.port}/readyz`);
    const body = (await res.json()) as { checks: { store: string } };
    return { status: res.status, store: body.checks.store };
  };

  const outbox = createOutbox({ store, clock, channels: () => undefined, log });
  // The availability SLO of the default set, and a drift monitor judging each minute.
  const slo = createSloJob({
    store,
    slos: defaultSlos(JOB_MODEL).filter((s) => s.name === 'availability'),
    channels: [],
    outbox,
    log,
  });
  const drift = createDriftJobs({
    store,
    monitors: parseDriftMonitors(
      [{ name: 'minutely', model: JOB_MODEL, window: '1m', reference: { rolling: '1m' } }],
      'test',
    ),
    clock,
    log,
  });
  const jobs = [slo, ...drift];
  // The jobs have run up to the window that ended at origin + 1 min (as a running server would
  // have): recorded here rather than run, to keep the suite short.
  for (const job of jobs) {
    await recordJobRun(store, {
      job: job.name,
      windowStartMs: origin,
      windowEndMs: origin + MINUTE,
      status: 'succeeded',
      attempt: 1,
      runner: 'store-failure',
      startedAtMs: origin + MINUTE,
      finishedAtMs: origin + MINUTE + 1,
      error: '',
      details: 'seeded',
      updatedAtMs: origin + MINUTE + 1,
    });
  }
  const scheduler = startScheduler(
    jobs.map((job) => ({ job, cron: '* * * * * *' })),
    { store, clock, log, runner: 'store-failure' },
  );
  stops.push(() => scheduler.stop());
  const caughtUpTo = async (endMs: number) => {
    for (const job of jobs) {
      if ((await lastSucceededWindowEnd(store, job.name)) !== endMs) return false;
    }
    return true;
  };

  // The SDK starts last: it creates spans from its first export, stored, through the outage.
  const client = startNode(
    [
      CLIENT,
      `${proxy.url}/v1/traces`,
      SDK_MODEL,
      String(SDK_SPANS),
      String(SPAN_INTERVAL_MS),
      String(EXPORT_TIMEOUT_MS),
    ],
    cleanEnv({}),
    ROOT,
  );
  stops.push(async () => client.child.kill('SIGKILL'));
  // Up: the SDK's first export is stored.
  await until(
    'the first export',
    () => proxy.seen.some((e) => e.status === 200) || client.exit() !== undefined,
    20_000,
  );

  const logFrom = logLines.length;
  const failedBefore = faulty.failed;
  const readyDuring: OutageRun['readyDuring'] = [];
  faulty.down({ kind: 'refused' });
  const outageEnds = Date.now() + OUTAGE_MS;
  now = origin + (MISSED_MINUTES + 1) * MINUTE + 5_000;
  readyDuring.push(await readyz());
  await sleep(OUTAGE_MS / 2);
  faulty.down({ kind: 'hangup' });
  readyDuring.push(await readyz());
  // Each job's ticks meet the outage, however short it is.
  const skipLog = () => logLines.slice(logFrom).filter((l) => typeof l.job === 'string');
  await until(
    'a pass of each job to meet the outage',
    () => jobs.every((job) => skipLog().some((l) => l.job === job.name)),
    15_000,
  );
  await sleep(Math.max(0, outageEnds - Date.now()));
  const recoveredAtMs = now + 1_000;
  now = recoveredAtMs;
  faulty.up();
  const failedCalls = faulty.failed - failedBefore;
  const readyAfter = (await readyz()).status;

  const exit = await waitForExit(client, 60_000 + EXPORT_TIMEOUT_MS);
  await until(
    'the missed windows',
    () => caughtUpTo(origin + (MISSED_MINUTES + 1) * MINUTE),
    30_000 + MISSED_MINUTES * 3_000,
  );
  await scheduler.stop();

  const spans = await store.query<{ span_id: string; n: string }>({
    tag: 'test.spans',
    sql: `SELECT span_id, count() AS n FROM {db:Identifier}.inference_requests
          WHERE model = {model:String} GROUP BY span_id`,
    params: { model: SDK_MODEL },
  });
  const runs = await store.query<OutageRun['runs'][number]>({
    tag: 'test.job_runs',
    sql: `SELECT job, toUnixTimestamp64Milli(window_start) AS start, status,
                 toUnixTimestamp64Milli(started_at) AS started
          FROM {db:Identifier}.job_runs
          WHERE window_start > fromUnixTimestamp64Milli({origin:Int64}, 'UTC')`,
    params: { origin },
  });
  const after = { from: origin + MINUTE, model: JOB_MODEL };
  const [evaluated] = await store.query<{ n: string }>({
    tag: 'test.slo_status',
    sql: `SELECT uniqExact(evaluated_at) AS n FROM {db:Identifier}.slo_status
          WHERE model = {model:String} AND evaluated_at > fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
    params: after,
  });
  const [reported] = await store.query<{ n: string }>({
    tag: 'test.drift_reports',
    sql: `SELECT uniqExact(current_to) AS n FROM {db:Identifier}.drift_reports
          WHERE model = {model:String} AND current_to > fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
    params: after,
  });
  const stdout = client.stdout();
  return {
    seen: proxy.seen,
    client: stdout === '' ? { spanIds: [], exports: [], shutdown: '' } : JSON.parse(stdout),
    exit,
    stderr: client.stderr(),
    stored: new Map(spans.map((r) => [r.span_id, Number(r.n)])),
    readyDuring,
    readyAfter,
    jobs: jobs.map((j) => j.name),
    skipLog: skipLog(),
    runs,
    origin,
    recoveredAtMs,
    evaluatedWindows: Number(evaluated?.n),
    driftWindows: Number(reported?.n),
    failedCalls,
  };
}

describe(`one store outage of ${OUTAGE_MS} ms`, () => {
  let run: OutageRun;
  const stops: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    run = await runOutage(stops);
    const refused = run.seen.filter((e) => e.status === 503).length;
    const digests = run.seen.map((e) => e.digest);
    console.log(
      JSON.stringify({
        figure: 'store-outage',
        outageMs: OUTAGE_MS,
        storeCallsFailed: run.failedCalls,
        otlpRequests: run.seen.length,
        answered503: refused,
        sdkRetries: digests.filter((d, i) => digests.indexOf(d) < i).length,
        sdkExports: run.client.exports.length,
        spansCreated: run.client.spanIds.length,
        spansStored: run.stored.size,
        windowsMissed: MISSED_MINUTES * run.jobs.length,
        windowsCaughtUp: run.runs.filter((r) => r.status === 'succeeded').length,
        passesSkipped: run.skipLog.length,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    faulty.up();
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('the OTLP receiver answers the SDK 503 with Retry-After while it lasts, and never acknowledges a batch twice', () => {
    const refused = run.seen.filter((e) => e.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect(Number(e.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(run.seen.filter((e) => e.status !== 200 && e.status !== 503)).toEqual([]);
    const accepted = run.seen.filter((e) => e.status === 200).map((e) => e.digest);
    expect(new Set(accepted).size).toBe(accepted.length);
  });

  it('the SDK retries every refused export, and every span it created is stored exactly once', () => {
    expect({ exit: run.exit, stderr: run.stderr }).toEqual({
      exit: { code: 0, signal: null },
      stderr: '',
    });
    expect(run.client.exports.filter((e) => e.code !== 0)).toEqual([]);
    expect(run.client.shutdown).toBe('ok');
    // A retry is a request whose body was sent before: each refused body came back and was taken.
    const digests = run.seen.map((e) => e.digest);
    const retries = digests.filter((d, i) => digests.indexOf(d) < i);
    const refused = run.seen.filter((e) => e.status === 503).map((e) => e.digest);
    expect(retries.length).toBe(refused.length);
    const accepted = run.seen.filter((e) => e.status === 200).map((e) => e.digest);
    for (const digest of refused) expect(accepted).toContain(digest);

    expect(run.client.spanIds.length).toBe(SDK_SPANS);
    expect([...run.stored.values()].filter((n) => n !== 1)).toEqual([]);
    expect([...run.stored.keys()].sort()).toEqual([...run.client.spanIds].sort());
  });

  it('/readyz reports the store unreachable while it is down, and ready once it answers', () => {
    expect(run.readyDuring).toEqual([
      { status: 503, store: expect.stringMatching(/^unreachable: connect ECONNREFUSED/) },
      { status: 503, store: expect.stringMatching(/^unreachable: socket hang up/) },
    ]);
    expect(run.readyAfter).toBe(200);
  });

  it('scheduled jobs skip while it lasts (logged, nothing recorded as done) and catch up every missed window after', () => {
    for (const line of run.skipLog) {
      expect(line).toMatchObject({
        level: 'warn',
        msg: 'store unavailable; job pass skipped, its windows run once the store answers',
      });
    }
    // Nothing was recorded during the outage; every missed window succeeded once afterwards.
    expect(run.runs.filter((r) => Number(r.started) < run.recoveredAtMs)).toEqual([]);
    const missed = Array.from({ length: MISSED_MINUTES }, (_, k) => run.origin + (k + 1) * MINUTE);
    for (const job of run.jobs) {
      const succeeded = run.runs
        .filter((r) => r.job === job && r.status === 'succeeded')
        .map((r) => Number(r.start))
        .sort((a, b) => a - b);
      expect({ job, succeeded }).toEqual({ job, succeeded: missed });
    }
    // The caught-up windows did their work: an SLO evaluation and a drift report at each end.
    expect([run.evaluatedWindows, run.driftWindows]).toEqual([MISSED_MINUTES, MISSED_MINUTES]);
  });
});
