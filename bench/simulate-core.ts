// The traffic simulator's pure core, timed: a day of `chimera-batched` (864,000 requests at
// 10 requests/s) through the generator alone (the baseline, measured in the same run), then
// through the queue model, then the whole run with answer truths. One JSON line per figure.
// Run: node -r ./bench/ts-register.js bench/simulate-core.ts
import { runQueueModel } from '../src/simulate/queue-model';
import { deviceProfileOf, simulateRun } from '../src/simulate/run';
import { scenarioByName } from '../src/simulate/scenarios';
import { generateTraffic } from '../src/simulate/traffic';

const scenario = scenarioByName('chimera-batched');
const window = { startMs: Date.UTC(2025, 0, 1), durationMs: 86_400_000, seed: 1 };

function time(stage: string, run: () => Iterable<unknown>): void {
  // One warm-up hour so the figure is the optimised code's, not V8's first tier.
  for (const _ of take(run(), 36_000));
  const started = performance.now();
  let requests = 0;
  for (const _ of run()) requests++;
  const seconds = (performance.now() - started) / 1000;
  const figure = {
    stage,
    requests,
    seconds: +seconds.toFixed(3),
    perSec: Math.round(requests / seconds),
  };
  console.log(JSON.stringify(figure));
}

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  let i = 0;
  for (const item of items) {
    if (i++ >= n) return;
    yield item;
  }
}

time('traffic', () => generateTraffic(scenario, window));
time('traffic+queue', () =>
  runQueueModel(generateTraffic(scenario, window), {
    sidecar: scenario.sidecar,
    profile: deviceProfileOf(scenario),
    seed: window.seed,
  }),
);
time('run', () => simulateRun(scenario, window));
