// The traffic generator: diurnal shape, the mixes' shares, prompts and their repeats, label
// delays, and the effect of each scripted event.
import { normalisePrompt, promptHash } from '../../../src/simulate/draws';
import { simulateRun } from '../../../src/simulate/run';
import type { Scenario } from '../../../src/simulate/scenario';
import { scenarioByName } from '../../../src/simulate/scenarios';
import { rateAt } from '../../../src/simulate/timeline';
import { generateTraffic, type SimulatedRequest } from '../../../src/simulate/traffic';
import { summarise } from './summary';

const HOUR_MS = 3_600_000;
const MIDNIGHT = Date.UTC(2025, 0, 6);
const chimera = scenarioByName('chimera');
const day = scenarioByName('chimera-day');

const shareOf = (items: SimulatedRequest[], test: (r: SimulatedRequest) => boolean) =>
  items.filter(test).length / items.length;

describe('arrivals', () => {
  test('the diurnal shape: each hour within 4 Poisson sigmas of the rate integrated over it', () => {
    const slow: Scenario = { ...day, ratePerSec: 1, events: [] };
    const counts = new Array(24).fill(0);
    for (const r of generateTraffic(slow, { startMs: MIDNIGHT, durationMs: 24 * HOUR_MS, seed: 5 }))
      counts[Math.floor((r.arrivalMs - MIDNIGHT) / HOUR_MS)]++;
    counts.forEach((count, h) => {
      let expected = 0;
      for (let m = 0; m < 60; m++)
        expected += rateAt(slow, MIDNIGHT + h * HOUR_MS + (m + 0.5) * 60_000) * 60;
      expect(Math.abs(count - expected)).toBeLessThan(4 * Math.sqrt(expected));
    });
    // Peak at 14:00 UTC, trough at 02:00: (1 + 0.5) / (1 - 0.5) = 3.
    expect(counts[14] / counts[2]).toBeGreaterThan(2.5);
  });

  test('paced flat load: exactly 10 in every second, in order, the same for the same seed', () => {
    const window = { startMs: MIDNIGHT, durationMs: HOUR_MS, seed: 9 };
    const requests = [...generateTraffic(chimera, window)];
    expect(requests).toHaveLength(36_000);
    const perSecond = new Map<number, number>();
    for (const r of requests) {
      const second = Math.floor((r.arrivalMs - MIDNIGHT) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(new Set(perSecond.values())).toEqual(new Set([10]));
    const inOrder = requests.every(
      (r, i) => r.seq === i && r.arrivalMs >= (requests[i - 1]?.arrivalMs ?? MIDNIGHT),
    );
    expect(inOrder).toBe(true);
    expect((requests.at(-1) as SimulatedRequest).arrivalMs).toBeLessThan(MIDNIGHT + HOUR_MS);
    // Compared as JSON: a deep toEqual of 36,000 objects takes seconds.
    expect(JSON.stringify([...generateTraffic(chimera, window)])).toBe(JSON.stringify(requests));
  });
});

test('Poisson flat load: the count within 4 sigmas, gaps not paced', () => {
  const poisson: Scenario = { ...chimera, arrivals: 'poisson' };
  const requests = [
    ...generateTraffic(poisson, { startMs: MIDNIGHT, durationMs: HOUR_MS, seed: 9 }),
  ];
  expect(Math.abs(requests.length - 36_000)).toBeLessThan(4 * Math.sqrt(36_000));
  // Exponential gaps: about e^-1 of them exceed the mean gap of 100 ms, some exceed 300 ms.
  const gaps = requests
    .slice(1)
    .map((r, i) => r.arrivalMs - (requests[i] as SimulatedRequest).arrivalMs);
  expect(Math.abs(gaps.filter((g) => g > 100).length / gaps.length - Math.exp(-1))).toBeLessThan(
    0.02,
  );
  expect(gaps.some((g) => g > 300)).toBe(true);
});

describe('mixes and prompts (an hour of chimera)', () => {
  const requests = [
    ...generateTraffic(chimera, { startMs: MIDNIGHT, durationMs: HOUR_MS, seed: 3 }),
  ];

  test.each([
    ['chat', 0.6, 256],
    ['summarise', 0.25, 128],
    ['extract', 0.15, 32],
  ])('request type %s: share %d, max_tokens %d', (name, share, maxTokens) => {
    const ofType = requests.filter((r) => r.requestType === name);
    expect(Math.abs(ofType.length / requests.length - share)).toBeLessThan(0.015);
    expect(new Set(ofType.map((r) => r.maxTokens))).toEqual(new Set([maxTokens]));
  });

  test.each([
    [16, 128, 0.5],
    [129, 512, 0.35],
    [513, 2048, 0.15],
  ])('prompt lengths %d-%d: share %d; prompt_tokens is the input tokens', (min, max, share) => {
    expect(
      Math.abs(shareOf(requests, (r) => r.inputTokens >= min && r.inputTokens <= max) - share),
    ).toBeLessThan(0.015);
    expect(requests.every((r) => r.featuresNum.prompt_tokens === r.inputTokens)).toBe(true);
  });

  test('categorical and numeric features follow their distributions', () => {
    expect(
      Math.abs(shareOf(requests, (r) => r.featuresCat.topic === 'billing') - 0.4),
    ).toBeLessThan(0.015);
    expect(Math.abs(shareOf(requests, (r) => r.featuresCat.locale === 'de-DE') - 0.2)).toBeLessThan(
      0.015,
    );
    const scores = requests.map((r) => r.featuresNum.retrieval_score as number);
    expect(Math.abs(scores.reduce((a, b) => a + b, 0) / scores.length - 0.7)).toBeLessThan(0.01);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...scores)).toBeLessThanOrEqual(1);
  });

  test('prompts repeat at the set rate, identically; the others are unique; hashes are of the normal form', () => {
    const repeated = requests.filter((r) => r.repeated);
    expect(Math.abs(repeated.length / requests.length - 0.1)).toBeLessThan(0.01);
    expect(new Set(repeated.map((r) => r.promptHash)).size).toBeLessThanOrEqual(200);
    const fresh = requests.filter((r) => !r.repeated);
    expect(new Set(fresh.map((r) => r.promptHash)).size).toBe(fresh.length);
    const byHash = new Map<string, SimulatedRequest>();
    for (const r of repeated) {
      const first = byHash.get(r.promptHash) ?? r;
      byHash.set(r.promptHash, first);
      expect([r.prompt, r.requestType, r.maxTokens, r.inputTokens]).toEqual([
        first.prompt,
        first.requestType,
        first.maxTokens,
        first.inputTokens,
      ]);
    }
    for (const r of requests.slice(0, 500)) {
      expect(normalisePrompt(r.prompt)).toBe(r.prompt);
      expect(r.promptHash).toBe(promptHash(`  ${r.prompt.toUpperCase()}\n`));
    }
  });
});

describe('answers', () => {
  test('label delays lie within the scenario range and spread over it', () => {
    const delays: number[] = [];
    for (const o of simulateRun(chimera, { startMs: MIDNIGHT, durationMs: HOUR_MS / 4, seed: 8 }))
      if (o.answer !== null) delays.push(o.answer.labelDelayMs / 60_000);
    const { min, max } = chimera.labelDelayMinutes;
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(min);
    expect(Math.max(...delays)).toBeLessThanOrEqual(max);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(Math.abs(mean - (min + max) / 2)).toBeLessThan((max - min) / 50);
  });
});

describe('scripted events (chimera-day with its events at +10, +20 and +30 minutes)', () => {
  const MIN = 60_000;
  const atMs = { input_shift: 10 * MIN, latency_regression: 20 * MIN, version_rollout: 30 * MIN };
  const compressed: Scenario = {
    ...day,
    diurnal: { amplitude: 0, peakHourUtc: 14 },
    events: day.events.map((e) => ({ ...e, atMs: atMs[e.kind] })),
  };
  const outcomes = [
    ...simulateRun(compressed, { startMs: MIDNIGHT, durationMs: 40 * MIN, seed: 4 }),
  ];
  const between = (from: number, to: number) =>
    outcomes.filter(
      (o) => o.request.arrivalMs >= MIDNIGHT + from && o.request.arrivalMs < MIDNIGHT + to,
    );

  test('input shift: longer prompts and more legal questions after it', () => {
    const before = between(0, 10 * MIN).map((o) => o.request);
    const after = between(10 * MIN, 40 * MIN).map((o) => o.request);
    expect(Math.abs(shareOf(before, (r) => r.featuresCat.topic === 'legal') - 0.05)).toBeLessThan(
      0.02,
    );
    expect(Math.abs(shareOf(after, (r) => r.featuresCat.topic === 'legal') - 0.35)).toBeLessThan(
      0.02,
    );
    expect(Math.abs(shareOf(after, (r) => r.inputTokens > 512) - 0.4)).toBeLessThan(0.02);
  });

  test('latency regression: device time 1.6x for batches that start after it', () => {
    const deviceMs = (o: (typeof outcomes)[number]) => o.latencyMs - (o.queueMs as number);
    const base = (o: (typeof outcomes)[number]) => 180 + 16 * (o.batchSize as number);
    expect(between(0, 20 * MIN - 1000).every((o) => deviceMs(o) / base(o) < 1.05)).toBe(true);
    for (const o of between(20 * MIN, 40 * MIN))
      expect(deviceMs(o) / base(o)).toBeGreaterThanOrEqual(1.6);
  });

  test('version rollout: the new version serves after it, with its own quality', () => {
    const before = summarise(between(0, 30 * MIN));
    const after = summarise(between(30 * MIN, 40 * MIN));
    expect(new Set(between(0, 30 * MIN).map((o) => o.request.modelVersion))).toEqual(
      new Set(['chimera-2024-06']),
    );
    expect(new Set(between(30 * MIN, 40 * MIN).map((o) => o.request.modelVersion))).toEqual(
      new Set(['chimera-2024-09']),
    );
    expect(Math.abs(before.accuracy - 0.872)).toBeLessThan(0.005);
    expect(Math.abs(after.accuracy - 0.9)).toBeLessThan(0.005);
    expect(Math.abs(after.coherence - 0.94)).toBeLessThan(0.005);
  });
});
