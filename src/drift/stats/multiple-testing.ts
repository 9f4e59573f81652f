// Benjamini–Hochberg false-discovery-rate adjustment across the features of one drift run.
import { requireSample } from './validate';

/** Returns Benjamini–Hochberg adjusted p-values in input order (scipy false_discovery_control, method='bh'). */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  requireSample('pValues', pValues);
  pValues.forEach((p, i) => {
    if (p < 0 || p > 1) throw new RangeError(`pValues[${i}] must lie in [0, 1], got ${p}`);
  });
  const m = pValues.length;
  const order = pValues
    .map((_, i) => i)
    .sort((i, j) => (pValues[i] as number) - (pValues[j] as number));
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1] as number;
    running = Math.min(running, (pValues[i] as number) * (m / rank));
    adjusted[i] = running;
  }
  return adjusted;
}
