// The simulate command's option texts: durations and rates. Pure.
import { parseStep } from '../model-stats/timeseries';

/** The longest backfill or run: 31 days. */
export const MAX_SIMULATE_MS = 31 * 86_400_000;

/** Returns the milliseconds of 30m, 1h, 24h, 7d (whole minutes, at most 31d), or an error text. */
export function parseDuration(text: string): { ms: number } | { error: string } {
  const expected = 'expected whole minutes such as 10m, 1h, 24h or 7d, at most 31d';
  // A unit is required: a bare number would be seconds, which nobody means by a duration.
  const step = /[smhd]$/.test(text) ? parseStep(text) : { error: 'no unit' };
  if ('error' in step || step.seconds * 1000 > MAX_SIMULATE_MS)
    return { error: `${expected}, got "${text}"` };
  return { ms: step.seconds * 1000 };
}

/** Returns a request rate above 0 and at most 10,000 per second, or an error text. */
export function parseRate(text: string): { rps: number } | { error: string } {
  const rps = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(rps > 0) || rps > 10_000)
    return { error: `expected requests per second above 0 and at most 10000, got "${text}"` };
  return { rps };
}
