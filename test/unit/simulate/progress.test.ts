// The backfill's progress line.
import { progressLine } from '../../../src/simulate/progress';

it.each([
  [0, 0, 0, 'chimera [------------------------------]   0%  0 requests  0.0 s  0/s'],
  [
    12,
    3_000,
    1_500,
    'chimera [#########---------------------]  30%  3,000 requests  1.5 s  2,000/s',
  ],
  [
    40,
    864_000,
    20_000,
    'chimera [##############################] 100%  864,000 requests  20.0 s  43,200/s',
  ],
])('at %d of 40 (%d requests, %d ms)', (done, requests, elapsedMs, line) => {
  expect(progressLine({ label: 'chimera', done, total: 40, requests, elapsedMs })).toBe(line);
});
