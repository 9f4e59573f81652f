import { errorBudget, sli, slicesIn } from '../../../src/slo/budget';

const ms = (iso: string) => Date.parse(iso);

describe('errorBudget = (1 - objective) x size; consumed = bad / budget', () => {
  it.each([
    // objective, size, bad, budget, consumed, remaining
    [0.999, 1_000_000, 500, 1000, 0.5, 0.5], // 30 d at 99.9 %, 1 M requests, 500 bad
    [0.999, 1_000_000, 0, 1000, 0, 1],
    [0.999, 1_000_000, 1000, 1000, 1, 0],
    [0.999, 1_000_000, 1200, 1000, 1.2, -0.2], // overspent: remaining goes negative
    [0.99, 10_000, 25, 100, 0.25, 0.75],
    [0.95, 2_000, 150, 100, 1.5, -0.5],
    [0.999, 43_200, 10, 43.2, 10 / 43.2, 1 - 10 / 43.2], // 30 d of one-minute slices, 10 bad
    [0.999, 8_928, 2, 8.928, 2 / 8.928, 1 - 2 / 8.928], // March of five-minute slices, 2 bad
  ])(
    'objective %d, size %d, %d bad -> budget %d, consumed %d, remaining %d',
    (objective, size, bad, total, consumed, remaining) => {
      const b = errorBudget(objective, size, bad);
      expect(b.total).toBeCloseTo(total, 9);
      expect(b.consumed).toBeCloseTo(consumed, 9);
      expect(b.remaining_fraction).toBeCloseTo(remaining, 9);
    },
  );

  it('has no consumed or remaining share while the budget is empty (no events yet)', () => {
    expect(errorBudget(0.999, 0, 0)).toEqual({
      total: 0,
      consumed: null,
      remaining_fraction: null,
    });
  });
});

describe('sli = good / total', () => {
  it.each([
    [999_500, 1_000_000, 0.9995],
    [0, 10, 0],
    [10, 10, 1],
    [0, 0, null],
  ])('%d good of %d -> %p', (good, total, expected) => {
    expect(sli({ good, total, events: total })).toBe(expected);
  });
});

describe('slicesIn counts slice starts in [from, to)', () => {
  it.each([
    ['2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z', 1, 43_200], // 30 d of minutes
    ['2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z', 5, 8_640],
    ['2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z', 1, 40_320], // February 2026, 28 d
    ['2028-02-01T00:00:00Z', '2028-03-01T00:00:00Z', 1, 41_760], // February 2028, 29 d
    ['2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', 1, 44_640], // March, 31 d
    ['2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', 5, 8_928],
    ['2026-03-01T00:03:00Z', '2026-03-01T00:13:00Z', 5, 2], // starts 00:05 and 00:10
    ['2026-03-01T00:03:00Z', '2026-03-01T00:04:00Z', 5, 0],
    ['2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', 1, 0],
  ])('[%s, %s) of %d-minute slices -> %d', (from, to, sliceMinutes, count) => {
    expect(slicesIn({ fromMs: ms(from), toMs: ms(to) }, sliceMinutes * 60_000)).toBe(count);
  });
});
