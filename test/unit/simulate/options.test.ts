// The simulate command's durations and rates.
import { parseDuration, parseRate } from '../../../src/simulate/options';

it.each([
  ['10m', { ms: 600_000 }],
  ['24h', { ms: 86_400_000 }],
  ['31d', { ms: 31 * 86_400_000 }],
])('duration %s', (text, parsed) => {
  expect(parseDuration(text)).toEqual(parsed);
});

it.each(['32d', '30s', '1x', '', '-1h', '600'])(
  'duration %s is refused, naming the forms',
  (text) => {
    expect(parseDuration(text)).toEqual({
      error: `expected whole minutes such as 10m, 1h, 24h or 7d, at most 31d, got "${text}"`,
    });
  },
);

it.each([
  ['10', { rps: 10 }],
  ['2.5', { rps: 2.5 }],
])('rate %s', (text, parsed) => {
  expect(parseRate(text)).toEqual(parsed);
});

it.each(['0', '-3', 'ten', '10001', '1e3'])('rate %s is refused', (text) => {
  expect(parseRate(text)).toHaveProperty('error');
});
