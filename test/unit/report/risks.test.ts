// The three risk rows: each signal rated at its thresholds (just below / at / above), the row
// rated by its worst signal, "Not measured" only when no evidence was there.
import {
  buildRisks,
  cachingInconsistencyRisk,
  gpuOversubscriptionRisk,
  modelDriftRisk,
  rate,
  worstOf,
} from '../../../src/report/risks';
import { REPORT_THRESHOLDS } from '../../../src/report/thresholds';
import { cacheFigures, chimeraBatchedHour, chimeraHour, chimeraWindow, fig } from './fixtures';

const gpu = REPORT_THRESHOLDS.risks.gpuOversubscription;

// A window with no refusals and a short queue: every GPU signal Low unless overridden.
const calm = (over: Parameters<typeof chimeraWindow>[0]) =>
  chimeraBatchedHour({
    current: chimeraWindow({
      shedShare: fig(0),
      rateLimitedShare: fig(0),
      queueP95Ms: fig(100),
      ...over,
    }),
  });

describe('reference hours', () => {
  it('chimera hour: GPU over-subscription High on shedding and queueing', () => {
    const risk = gpuOversubscriptionRisk(chimeraHour());
    expect(risk.likelihood).toBe('High');
    expect(risk.signals.find((s) => s.name === 'shed_share')).toMatchObject({
      value: 0.49,
      rating: 'High',
    });
    expect(risk.signals.find((s) => s.name === 'queue_p95_of_ttft_target')?.value).toBeCloseTo(
      1250 / 800,
      9,
    );
  });

  it('chimera batched hour: GPU over-subscription Low', () => {
    expect(gpuOversubscriptionRisk(chimeraBatchedHour()).likelihood).toBe('Low');
  });

  it('always gives the three rows in order', () => {
    expect(buildRisks(chimeraHour()).map((r) => r.key)).toEqual([
      'gpu_oversubscription',
      'caching_inconsistency',
      'model_drift',
    ]);
  });
});

describe('rate and worstOf', () => {
  it.each([
    [0.0099, 'Low'],
    [0.01, 'Medium'],
    [0.049, 'Medium'],
    [0.05, 'High'],
    [0.5, 'High'],
    [null, 'Not measured'],
  ] as const)('shed share %p: %s', (value, rating) => {
    expect(rate(value, gpu.shedShare)).toBe(rating);
  });

  it.each([
    [['Not measured', 'Not measured'], 'Not measured'],
    [['Not measured', 'Low'], 'Low'],
    [['Low', 'High', 'Medium'], 'High'],
    [[], 'Not measured'],
  ] as const)('worst of %p is %s', (ratings, worst) => {
    expect(worstOf([...ratings])).toBe(worst);
  });
});

describe('GPU over-subscription', () => {
  it.each([
    ['shed share', { shedShare: fig(0.0099) }, 'Low'],
    ['shed share', { shedShare: fig(0.01) }, 'Medium'],
    ['shed share', { shedShare: fig(0.05) }, 'High'],
    ['rate-limited share', { rateLimitedShare: fig(0.0199) }, 'Low'],
    ['rate-limited share', { rateLimitedShare: fig(0.02) }, 'Medium'],
    ['rate-limited share', { rateLimitedShare: fig(0.0999) }, 'Medium'],
    ['rate-limited share', { rateLimitedShare: fig(0.1) }, 'High'],
    ['queue p95 (target 800)', { queueP95Ms: fig(399) }, 'Low'],
    ['queue p95 (target 800)', { queueP95Ms: fig(400) }, 'Medium'],
    ['queue p95 (target 800)', { queueP95Ms: fig(799) }, 'Medium'],
    ['queue p95 (target 800)', { queueP95Ms: fig(800) }, 'High'],
  ] as const)('%s %o: %s', (_name, over, likelihood) => {
    expect(gpuOversubscriptionRisk(calm(over)).likelihood).toBe(likelihood);
  });

  it.each([
    [1249, 'Low'], // +24.9 %
    [1250, 'Medium'], // +25 %
    [1999, 'Medium'],
    [2000, 'High'], // doubled
  ])('latency p99 %p against 1000 before: %s', (p99, likelihood) => {
    const e = calm({ latencyP99Ms: fig(p99) });
    const risk = gpuOversubscriptionRisk({
      ...e,
      previous: chimeraWindow({ latencyP99Ms: fig(1000) }),
    });
    expect(risk.likelihood).toBe(likelihood);
  });

  it('is Not measured when none of its figures was', () => {
    const e = chimeraHour({
      current: chimeraWindow({
        shedShare: fig(null),
        rateLimitedShare: fig(null),
        queueP95Ms: fig(null),
        latencyP99Ms: fig(null),
      }),
    });
    const risk = gpuOversubscriptionRisk(e);
    expect(risk.likelihood).toBe('Not measured');
    expect(risk.signals.every((s) => s.rating === 'Not measured')).toBe(true);
  });
});

describe('caching inconsistency', () => {
  const withCache = (cache: Parameters<typeof cacheFigures>[0], versions = ['v3']) =>
    chimeraHour({ current: chimeraWindow({ versions, cache: cacheFigures(cache) }) });

  it.each([
    [
      'a hit across versions',
      'High',
      { lookups: 100, hits: 10, hitRate: fig(0.1), hitsAcrossVersions: fig(1) },
      ['v3'],
    ],
    [
      'two versions, hit rate just under 1 %',
      'Low',
      { lookups: 1000, hits: 9, hitRate: fig(0.009) },
      ['v2', 'v3'],
    ],
    [
      'two versions, hit rate at 1 %',
      'Medium',
      { lookups: 1000, hits: 10, hitRate: fig(0.01) },
      ['v2', 'v3'],
    ],
    ['one version, hit rate 30 %', 'Low', { lookups: 1000, hits: 300, hitRate: fig(0.3) }, ['v3']],
    ['no lookups at all', 'Low', { lookups: 0 }, ['v2', 'v3']],
    [
      'nothing measured',
      'Not measured',
      { lookups: 5, hitRate: fig(null), hitsAcrossVersions: fig(null) },
      ['v3'],
    ],
  ] as const)('%s: %s', (_name, likelihood, cache, versions) => {
    expect(cachingInconsistencyRisk(withCache(cache, [...versions])).likelihood).toBe(likelihood);
  });
});

describe('model drift', () => {
  const report = (driftShare: number, datasetDrift = false) => ({
    reportId: 'drift_chimera_2',
    createdAtMs: 0,
    features: 10,
    drifted: Math.round(driftShare * 10),
    driftShare,
    shareThreshold: 0.5,
    datasetDrift,
  });

  it.each([
    ['no report', 'Not measured', []],
    ['share just under half the threshold', 'Low', [report(0.249)]],
    ['share at half the threshold', 'Medium', [report(0.25)]],
    ['share above half the threshold', 'Medium', [report(0.4)]],
    ['dataset drift', 'High', [report(0.6, true)]],
    ['dataset drift only in an older report', 'Low', [report(0.1), report(0.6, true)]],
  ] as const)('%s: %s', (_name, likelihood, drift) => {
    expect(modelDriftRisk(chimeraHour({ drift: [...drift] })).likelihood).toBe(likelihood);
  });

  it('names the report behind the rating', () => {
    const risk = modelDriftRisk(chimeraHour({ drift: [report(0.6, true)] }));
    expect(risk.signals[0]?.source).toContain('drift_chimera_2');
  });
});
