// Not a timed test: a day at 10 requests/s (a 24 h backfill, ~864,000 requests) goes through the
// whole core, every request comes out exactly once. The figure is bench/simulate-core.ts's.
import { simulateRun } from '../../../src/simulate/run';
import { scenarioByName } from '../../../src/simulate/scenarios';

test('a day of chimera-batched: ~864,000 requests generated and modelled, each once', () => {
  const seen = new Uint8Array(900_000);
  let total = 0;
  let served = 0;
  for (const o of simulateRun(scenarioByName('chimera-batched'), {
    startMs: Date.UTC(2025, 0, 6),
    durationMs: 86_400_000,
    seed: 1,
  })) {
    total++;
    seen[o.request.seq] = (seen[o.request.seq] as number) + 1;
    if (o.status === 'ok') served++;
  }
  // Poisson(864,000): within 4 standard deviations (~930).
  expect(Math.abs(total - 864_000)).toBeLessThan(4 * 930);
  expect(served).toBe(total);
  expect(seen.subarray(0, total).every((n) => n === 1)).toBe(true);
});
