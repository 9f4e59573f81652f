// Population Stability Index between two histograms on the same bins, as Evidently's psi_stat_test
// (drift when PSI >= 0.1): PSI = Σ (r_i - c_i)·ln(r_i / c_i) over bin proportions r, c.
import { quantileSorted } from 'simple-statistics';
import { pairedProportions } from './proportions';
import { requireSample } from './validate';

/**
 * Proportion that replaces an empty bin, as Evidently's get_binned_data(feel_zeroes=True): 1e-4,
 * or the smallest non-zero proportion / 10^6 when that is itself <= 1e-4. Proportions are not
 * renormalised afterwards (nor are they in Evidently).
 */
export const EMPTY_BIN_PROPORTION = 1e-4;

function fillZeros(props: number[]): number[] {
  const smallest = Math.min(...props.filter((p) => p > 0));
  const eps = smallest <= EMPTY_BIN_PROPORTION ? smallest / 1e6 : EMPTY_BIN_PROPORTION;
  return props.map((p) => (p === 0 ? eps : p));
}

/** Returns the PSI of current against reference counts on the same bins (0 = identical). */
export function psi(refCounts: readonly number[], curCounts: readonly number[]): number {
  const [r, c] = pairedProportions('refCounts', refCounts, 'curCounts', curCounts).map(fillZeros);
  let total = 0;
  (r as number[]).forEach((ri, i) => {
    const ci = (c as number[])[i] as number;
    total += (ri - ci) * Math.log(ri / ci);
  });
  return total;
}

/**
 * Returns the interior cut points of `bins` reference-quantile bins (simple-statistics
 * quantileSorted at 1/bins … (bins-1)/bins, linear between order statistics like numpy's
 * default), duplicates dropped. Evidently itself cuts
 * equal-width bins over both samples; quantile bins keep every reference bin populated.
 */
export function referenceQuantileEdges(sample: readonly number[], bins = 10): number[] {
  requireSample('sample', sample);
  if (!Number.isInteger(bins) || bins < 2)
    throw new RangeError(`bins must be an integer >= 2, got ${bins}`);
  const sorted = [...sample].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = quantileSorted(sorted, i / bins);
    if (edges.length === 0 || q > (edges[edges.length - 1] as number)) edges.push(q);
  }
  return edges;
}

/** Returns counts per bin for ascending cut points: bin i holds edges[i-1] <= x < edges[i]. */
export function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const x of values) {
    let bin = 0;
    while (bin < edges.length && x >= (edges[bin] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}
