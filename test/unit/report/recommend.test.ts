// Each recommendation rule fires only on the evidence that supports it, at its thresholds, with
// the effect it predicts and the figures to watch.
import type { ReportEvidence } from '../../../src/report/evidence';
import {
  buildRecommendations,
  planBatching,
  recommendAutoscaling,
  recommendCaching,
  recommendRetraining,
} from '../../../src/report/recommend';
import { cacheFigures, chimeraBatchedHour, chimeraHour, chimeraWindow, fig } from './fixtures';

const withCurrent = (
  over: Parameters<typeof chimeraWindow>[0],
  rest: Partial<ReportEvidence> = {},
) => chimeraHour({ current: chimeraWindow(over), ...rest });

describe('reference hours', () => {
  it('chimera hour: batching at B = 5 (5000 / 260 = 19.2/s), then autoscaling', () => {
    const recs = buildRecommendations(chimeraHour());
    expect(recs.map((r) => r.kind)).toEqual(['batching', 'autoscaling']);
    const plan = planBatching(chimeraHour());
    expect(plan?.batchSize).toBe(5);
    expect(plan?.capacityRps).toBeCloseTo(5000 / 260, 9);
    expect(plan?.capacityRps).toBeGreaterThanOrEqual(10);
    expect(plan?.expectedGain).toBeCloseTo(5000 / 260 / 5.1, 9);
    expect(plan?.predictions.map((p) => p.batchSize)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(plan?.line.origin).toBe('profile');
    expect(recs[0]?.watch).toEqual(['throughput_rps', 'batch_size_mean']);
    expect(recs[0]?.expectedEffect).toContain('19.2 requests/s at B = 5');
  });

  it('chimera batched hour: nothing to recommend', () => {
    expect(buildRecommendations(chimeraBatchedHour())).toEqual([]);
  });
});

describe('batching', () => {
  it.each([
    [4.99, true],
    [5, false],
    [5.01, false],
  ])('mean batch size %p: recommended %p', (mean, fires) => {
    expect(planBatching(withCurrent({ batchSizeMean: fig(mean) })) !== null).toBe(fires);
  });

  it.each([
    // served, offered, recommended — target 10
    [9.49, 10, true], // under 95 % of offered
    [9.5, 10, true], // at 95 % of offered but under target with offered at the target
    [10, 10, false],
    [10, 11, true], // meets the target but under 95 % of the 11 offered
    [10.45, 11, false],
    [2.9, 3, false], // demand-limited: less offered than the target, all served
  ])('served %p of %p offered: recommended %p', (served, offered, fires) => {
    const e = withCurrent({
      throughputRps: fig(served),
      offeredRps: fig(offered),
      peakOfferedRps: fig(offered),
    });
    expect(planBatching(e) !== null).toBe(fires);
  });

  it.each([
    // goal (peak offered) → smallest B whose prediction reaches it on 180 + 16·B, inFlight 1
    [19.2, 5], // 19.23 at B = 5
    [19.24, 6], // just above B = 5's prediction
    [21.7, 6],
    [25.97, 8], // 8000 / 308 = 25.974
    [25.98, 9],
    [29.4, 10],
    [40, 10], // no size reaches it: B = 10
  ])('peak offered %p: B = %p', (peak, b) => {
    const e = withCurrent({ peakOfferedRps: fig(peak) });
    expect(planBatching(e)?.batchSize).toBe(b);
  });

  it('takes the target as the goal when it exceeds the peak', () => {
    const e = chimeraHour({ targets: { throughputRps: 25, ttftMeanMs: 800 } });
    expect(planBatching(e)?.batchSize).toBe(8);
    expect(planBatching(e)?.goalRps).toBe(25);
  });

  it('says when no size reaches the goal', () => {
    const recs = buildRecommendations(withCurrent({ peakOfferedRps: fig(40) }));
    expect(recs[0]?.action).toContain('no size up to 10 is predicted to reach 40');
  });

  it('uses the fit over the profile when two sizes were observed, and names it', () => {
    const e = chimeraHour({
      batching: {
        points: [
          { size: 1, batches: 100, meanMs: 110 },
          { size: 2, batches: 100, meanMs: 120 },
        ],
        profile: { fixedMs: 180, perItemMs: 16, source: 'profile' },
        inFlight: 2,
      },
    });
    const plan = planBatching(e);
    expect(plan?.line).toMatchObject({ origin: 'fit', fixedMs: 100, perItemMs: 10 });
    expect(plan?.capacityRps).toBeCloseTo((2 * 5 * 1000) / 150, 9);
    const rec = buildRecommendations(e)[0];
    expect(rec?.figures.find((f) => f.name === 'predicted_throughput_rps_b5')?.source).toContain(
      'fit: latency(B) = 100 + 10·B ms over 2 batch sizes',
    );
  });

  it.each([
    [
      'no fit and no profile',
      { points: [{ size: 1, batches: 10, meanMs: 196 }], profile: null, inFlight: 1 },
    ],
    [
      'no device running batches',
      { points: [], profile: { fixedMs: 180, perItemMs: 16, source: 'p' }, inFlight: 0 },
    ],
  ])('is not made with %s', (_name, batching) => {
    expect(planBatching(chimeraHour({ batching }))).toBeNull();
  });

  it('is not made when the line predicts no more than is served now', () => {
    // A device where per-item time dominates: 10 + 200·B ms gives under 5/s at every size.
    const e = chimeraHour({
      batching: { points: [], profile: { fixedMs: 10, perItemMs: 200, source: 'p' }, inFlight: 1 },
    });
    expect(planBatching(e)).toBeNull();
  });
});

describe('autoscaling', () => {
  it.each([
    // TTFT mean, queue mean → fires (target 800)
    [800, 700, false], // at target
    [801, 400, false], // queue just under half
    [801, 400.5, true], // queue exactly half
    [801, 500, true],
    [1200, 1100, true],
  ])('TTFT %p, queue %p: recommended %p', (ttft, queue, fires) => {
    const e = withCurrent({ ttftMeanMs: fig(ttft), queueMeanMs: fig(queue) });
    expect(recommendAutoscaling(e, null) !== null).toBe(fires);
  });

  it('sizes replicas on served throughput without batching', () => {
    const rec = recommendAutoscaling(chimeraHour(), null);
    const get = (n: string) => rec?.figures.find((f) => f.name === n)?.value;
    expect(get('capacity_per_replica_rps')).toBe(5.1);
    expect(get('replicas')).toBe(Math.ceil(10.6 / 5.1));
    expect(get('expected_ttft_ms_mean')).toBe(100);
    expect(rec?.watch).toEqual(['ttft_ms_mean', 'queue_ms_p95']);
  });

  it('sizes replicas on the batched capacity when batching is recommended', () => {
    const e = chimeraHour();
    const rec = recommendAutoscaling(e, planBatching(e));
    expect(rec?.figures.find((f) => f.name === 'capacity_per_replica_rps')?.value).toBeCloseTo(
      5000 / 260,
      9,
    );
    expect(rec?.figures.find((f) => f.name === 'replicas')?.value).toBe(1);
  });

  it('is not made without a queue figure', () => {
    expect(recommendAutoscaling(withCurrent({ queueMeanMs: fig(null) }), null)).toBeNull();
  });
});

describe('caching', () => {
  it.each([
    [0.049, false],
    [0.05, true],
    [0.051, true],
    [null, false],
  ])('repeat rate %p: recommended %p', (repeat, fires) => {
    const e = withCurrent({ cache: cacheFigures({ repeatRate: fig(repeat) }) });
    expect(recommendCaching(e) !== null).toBe(fires);
  });

  it('saves repeat × (miss − hit) when both are measured', () => {
    const e = withCurrent({
      cache: cacheFigures({
        repeatRate: fig(0.2),
        hitTtftMeanMs: fig(20),
        missTtftMeanMs: fig(1220),
      }),
    });
    const rec = recommendCaching(e);
    const saving = rec?.figures.find((f) => f.name === 'expected_ttft_saving_ms');
    expect(saving?.value).toBeCloseTo(240, 9);
    expect(saving?.source).toBe('uncached repeat rate × (miss TTFT − hit TTFT)');
    expect(rec?.watch).toEqual(['cache_hit_rate', 'ttft_ms_mean']);
  });

  // Repeats the cache already answers save nothing more: only the uncached ones count.
  it.each([
    [0.2, 0, 0.2, 240],
    [0.2, 0.1, 0.1, 120],
    [0.2, 0.16, null, null], // 0.04 uncached: under the 0.05 threshold
    [0.2, 0.2, null, null],
  ])(
    'repeat rate %p with %p of requests answered from the cache: uncached %p, saving %p ms',
    (repeat, answered, uncached, saving) => {
      const requests = chimeraWindow().requests;
      const e = withCurrent({
        cache: cacheFigures({
          repeatRate: fig(repeat),
          hits: Math.round(answered * requests),
          hitTtftMeanMs: fig(20),
          missTtftMeanMs: fig(1220),
        }),
      });
      const rec = recommendCaching(e);
      const value = (name: string) => rec?.figures.find((f) => f.name === name)?.value ?? null;
      if (uncached === null) expect(rec).toBeNull();
      else {
        expect(value('uncached_repeat_rate')).toBeCloseTo(uncached, 3);
        expect(value('expected_ttft_saving_ms')).toBeCloseTo(saving as number, 0);
      }
    },
  );

  it('falls back to repeat × TTFT mean, and says it is an upper bound', () => {
    const rec = recommendCaching(withCurrent({ cache: cacheFigures({ repeatRate: fig(0.1) }) }));
    const saving = rec?.figures.find((f) => f.name === 'expected_ttft_saving_ms');
    expect(saving?.value).toBeCloseTo(120, 9);
    expect(saving?.source).toContain('upper bound');
    expect(rec?.expectedEffect).toContain('upper bound');
  });
});

describe('retraining', () => {
  const drift = (datasetDrift: boolean) => ({
    reportId: 'drift_chimera_9',
    createdAtMs: 0,
    features: 10,
    drifted: datasetDrift ? 6 : 2,
    driftShare: datasetDrift ? 0.6 : 0.2,
    shareThreshold: 0.5,
    datasetDrift,
  });

  it.each([
    ['no drift report', [], false],
    ['latest without dataset drift', [drift(false), drift(true)], false],
    ['latest with dataset drift', [drift(true), drift(false)], true],
  ])('%s: recommended %p', (_name, reports, fires) => {
    expect(recommendRetraining(chimeraHour({ drift: reports })) !== null).toBe(fires);
  });

  it('names the report, the drifted features and the share against its threshold', () => {
    const rec = recommendRetraining(chimeraHour({ drift: [drift(true)] }));
    expect(rec?.because).toBe(
      'Drift report drift_chimera_9 found dataset drift: 6 of 10 features drifted (share 60 % ≥ threshold 50 %).',
    );
    expect(rec?.watch).toEqual(['accuracy', 'drift_share (next drift report)']);
  });
});
