import { dueWindows, lastWindowEnd } from '../../../src/scheduler/windows';

const MIN = 60_000;
const T = Date.parse('2026-11-28T12:00:00Z');

describe('windows a periodic job owes', () => {
  it.each([
    ['on a boundary', T, T],
    ['mid-window', T + 59_999, T],
    ['just after', T + 1, T],
  ])('the last whole window ends at the boundary before now (%s)', (_name, now, end) => {
    expect(lastWindowEnd(now, MIN)).toBe(end);
  });

  it.each<[string, number | undefined, number, number, Array<[number, number]>, number]>([
    [
      'a job that never ran owes the last whole window',
      undefined,
      T + 30_000,
      10,
      [[T - MIN, T]],
      0,
    ],
    ['nothing when the last window is done', T, T + 59_000, 10, [], 0],
    ['the next window once it has ended', T, T + MIN + 5, 10, [[T, T + MIN]], 0],
    [
      'missed windows in order after downtime',
      T,
      T + 3 * MIN + 7,
      10,
      [
        [T, T + MIN],
        [T + MIN, T + 2 * MIN],
        [T + 2 * MIN, T + 3 * MIN],
      ],
      0,
    ],
    [
      'only the newest maxCatchUp after a long outage, the rest skipped',
      T,
      T + 180 * MIN,
      2,
      [
        [T + 178 * MIN, T + 179 * MIN],
        [T + 179 * MIN, T + 180 * MIN],
      ],
      178,
    ],
    [
      'a done end inside a window counts from that window',
      T + 30_000,
      T + MIN + 1,
      10,
      [[T, T + MIN]],
      0,
    ],
  ])('%s', (_name, lastDone, now, maxCatchUp, expected, skipped) => {
    const due = dueWindows(lastDone, now, MIN, maxCatchUp);
    expect(due.windows.map((w) => [w.startMs, w.endMs])).toEqual(expected);
    expect(due.skipped).toBe(skipped);
  });
});
