import { tallyOccurrences, tallySlices } from '../../../src/slo/tally';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;
const at = (m: number) => T0 + m * MIN;

describe('tallyOccurrences sums any window from prefix sums', () => {
  // minute: 0 1 2 3 (twice) 4 ; outside the range: -1 and 10
  const counts = [
    { minuteMs: at(0), good: 9, total: 10 },
    { minuteMs: at(1), good: 20, total: 20 },
    { minuteMs: at(2), good: 0, total: 5 },
    { minuteMs: at(3), good: 3, total: 4 },
    { minuteMs: at(3), good: 1, total: 1 },
    { minuteMs: at(4), good: 7, total: 7 },
    { minuteMs: at(-1), good: 0, total: 1000 },
    { minuteMs: at(10), good: 0, total: 1000 },
  ];
  const tally = tallyOccurrences(counts, { fromMs: at(0), toMs: at(10) });

  it.each([
    // from, to, good, total
    [0, 10, 40, 47],
    [0, 1, 9, 10],
    [1, 3, 20, 25],
    [3, 4, 4, 5], // two rows of one minute add up
    [5, 10, 0, 0],
    [2, 2, 0, 0],
  ])('[%d, %d) -> good %d of %d', (from, to, good, total) => {
    expect(tally.sum(at(from), at(to))).toEqual({ good, total, events: total });
  });

  it.each([
    ['before the range', at(-1), at(2)],
    ['after the range', at(5), at(11)],
    ['not minute-aligned', at(1) + 1, at(2)],
  ])('refuses a window %s', (_what, from, to) => {
    expect(() => tally.sum(from, to)).toThrow(RangeError);
  });

  it('refuses good above total', () => {
    const bad = [{ minuteMs: at(0), good: 2, total: 1 }];
    expect(() => tallyOccurrences(bad, { fromMs: at(0), toMs: at(1) })).toThrow(
      /0 <= good <= total/,
    );
  });

  it('refuses a minute start off the minute grid', () => {
    const bad = [{ minuteMs: at(0) + 30_000, good: 1, total: 1 }];
    expect(() => tallyOccurrences(bad, { fromMs: at(0), toMs: at(1) })).toThrow(/grid/);
  });
});

describe('tallySlices counts good slices among slices with a verdict', () => {
  const FIVE = 5 * MIN;
  const slices = [
    { minuteMs: at(0), good: true, events: 50 },
    { minuteMs: at(5), good: false, events: 40 },
    // no verdict for the slice at 10
    { minuteMs: at(15), good: true },
  ];
  const tally = tallySlices(slices, { fromMs: at(0), toMs: at(20) }, FIVE);

  it.each([
    // from, to, good, slices, events (a slice without events counts as one)
    [0, 20, 2, 3, 91],
    [5, 15, 0, 1, 40],
    [10, 15, 0, 0, 0],
  ])('[%d, %d) -> %d good of %d slices, %d events', (from, to, good, total, events) => {
    expect(tally.sum(at(from), at(to))).toEqual({ good, total, events });
  });

  it('refuses two verdicts for one slice', () => {
    const twice = [
      { minuteMs: at(0), good: true },
      { minuteMs: at(0), good: false },
    ];
    expect(() => tallySlices(twice, { fromMs: at(0), toMs: at(5) }, FIVE)).toThrow(/two verdicts/);
  });

  it('refuses a slice that does not start on the slice grid', () => {
    const off = [{ minuteMs: at(2), good: true }];
    expect(() => tallySlices(off, { fromMs: at(0), toMs: at(5) }, FIVE)).toThrow(/5-minute grid/);
  });

  it('refuses a slice length that is not whole minutes', () => {
    expect(() => tallySlices([], { fromMs: at(0), toMs: at(5) }, 90_000)).toThrow(/whole number/);
  });
});
