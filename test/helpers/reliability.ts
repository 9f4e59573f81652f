// The size of a reliability run: `npm test` runs the fast variant of each reliability suite,
// `npm run test:reliability` (INSIGHTAGENT_RELIABILITY=full) the full-size one.

/** True when the full-size variants are asked for. */
export const FULL_RELIABILITY = process.env.INSIGHTAGENT_RELIABILITY === 'full';

/** Returns `full` in a full-size run, else `fast`. */
export function reliabilitySize<T>(fast: T, full: T): T {
  return FULL_RELIABILITY ? full : fast;
}
