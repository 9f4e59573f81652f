// Jensen–Shannon distance between two histograms, as scipy.spatial.distance.jensenshannon(p, q)
// with its default natural-log base (so the distance lies in [0, √ln 2]); Evidently's
// jensenshannon_stat_test calls it the same way and drifts at distance >= 0.1.
import { pairedProportions } from './proportions';

// x·ln(x/y), 0 when x = 0 (scipy.special.rel_entr); y > 0 wherever x > 0 since y = (x + other)/2.
const relEntr = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(x / y));

/** Returns the Jensen–Shannon distance (natural log) of two count or probability vectors. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const [pp, qq] = pairedProportions('p', p, 'q', q);
  let js = 0;
  pp.forEach((pi, i) => {
    const qi = qq[i] as number;
    const m = (pi + qi) / 2;
    js += relEntr(pi, m) + relEntr(qi, m);
  });
  return Math.sqrt(Math.max(0, js / 2));
}
