// The scenarios' ground truth over one simulated hour, for several seeds: what the Chimera users
// report today, and what batching changes.
import { parseSidecarFile } from '../../../src/sidecar/server-config';
import { simulateRun } from '../../../src/simulate/run';
import { SCENARIOS, scenarioByName } from '../../../src/simulate/scenarios';
import { summarise } from './summary';

const HOUR_MS = 3_600_000;
const START = Date.UTC(2025, 0, 6, 9);
const SEEDS = [1, 2, 3, 42, 20250106];

const hour = (name: string, seed: number) =>
  summarise(simulateRun(scenarioByName(name), { startMs: START, durationMs: HOUR_MS, seed }));

describe('chimera: 10 requests/s offered to an unbatched 196 ms device', () => {
  test.each(SEEDS)(
    'seed %i: ~5.1 served/s, TTFT ~1.2 s, accuracy 87.2 %%, coherence 92.8 %%',
    (seed) => {
      const run = hour('chimera', seed);
      expect(run.served / 3600).toBeGreaterThan(5.1 - 0.3);
      expect(run.served / 3600).toBeLessThan(5.1 + 0.3);
      expect(Math.abs(run.meanTtftMs - 1200)).toBeLessThanOrEqual(100);
      expect(Math.abs(run.accuracy - 0.872)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(run.coherence - 0.928)).toBeLessThanOrEqual(0.005);
      // The excess is refused as the sidecar refuses it: 503, nothing else.
      expect(run.total - run.served).toBe(
        (run.byStatus.queue_full ?? 0) + (run.byStatus.shed ?? 0),
      );
      expect(run.byStatus.queue_full ?? 0).toBeGreaterThan(run.total * 0.4);
    },
  );
});

describe('chimera-batched: the same load with batches of up to 8', () => {
  test.each(SEEDS)('seed %i: every offered request served (~10/s), TTFT < 0.8 s', (seed) => {
    const run = hour('chimera-batched', seed);
    // Served = offered: nothing refused or timed out; paced, the hour offers exactly 36,000.
    expect(run.served).toBe(run.total);
    expect(run.served).toBe(36_000);
    expect(run.meanTtftMs).toBeLessThan(800);
    expect(Math.abs(run.accuracy - 0.872)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(run.coherence - 0.928)).toBeLessThanOrEqual(0.005);
  });
});

describe('scenario definitions', () => {
  test.each(Object.values(SCENARIOS))(
    '$name: a real sidecar accepts its options as they are',
    (s) => {
      const file = parseSidecarFile(
        { profile: s.deviceProfile, models: { [s.model]: s.sidecar } },
        s.name,
      );
      expect(file.models[s.model]).toEqual(expect.objectContaining(s.sidecar));
    },
  );

  test('chimera-day has a diurnal shape and one of each scripted event', () => {
    const day = scenarioByName('chimera-day');
    expect(day.diurnal.amplitude).toBeGreaterThan(0);
    expect(day.events.map((e) => e.kind).sort()).toEqual([
      'input_shift',
      'latency_regression',
      'version_rollout',
    ]);
  });

  test('an unknown name is refused, naming the known ones', () => {
    expect(() => scenarioByName('nope')).toThrow(/chimera, chimera-batched, chimera-day/);
  });
});
