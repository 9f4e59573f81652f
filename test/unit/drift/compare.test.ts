// compareFeature and driftVerdict on profiles built here from samples, against the statistics
// computed on the samples themselves.
import { compareFeature, sketchKs } from '../../../src/drift/compare';
import { type DriftMonitor, defaultMonitor } from '../../../src/drift/config';
import {
  binEdges,
  binOf,
  type CategoricalProfile,
  EXACT_SAMPLE_CAP,
  type NumericProfile,
  QUANTILE_LEVELS,
} from '../../../src/drift/profile';
import { jensenShannonDistance } from '../../../src/drift/stats/jensen-shannon';
import { ksTwoSample } from '../../../src/drift/stats/ks';
import { psi } from '../../../src/drift/stats/psi';
import { normedWasserstein, quantileSketch } from '../../../src/drift/stats/wasserstein';
import { driftVerdict } from '../../../src/drift/verdict';
import { seededRandom } from '../../helpers/telemetry-rows';

const MONITOR: DriftMonitor = { ...defaultMonitor(), model: 'm' };
const random = seededRandom(5);
const normal = (mean: number, sd: number) => () =>
  mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const sample = (n: number, draw: () => number) =>
  Array.from({ length: n }, () => Math.round(draw() * 1e6) / 1e6);

// A numeric profile as window-profiles builds it: quantiles, bins on `edgesFrom`'s deciles.
function numeric(feature: string, xs: number[], edgesFrom?: NumericProfile): NumericProfile {
  const sorted = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const quantiles = quantileSketch(sorted, QUANTILE_LEVELS.length);
  const edges = edgesFrom?.edges ?? binEdges(quantiles);
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const x of xs) counts[binOf(x, edges)] = (counts[binOf(x, edges)] ?? 0) + 1;
  return {
    feature,
    kind: 'numeric',
    n: xs.length,
    mean,
    std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    quantiles,
    sample: xs.length <= EXACT_SAMPLE_CAP ? sorted : [],
    edges,
    counts,
  };
}

const categorical = (feature: string, categories: Record<string, number>): CategoricalProfile => ({
  feature,
  kind: 'categorical',
  n: Object.values(categories).reduce((a, b) => a + b, 0),
  categories,
});

describe('numeric features', () => {
  it('a small reference: KS at p < 0.05 from the exact D, as ks_2samp on the samples', () => {
    const refX = sample(400, normal(100, 10));
    const curX = sample(500, normal(104, 10));
    const ref = numeric('x', refX);
    const truth = ksTwoSample(refX, curX);
    const r = compareFeature(ref, numeric('x', curX, ref), MONITOR, truth.statistic);
    expect(r).toMatchObject({ method: 'ks', direction: 'p_below', threshold: 0.05 });
    expect(r.statistic).toBe(truth.statistic);
    expect(r.pValue).toBeCloseTo(truth.pValue, 12);
    expect(r.status).toBe(truth.pValue < 0.05 ? 'drifted' : 'ok');
    expect(r.status).toBe('drifted');
  });

  it('a large reference: normed Wasserstein from the sketches, within 1 % of the samples', () => {
    const refX = sample(20_000, normal(100, 10));
    const curX = sample(20_000, normal(103, 10));
    const ref = numeric('x', refX);
    const r = compareFeature(ref, numeric('x', curX, ref), MONITOR);
    expect(r).toMatchObject({ method: 'wasserstein', threshold: 0.1, status: 'drifted' });
    expect(r.statistic as number).toBeCloseTo(normedWasserstein(refX, curX), 2);
    expect(Math.abs((r.statistic as number) / normedWasserstein(refX, curX) - 1)).toBeLessThan(
      0.01,
    );
  });

  it('KS D from the sketches is within 0.005 of the exact D', () => {
    const refX = sample(20_000, normal(0, 1));
    const curX = sample(30_000, normal(0.05, 1.1));
    const d = sketchKs(numeric('x', refX).quantiles, numeric('x', curX).quantiles);
    expect(Math.abs(d - ksTwoSample(refX, curX).statistic)).toBeLessThan(0.005);
  });

  it.each([
    ['psi', psi],
    ['jensenshannon', jensenShannonDistance],
  ] as const)('%s as configured, on the reference deciles', (method, fn) => {
    const refX = sample(3000, normal(10, 2));
    const curX = sample(3000, normal(10.3, 2));
    const ref = numeric('x', refX);
    const cur = numeric('x', curX, ref);
    const monitor = { ...MONITOR, numeric: { method, threshold: 0.05 } };
    const r = compareFeature(ref, cur, monitor);
    expect(r.statistic).toBe(fn(ref.counts, cur.counts));
    expect(r).toMatchObject({ method, threshold: 0.05, bins: expect.any(Array) });
    expect(r.bins).toHaveLength(10);
    expect([r.referenceCounts, r.currentCounts]).toEqual([ref.counts, cur.counts]);
  });

  it('identical windows do not drift', () => {
    const xs = sample(5000, normal(1, 1));
    const ref = numeric('x', xs);
    expect(compareFeature(ref, numeric('x', xs, ref), MONITOR)).toMatchObject({
      status: 'ok',
      statistic: 0,
    });
  });
});

describe('categorical features', () => {
  it.each<[string, Record<string, number>, Record<string, number>, string]>([
    [
      '3 categories, small reference: chi-square',
      { en: 500, de: 300, fr: 200 },
      { en: 300, de: 500, fr: 200 },
      'chisquare',
    ],
    [
      '2 categories, small reference: Z-test',
      { chat: 600, completion: 400 },
      { chat: 400, completion: 600 },
      'z',
    ],
    [
      'large reference: Jensen-Shannon',
      { en: 5000, de: 3000, fr: 2000 },
      { en: 3000, de: 5000, fr: 2000 },
      'jensenshannon',
    ],
  ])('%s', (_name, refCounts, curCounts, method) => {
    const r = compareFeature(
      categorical('lang', refCounts),
      categorical('lang', curCounts),
      MONITOR,
    );
    expect(r).toMatchObject({ method, status: 'drifted', kind: 'categorical' });
    expect(r.bins.sort()).toEqual(Object.keys(refCounts).sort());
  });
});

describe('insufficient data is reported, not judged', () => {
  it.each([
    [
      'too few current values',
      numeric('x', [1, 2, 3, 4]),
      numeric('x', [1, 2]),
      'fewer than 3 values',
    ],
    ['no reference', undefined, numeric('x', [1, 2, 3, 4]), 'no reference profile'],
  ])('%s', (_name, ref, cur, note) => {
    const r = compareFeature(ref, cur, { ...MONITOR, minSamples: 3 });
    expect(r).toMatchObject({ status: 'insufficient_data', statistic: null });
    expect(r.note).toContain(note);
  });
});

describe('the verdict of a run', () => {
  const at = (
    feature: string,
    status: 'ok' | 'drifted' | 'insufficient_data',
    pValue: number | null,
  ) => ({
    ...compareFeature(undefined, numeric(feature, [1]), MONITOR),
    status,
    pValue,
    threshold: 0.05,
  });

  it('dataset drift when the drifted share of judged features reaches the threshold', () => {
    const v = driftVerdict(
      [at('a', 'drifted', 0.01), at('b', 'ok', 0.5), at('c', 'insufficient_data', null)],
      { driftShare: 0.5, correction: 'none' },
    );
    expect(v).toMatchObject({
      judged: 2,
      drifted: 1,
      insufficient: 1,
      driftShare: 0.5,
      datasetDrift: true,
    });
    expect(
      driftVerdict([at('a', 'insufficient_data', null)], { driftShare: 0.5, correction: 'none' }),
    ).toMatchObject({ judged: 0, datasetDrift: false });
  });

  it('Benjamini-Hochberg re-judges p-values: 0.04 alone among 0.5s no longer drifts', () => {
    const v = driftVerdict([at('a', 'drifted', 0.04), at('b', 'ok', 0.5), at('c', 'ok', 0.6)], {
      driftShare: 0.5,
      correction: 'benjamini-hochberg',
    });
    expect(v.features.map((f) => [f.status, f.adjustedPValue])).toEqual([
      ['ok', 0.12],
      ['ok', 0.6],
      ['ok', 0.6],
    ]);
    expect(v.datasetDrift).toBe(false);
  });
});
