// `simulate --target sidecar` for real: ~3 s of chimera-batched at 20 requests/s through a real
// `insightagent sidecar` process (chimera device, the scenario's batching) that exports its spans
// to the real OTLP receiver; scores and labels go through the real feedback API, linked by the
// answer's id (gen_ai.response.id on the sidecar's span), into the real embedded store.
import { runLive } from '../../../src/simulate/live';
import type { LiveProgress } from '../../../src/simulate/live-context';
import { scenarioByName, withRate } from '../../../src/simulate/scenarios';
import { LIVE_TOKEN, type LiveStack, startLiveStack } from '../../helpers/live-stack';
import { startSidecarCli } from '../../helpers/sidecar-cli';
import { killAll, removeTempDirs, stop } from '../../helpers/spawn-cli';

const DURATION_MS = 3_000;
const base = scenarioByName('chimera-batched');
const scenario = withRate({ ...base, labelDelayMinutes: { min: 0.01, max: 0.02 } }, 20);

let stack: LiveStack;
let progress: LiveProgress;

beforeAll(async () => {
  stack = await startLiveStack('live_sidecar');
  const sidecar = await startSidecarCli(
    {
      profile: 'chimera',
      model_version: base.version,
      models: { [base.model]: base.sidecar },
      shutdown_grace_ms: 2_000,
    },
    { OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpBase, LOG_LEVEL: 'warn' },
  );
  progress = await runLive({
    scenario,
    seed: 5,
    durationMs: DURATION_MS,
    target: { kind: 'sidecar', url: sidecar.url },
    feedback: { url: stack.apiBase, token: LIVE_TOKEN },
    signal: new AbortController().signal,
  });
  await stop(sidecar.cli, 'SIGTERM', 10_000); // flushes its spans
  await stack.settle();
}, 30_000);

afterAll(async () => {
  await killAll();
  await removeTempDirs();
  await stack?.close();
});

it('sends every arrival to the sidecar, which serves them all (batching on)', () => {
  expect(progress.sent).toBe(60);
  expect(progress).toMatchObject({ served: 60, refused: 0, late: 0, skipped: 0, errors: 0 });
  expect(progress.scoresSent).toBe(60);
  expect(progress.labelsPosted + progress.labelsPending).toBe(60);
  expect(progress.labelsPosted).toBeGreaterThan(0);
});

it('stores the sidecar spans with their answer ids, and the scores and labels linked to them', async () => {
  const requests = await stack.store.query<{ response_id: string; model_version: string }>({
    tag: 'test.requests',
    sql: `SELECT response_id, model_version FROM {db:Identifier}.inference_requests
          WHERE model = 'chimera'`,
  });
  expect(requests).toHaveLength(60);
  expect(requests.every((r) => r.response_id.startsWith('cmpl-'))).toBe(true);
  expect(new Set(requests.map((r) => r.model_version))).toEqual(new Set([base.version]));
  const linked = await stack.store.query<{ name: string; n: string; versions: string }>({
    tag: 'test.linked',
    sql: `SELECT e.name AS name, count() AS n, uniqExact(e.model_version) AS versions
          FROM {db:Identifier}.evaluations AS e
          INNER JOIN {db:Identifier}.inference_requests AS r ON e.response_id = r.response_id
          WHERE e.model = 'chimera' GROUP BY e.name ORDER BY e.name`,
  });
  expect(linked.map((r) => [r.name, Number(r.n), Number(r.versions)])).toEqual([
    ['accuracy', progress.labelsPosted, 1],
    ['coherence', 60, 1],
  ]);
});
