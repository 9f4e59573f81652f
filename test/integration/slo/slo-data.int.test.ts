// SLO inputs from the minute rollups on the real embedded store, checked against a raw scan of
// the same rows: good/total per minute for each occurrences SLI, and per-slice aggregates.
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { encodeJsonEachRow, insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import { sloMinuteCounts, sloSliceValues } from '../../../src/store/repositories/slo-data';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { evaluationRow, requestRow, seededRandom, tsText } from '../../helpers/telemetry-rows';

const MIN = 60_000;
const T = Date.parse('2026-11-28T09:00:00Z');
const MINUTES = 30;
const MODEL = 'chimera';
let store: Store;
const random = seededRandom(7);

interface Raw {
  minute: number;
  latency: number;
  ttft: number | null;
  error: boolean;
  accuracy: number | null;
}
const raw: Raw[] = [];

beforeAll(async () => {
  store = await openTestStore('slo_data');
  await migrate(store, loadMigrationFiles());
  for (let m = 0; m < MINUTES; m++) {
    const n = 20 + Math.floor(random() * 40);
    for (let i = 0; i < n; i++) {
      raw.push({
        minute: T + m * MIN,
        latency: Math.round(random() * 2000 * 1000) / 1000,
        ttft: i % 5 === 0 ? null : Math.round(random() * 1600 * 100) / 100,
        error: random() < 0.05,
        accuracy: i % 3 === 0 ? null : Math.round(random() * 10_000) / 10_000,
      });
    }
  }
  const requests = raw.map((r, i) =>
    requestRow({
      ts: tsText(r.minute + (i % 60) * 1000),
      model: MODEL,
      latency_ms: r.latency,
      ttft_ms: r.ttft,
      status: r.error ? 'error' : 'ok',
    }),
  );
  const scores = raw.flatMap((r, i) =>
    r.accuracy === null
      ? []
      : [
          evaluationRow({
            ts: tsText(r.minute + (i % 60) * 1000),
            model: MODEL,
            name: 'accuracy',
            value: r.accuracy,
          }),
        ],
  );
  await insertIngestRows(store, 'inference_requests', encodeJsonEachRow(requests), 'f1');
  await insertIngestRows(store, 'evaluations', encodeJsonEachRow(scores), 'f1');
});

afterAll(async () => {
  await closeTestStore(store);
});

const RANGE = { fromMs: T, toMs: T + MINUTES * MIN };

function perMinute(
  good: (r: Raw) => boolean | null,
): Array<{ minuteMs: number; good: number; total: number }> {
  const out = new Map<number, { minuteMs: number; good: number; total: number }>();
  for (const r of raw) {
    const verdict = good(r);
    if (verdict === null) continue;
    const entry = out.get(r.minute) ?? { minuteMs: r.minute, good: 0, total: 0 };
    entry.total += 1;
    if (verdict) entry.good += 1;
    out.set(r.minute, entry);
  }
  return [...out.values()].sort((a, b) => a.minuteMs - b.minuteMs);
}

describe('SLO inputs from the rollups equal a raw scan', () => {
  it.each([250, 800, 1200])('latency_ms <= %d ms per minute', async (threshold) => {
    const counts = await sloMinuteCounts(
      store,
      MODEL,
      { kind: 'latency', field: 'latency_ms', thresholdMs: threshold },
      RANGE,
    );
    expect(counts).toEqual(perMinute((r) => r.latency <= threshold));
  });

  it('ttft_ms <= 800 ms per minute, counting only requests with a TTFT', async () => {
    const counts = await sloMinuteCounts(
      store,
      MODEL,
      { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 },
      RANGE,
    );
    expect(counts).toEqual(perMinute((r) => (r.ttft === null ? null : r.ttft <= 800)));
  });

  it('availability per minute', async () => {
    const counts = await sloMinuteCounts(store, MODEL, { kind: 'availability' }, RANGE);
    expect(counts).toEqual(perMinute((r) => !r.error));
  });

  it.each([0.85, 0.5])('accuracy >= %d per minute, over scored requests', async (threshold) => {
    const counts = await sloMinuteCounts(
      store,
      MODEL,
      { kind: 'quality', score: 'accuracy', threshold },
      RANGE,
    );
    expect(counts).toEqual(
      perMinute((r) => (r.accuracy === null ? null : r.accuracy >= threshold)),
    );
  });

  it('a window outside the data holds nothing', async () => {
    const counts = await sloMinuteCounts(
      store,
      MODEL,
      { kind: 'availability' },
      { fromMs: T - 60 * MIN, toMs: T },
    );
    expect(counts).toEqual([]);
  });

  it('throughput and score mean per 5-minute slice', async () => {
    const slices = await sloSliceValues(
      store,
      MODEL,
      { metric: 'throughput_rps', sliceMinutes: 5 },
      RANGE,
    );
    const means = await sloSliceValues(
      store,
      MODEL,
      { metric: 'score_mean', score: 'accuracy', sliceMinutes: 5 },
      RANGE,
    );
    for (let s = 0; s < MINUTES / 5; s++) {
      const start = T + s * 5 * MIN;
      const inSlice = raw.filter((r) => r.minute >= start && r.minute < start + 5 * MIN);
      expect(slices[s]).toEqual({
        minuteMs: start,
        value: inSlice.length / 300,
        events: inSlice.length,
      });
      const scored = inSlice.flatMap((r) => (r.accuracy === null ? [] : [r.accuracy]));
      expect(means[s]?.events).toBe(scored.length);
      expect(means[s]?.value).toBeCloseTo(scored.reduce((a, b) => a + b, 0) / scored.length, 9);
    }
  });

  it('judges only slices that have ended: one still filling at the range end waits', async () => {
    const slices = await sloSliceValues(
      store,
      MODEL,
      { metric: 'throughput_rps', sliceMinutes: 5 },
      { fromMs: T, toMs: T + 27 * MIN },
    );
    expect(slices.map((s) => (s.minuteMs - T) / MIN)).toEqual([0, 5, 10, 15, 20]);
  });

  it('TTFT p95 per 1-minute slice, with the events behind it', async () => {
    const slices = await sloSliceValues(
      store,
      MODEL,
      { metric: 'ttft_p95_ms', sliceMinutes: 1 },
      RANGE,
    );
    expect(slices).toHaveLength(MINUTES);
    for (const slice of slices) {
      const ttfts = raw.filter((r) => r.minute === slice.minuteMs && r.ttft !== null);
      expect(slice.events).toBe(ttfts.length);
      const sorted = ttfts.map((r) => r.ttft as number).sort((a, b) => a - b);
      // t-digest on a few dozen values lands between the neighbours of the 95th rank (its
      // centroids are Float32, hence the 1e-6).
      expect(slice.value).toBeGreaterThanOrEqual(
        (sorted[Math.floor(0.9 * (sorted.length - 1))] as number) * (1 - 1e-6),
      );
      expect(slice.value).toBeLessThanOrEqual((sorted[sorted.length - 1] as number) * (1 + 1e-6));
    }
  });
});
