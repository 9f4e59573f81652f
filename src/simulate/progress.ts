// The backfill's progress line: a bar over virtual time, requests written and their rate. Pure.

const WIDTH = 30;
const group = (n: number) => Math.round(n).toLocaleString('en-US');

/** Returns one progress line: share of the window written, requests, elapsed, requests/s. */
export function progressLine(input: {
  label: string;
  done: number;
  total: number;
  requests: number;
  elapsedMs: number;
}): string {
  const share = input.total > 0 ? Math.min(1, Math.max(0, input.done / input.total)) : 1;
  const filled = Math.round(share * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  const seconds = input.elapsedMs / 1000;
  const rate = seconds > 0 ? input.requests / seconds : 0;
  return `${input.label} [${bar}] ${String(Math.floor(share * 100)).padStart(3)}%  ${group(input.requests)} requests  ${seconds.toFixed(1)} s  ${group(rate)}/s`;
}
