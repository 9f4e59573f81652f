// `simulate --target otlp` for real: ~3 s of chimera-batched at 20 requests/s, spans through the
// OpenTelemetry SDK to the real OTLP receiver, labels through the real feedback API, the real
// embedded store underneath. What is stored is what outcomeRows describes for the same outcomes.
// The simulator runs as its own process (the built dist/, see clients/live-client.js).
import { join } from 'node:path';
import type { EvaluationRow, RequestRow } from '../../../src/ingest/rows';
import type { LiveProgress } from '../../../src/simulate/live-context';
import { outcomeRows } from '../../../src/simulate/rows';
import { simulateRun } from '../../../src/simulate/run';
import type { Scenario } from '../../../src/simulate/scenario';
import { scenarioByName, withRate } from '../../../src/simulate/scenarios';
import { LIVE_TOKEN, type LiveStack, startLiveStack } from '../../helpers/live-stack';
import { cleanEnv, killAll, startNode, waitForExit } from '../../helpers/spawn-cli';

const CLIENT = join(__dirname, 'clients', 'live-client.js');
const LABEL_DELAY = { min: 0.01, max: 0.02 };

const DURATION_MS = 3_000;
const SEED = 11;
const scenario: Scenario = withRate(
  { ...scenarioByName('chimera-batched'), labelDelayMinutes: LABEL_DELAY },
  20,
);

// Stored rows, every column (ts as text).
type StoredRequest = RequestRow;
type StoredEvaluation = EvaluationRow;

let stack: LiveStack;
let progress: LiveProgress;
let requests: StoredRequest[];
let evaluations: StoredEvaluation[];
let runMs = 0;

beforeAll(async () => {
  stack = await startLiveStack('live_otlp');
  const started = performance.now();
  const client = startNode(
    [
      CLIENT,
      JSON.stringify({
        scenario: 'chimera-batched',
        rps: 20,
        labelDelayMinutes: LABEL_DELAY,
        seed: SEED,
        durationMs: DURATION_MS,
        target: { kind: 'otlp', endpoint: stack.otlpBase },
        feedback: { url: stack.apiBase, token: LIVE_TOKEN },
      }),
    ],
    cleanEnv({}),
  );
  const exit = await waitForExit(client, 20_000);
  if (exit.code !== 0) throw new Error(`live client failed: ${client.stderr()}`);
  progress = JSON.parse(client.stdout()) as LiveProgress;
  runMs = performance.now() - started;
  await stack.settle();
  requests = await stack.store.query<StoredRequest>({
    tag: 'test.requests',
    sql: `SELECT toString(ts) AS ts, * EXCEPT (ts) FROM {db:Identifier}.inference_requests
          ORDER BY span_id`,
  });
  evaluations = await stack.store.query<StoredEvaluation>({
    tag: 'test.evaluations',
    sql: `SELECT toString(ts) AS ts, * EXCEPT (ts) FROM {db:Identifier}.evaluations
          ORDER BY span_id, name`,
  });
}, 30_000);

afterAll(async () => {
  await killAll();
  await stack?.close();
});

// Unix microseconds of a stored DateTime64(6) text or of microsText's `seconds.micros`.
function micros(text: string): number {
  const epoch = /^(\d+)\.(\d{6})$/.exec(text);
  if (epoch !== null) return Number(epoch[1]) * 1e6 + Number(epoch[2]);
  const [whole = '', fraction = '0'] = text.split('.');
  return Date.parse(`${whole.replace(' ', 'T')}Z`) * 1000 + Number(fraction.padEnd(6, '0'));
}

it('runs in real time, paced, and counts what it sent', () => {
  expect(runMs).toBeGreaterThanOrEqual(DURATION_MS);
  expect(runMs).toBeLessThan(DURATION_MS + 6_000);
  // Paced 20/s: every whole second holds exactly 20 arrivals.
  expect(progress.sent).toBe(60);
  expect(progress).toMatchObject({ late: 0, skipped: 0, errors: 0 });
  expect(progress.served + progress.refused).toBe(progress.sent);
  expect(progress.scoresSent).toBe(progress.served);
  expect(progress.labelsPosted + progress.labelsPending).toBe(progress.served);
  expect(progress.labelsPosted).toBeGreaterThan(0);
});

it('stores each request as outcomeRows describes it (ids, columns, features), with its answer id', () => {
  const expected = [
    ...simulateRun(scenario, { startMs: progress.startMs, durationMs: DURATION_MS, seed: SEED }),
  ];
  expect(requests).toHaveLength(expected.length);
  const bySpan = new Map(requests.map((r) => [r.span_id, r]));
  for (const outcome of expected) {
    const want = outcomeRows(outcome, progress.runId, Number.POSITIVE_INFINITY).request;
    const got = bySpan.get(want.span_id);
    expect(got).toMatchObject({
      model: want.model,
      model_version: want.model_version,
      provider: want.provider,
      service: want.service,
      operation: want.operation,
      request_type: want.request_type,
      trace_id: want.trace_id,
      status: want.status,
      error_type: want.error_type,
      batch_size: want.batch_size,
      input_tokens: want.input_tokens,
      output_tokens: want.output_tokens,
      cache_hit: want.cache_hit,
      features_cat: want.features_cat,
      attributes: want.attributes,
    });
    // Live answers carry an id (gen_ai.response.id); the backfill's rows have none.
    expect(got?.response_id).toBe(
      outcome.status === 'ok'
        ? `cmpl-sim-${progress.runId}-${outcome.request.seq.toString(16)}`
        : '',
    );
    expect(Math.abs(micros(got?.ts ?? '') - micros(want.ts))).toBeLessThanOrEqual(1);
    expect(got?.latency_ms).toBeCloseTo(want.latency_ms, 3);
    for (const key of ['ttft_ms', 'queue_ms'] as const) {
      if (want[key] === null) expect(got?.[key]).toBeNull();
      else expect(got?.[key]).toBeCloseTo(want[key] as number, 3);
    }
    expect(Object.keys(got?.features_num ?? {}).sort()).toEqual(
      Object.keys(want.features_num).sort(),
    );
    for (const [name, value] of Object.entries(want.features_num))
      expect(got?.features_num[name]).toBeCloseTo(value, 9);
  }
});

it('stores each coherence score at the answer and each posted label, linked by the span ids', () => {
  const expected = [
    ...simulateRun(scenario, { startMs: progress.startMs, durationMs: DURATION_MS, seed: SEED }),
  ];
  const served = expected.filter((o) => o.status === 'ok');
  const coherence = evaluations.filter((e) => e.name === 'coherence');
  const accuracy = evaluations.filter((e) => e.name === 'accuracy');
  expect(coherence).toHaveLength(served.length);
  expect(accuracy).toHaveLength(progress.labelsPosted);
  const key = (e: { trace_id: string; span_id: string; name: string }) =>
    `${e.trace_id}/${e.span_id}/${e.name}`;
  const stored = new Map(evaluations.map((e) => [key(e), e]));
  for (const outcome of served) {
    const want = outcomeRows(outcome, progress.runId, Number.POSITIVE_INFINITY).evaluations;
    for (const row of want) {
      const got = stored.get(key(row));
      if (row.name === 'accuracy' && got === undefined) continue; // not yet due at the end
      expect(got).toMatchObject({
        model: row.model,
        model_version: row.model_version,
        trace_id: row.trace_id,
        span_id: row.span_id,
        label: row.label ?? '',
        evaluator: row.evaluator,
      });
      expect(got?.value).toBeCloseTo(row.value as number, 9);
      expect(Math.abs(micros(got?.ts ?? '') - micros(row.ts))).toBeLessThanOrEqual(1);
    }
  }
});
