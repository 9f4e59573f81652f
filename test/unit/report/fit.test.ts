// latency(B) = F + c·B: recovered exactly from points on a known line, weighted by batches, and
// taken from the device profile when fewer than two sizes were seen or the fit is not physical.
import type { BatchPoint } from '../../../src/report/evidence';
import { fitLatency, latencyLine, lineText, predictedThroughputRps } from '../../../src/report/fit';

const onLine = (f: number, c: number, sizes: number[], batches = 100): BatchPoint[] =>
  sizes.map((size) => ({ size, batches, meanMs: f + c * size }));

const profile = { fixedMs: 180, perItemMs: 16, source: 'device profile' };

describe('fitLatency', () => {
  it.each([
    [180, 16, [1, 2, 3]],
    [180, 16, [1, 2, 3, 4, 5]],
    [42.5, 3.25, [2, 8]],
    [0, 20, [1, 4, 16, 32]],
  ])('recovers F = %p and c = %p from sizes %p', (f, c, sizes) => {
    const fit = fitLatency(onLine(f, c, sizes));
    expect(fit?.fixedMs).toBeCloseTo(f, 9);
    expect(fit?.perItemMs).toBeCloseTo(c, 9);
    expect(fit?.origin).toBe('fit');
    expect(fit?.source).toContain(`over ${sizes.length} batch sizes`);
  });

  it('weights each size by its batches: the same as repeating every point once per batch', () => {
    const points: BatchPoint[] = [
      { size: 1, batches: 3, meanMs: 200 },
      { size: 2, batches: 1, meanMs: 230 },
      { size: 4, batches: 2, meanMs: 240 },
    ];
    // Unit weights over the expanded data: 1,1,1,2,4,4.
    const xs = [1, 1, 1, 2, 4, 4];
    const ys = [200, 200, 200, 230, 240, 240];
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const c =
      xs.reduce((s, x, i) => s + (x - mx) * ((ys[i] as number) - my), 0) /
      xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    const fit = fitLatency(points);
    expect(fit?.perItemMs).toBeCloseTo(c, 9);
    expect(fit?.fixedMs).toBeCloseTo(my - c * mx, 9);
  });

  it('lets a heavily observed size pull the line: an outlier seen once barely moves it', () => {
    const points = [...onLine(180, 16, [1, 2, 3], 10_000), { size: 4, batches: 1, meanMs: 900 }];
    const fit = fitLatency(points);
    expect(fit?.perItemMs).toBeCloseTo(16, 0);
    const unweighted = fitLatency(points.map((p) => ({ ...p, batches: 1 })));
    expect(Math.abs((unweighted?.perItemMs ?? 0) - 16)).toBeGreaterThan(100);
  });

  it.each([
    ['no points', []],
    ['one size', onLine(180, 16, [1])],
    ['one size twice', [...onLine(180, 16, [2]), ...onLine(180, 16, [2])]],
    [
      'a second size with no batches',
      [...onLine(180, 16, [1]), { size: 2, batches: 0, meanMs: 212 }],
    ],
  ])('returns null with fewer than two distinct sizes (%s)', (_name, points) => {
    expect(fitLatency(points as BatchPoint[])).toBeNull();
  });
});

describe('latencyLine', () => {
  it('prefers the fit over the profile', () => {
    const line = latencyLine({ points: onLine(100, 10, [1, 2]), profile, inFlight: 1 });
    expect(line).toMatchObject({ fixedMs: 100, perItemMs: 10, origin: 'fit' });
  });

  it('falls back to the profile with one observed size', () => {
    const line = latencyLine({ points: onLine(180, 16, [1]), profile, inFlight: 1 });
    expect(line).toMatchObject({ fixedMs: 180, perItemMs: 16, origin: 'profile' });
    expect(line?.source).toBe('profile: latency(B) = 180 + 16·B ms (device profile)');
  });

  it('sets aside a fit that predicts a non-positive latency, and says so', () => {
    const line = latencyLine({ points: onLine(50, -20, [1, 2]), profile, inFlight: 1 });
    expect(line?.origin).toBe('profile');
    expect(line?.source).toContain('set aside');
  });

  it('returns null with neither a usable fit nor a profile', () => {
    expect(latencyLine({ points: onLine(180, 16, [1]), profile: null, inFlight: 1 })).toBeNull();
  });
});

describe('predictedThroughputRps', () => {
  const line = { fixedMs: 180, perItemMs: 16, origin: 'profile' as const, source: '' };
  it.each([
    [1, 1, 1000 / 196],
    [1, 5, 5000 / 260],
    [1, 10, 10_000 / 340],
    [2, 5, 10_000 / 260],
  ])('inFlight %p, B = %p: %p requests/s', (inFlight, b, expected) => {
    expect(predictedThroughputRps(line, inFlight, b)).toBeCloseTo(expected, 9);
  });
});

it('lineText writes negative slopes with a minus sign', () => {
  expect(lineText(180, 16)).toBe('latency(B) = 180 + 16·B ms');
  expect(lineText(200.123456, -1.5)).toBe('latency(B) = 200.1 − 1.5·B ms');
});
