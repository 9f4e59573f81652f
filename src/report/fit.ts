// The device's batch latency as a line, latency(B) = F + c·B, and the throughput it predicts.
// Fitted to the window's observed batch sizes when there are at least two, else taken from the
// configured device profile. Pure.
import { weightedLinearRegression } from 'simple-statistics';
import type { BatchPoint, ReportEvidence } from './evidence';

/** The batch sizes a batching recommendation predicts throughput at. */
export const BATCH_SIZES = [5, 6, 7, 8, 9, 10] as const;

/** latency(B) = fixedMs + perItemMs · B, with where it came from. */
export interface LatencyLine {
  fixedMs: number;
  perItemMs: number;
  origin: 'fit' | 'profile';
  /** e.g. "fit: latency(B) = 180 + 16·B ms over 3 batch sizes (1–3, 1200 batches, weighted by batches)". */
  source: string;
}

/** Returns the line fitted to `points` weighted by their batches, or null with < 2 distinct sizes. */
export function fitLatency(points: BatchPoint[]): LatencyLine | null {
  const usable = points.filter(
    (p) =>
      p.batches > 0 &&
      Number.isFinite(p.batches) &&
      Number.isFinite(p.size) &&
      Number.isFinite(p.meanMs),
  );
  const sizes = [...new Set(usable.map((p) => p.size))].sort((a, b) => a - b);
  if (sizes.length < 2) return null;
  // Weighted least squares: a size seen in 10 000 batches says more than one seen in 3.
  const { m, b } = weightedLinearRegression(
    usable.map((p) => [p.size, p.meanMs]),
    usable.map((p) => p.batches),
  );
  const batches = usable.reduce((s, p) => s + p.batches, 0);
  return {
    fixedMs: b,
    perItemMs: m,
    origin: 'fit',
    source: `fit: ${lineText(b, m)} over ${sizes.length} batch sizes (${sizes[0]}–${sizes[sizes.length - 1]}, ${batches} batches, weighted by batches)`,
  };
}

/** Returns the latency line a report predicts with: the fit when usable, else the profile, else null. */
export function latencyLine(batching: ReportEvidence['batching']): LatencyLine | null {
  const fit = fitLatency(batching.points);
  if (fit !== null && plausible(fit)) return fit;
  const p = batching.profile;
  if (p === null) return null;
  const line: LatencyLine = {
    fixedMs: p.fixedMs,
    perItemMs: p.perItemMs,
    origin: 'profile',
    source: `profile: ${lineText(p.fixedMs, p.perItemMs)} (${p.source})${fit !== null ? `; the ${fit.source.slice(5)} gave a non-positive latency and was set aside` : ''}`,
  };
  return plausible(line) ? line : null;
}

/** Returns the requests/s `inFlight` concurrent batches of size `b` complete on `line`. */
export function predictedThroughputRps(line: LatencyLine, inFlight: number, b: number): number {
  return (inFlight * b * 1000) / (line.fixedMs + line.perItemMs * b);
}

/** Returns "latency(B) = 180 + 16·B ms" with both figures to 4 significant digits. */
export function lineText(fixedMs: number, perItemMs: number): string {
  const f = Number(fixedMs.toPrecision(4));
  const c = Number(perItemMs.toPrecision(4));
  return `latency(B) = ${f} ${c < 0 ? '−' : '+'} ${Math.abs(c)}·B ms`;
}

// A line is usable for prediction when every batch from 1 to the largest predicted takes a
// positive time (the line is monotone, so the two ends decide); noisy fits can fail this.
function plausible(line: LatencyLine): boolean {
  const last = BATCH_SIZES[BATCH_SIZES.length - 1] as number;
  return line.fixedMs + line.perItemMs > 0 && line.fixedMs + line.perItemMs * last > 0;
}
