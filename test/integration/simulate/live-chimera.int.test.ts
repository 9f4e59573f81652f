// The live path reproduces the scenario: 25 s of `chimera` (10 requests/s, batching off) through
// a real `insightagent sidecar` process with the scenario's settings, its spans in the real store.
// After the first 5 s (the queue fills within ~1 s), the stored figures match the scenario's
// ground truth (about 5.1 requests/s served, TTFT about 1.2 s, the rest refused with 503) and
// the simulator's own model of the sidecar over the same arrivals (what --backfill writes).
import { runLive } from '../../../src/simulate/live';
import { simulateRun } from '../../../src/simulate/run';
import { scenarioByName } from '../../../src/simulate/scenarios';
import { LIVE_TOKEN, type LiveStack, startLiveStack } from '../../helpers/live-stack';
import { startSidecarCli } from '../../helpers/sidecar-cli';
import { killAll, removeTempDirs, stop } from '../../helpers/spawn-cli';

const DURATION_MS = 25_000;
const WARM_UP_MS = 5_000;
const SEED = 11;
const scenario = scenarioByName('chimera');

let stack: LiveStack;
let startMs = 0;

beforeAll(async () => {
  stack = await startLiveStack('live_chimera');
  const sidecar = await startSidecarCli(
    {
      profile: 'chimera',
      model_version: scenario.version,
      models: { [scenario.model]: scenario.sidecar },
      shutdown_grace_ms: 2_000,
    },
    { OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpBase, LOG_LEVEL: 'warn' },
  );
  const progress = await runLive({
    scenario,
    seed: SEED,
    durationMs: DURATION_MS,
    target: { kind: 'sidecar', url: sidecar.url },
    feedback: { url: stack.apiBase, token: LIVE_TOKEN },
    signal: new AbortController().signal,
  });
  startMs = progress.startMs;
  await stop(sidecar.cli, 'SIGTERM', 10_000); // flushes its spans
  await stack.settle();
}, 60_000);

afterAll(async () => {
  await killAll();
  await removeTempDirs();
  await stack?.close();
});

interface Figures {
  servedRps: number;
  ttftMeanMs: number;
  refusedShare: number;
}

async function stored(fromMs: number, toMs: number): Promise<Figures> {
  const [row] = await stack.store.query<{ ok: string; all: string; ttft: number }>({
    tag: 'test.live_chimera',
    sql: `SELECT countIf(status != 'error') AS ok, count() AS all,
                 avgIf(ttft_ms, status != 'error') AS ttft
          FROM {db:Identifier}.inference_requests
          WHERE model = 'chimera' AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
            AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
    params: { from: fromMs, to: toMs },
  });
  const ok = Number(row?.ok);
  return {
    servedRps: ok / ((toMs - fromMs) / 1000),
    ttftMeanMs: row?.ttft ?? Number.NaN,
    refusedShare: 1 - ok / Number(row?.all),
  };
}

function modelled(fromMs: number, toMs: number): Figures {
  let ok = 0;
  let all = 0;
  let ttft = 0;
  for (const o of simulateRun(scenario, { startMs, durationMs: DURATION_MS, seed: SEED })) {
    const at = o.request.arrivalMs;
    if (at < fromMs || at >= toMs) continue;
    all++;
    if (o.status !== 'ok') continue;
    ok++;
    ttft += o.ttftMs ?? 0;
  }
  return {
    servedRps: ok / ((toMs - fromMs) / 1000),
    ttftMeanMs: ttft / ok,
    refusedShare: 1 - ok / all,
  };
}

it('serves ~5.1 of 10 requests/s with TTFT ~1.2 s, as the scenario and its model say', async () => {
  const from = startMs + WARM_UP_MS;
  const to = startMs + DURATION_MS;
  const live = await stored(from, to);
  const model = modelled(from, to);
  console.info(`live ${JSON.stringify(live)}; model ${JSON.stringify(model)}`);
  expect(Math.abs(live.servedRps - 5.1)).toBeLessThanOrEqual(0.3);
  expect(Math.abs(live.ttftMeanMs - 1200)).toBeLessThanOrEqual(100);
  expect(Math.abs(live.servedRps - model.servedRps)).toBeLessThanOrEqual(0.3);
  expect(Math.abs(live.ttftMeanMs - model.ttftMeanMs)).toBeLessThanOrEqual(100);
  expect(Math.abs(live.refusedShare - model.refusedShare)).toBeLessThanOrEqual(0.05);
});
