// Turning uniform numbers into the scenario's distributions: picks from a mix of shares, normals,
// and the prompt hash. Small and allocation-free: the traffic generator calls them per request.
import type { Share } from './scenario';

// Module-level aliases: under jest every global lookup (Math) goes through the vm context's
// interceptors, ~10x slower in this per-request code.
const { imul, sqrt, log, cos } = Math;
const TWO_PI = 2 * Math.PI;

/** Returns the cumulative, normalised shares of a mix (last entry exactly 1). */
export function cumulativeShares(mix: readonly Share[]): Float64Array {
  const total = mix.reduce((sum, item) => sum + item.share, 0);
  if (!(total > 0)) throw new RangeError('a mix needs at least one positive share');
  const cumulative = new Float64Array(mix.length);
  let sum = 0;
  mix.forEach((item, i) => {
    sum += item.share;
    cumulative[i] = sum / total;
  });
  cumulative[mix.length - 1] = 1;
  return cumulative;
}

/** Returns the index of the mix entry that uniform `u` in [0, 1) falls in. */
export function pickIndex(cumulative: Float64Array, u: number): number {
  let i = 0;
  while (i < cumulative.length - 1 && u >= (cumulative[i] as number)) i++;
  return i;
}

/** Returns a standard normal draw from two uniforms (Box-Muller, one of the pair). */
export function standardNormal(u1: number, u2: number): number {
  return sqrt(-2 * log(1 - u1)) * cos(TWO_PI * u2);
}

/** Returns a prompt in normal form: trimmed, lower case, single spaces. */
export function normalisePrompt(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Returns a 53-bit hash (14 hex digits) of an already normalised prompt (cyrb53: fast, and wide
 * enough that a day of ~10^6 distinct prompts has no collisions in practice; not cryptographic).
 */
export function hashNormalised(normalised: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < normalised.length; i++) {
    const c = normalised.charCodeAt(i);
    h1 = imul(h1 ^ c, 2654435761);
    h2 = imul(h2 ^ c, 1597334677);
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507) ^ imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507) ^ imul(h1 ^ (h1 >>> 13), 3266489909);
  const value = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return value.toString(16).padStart(14, '0');
}

/** Returns the hash of a prompt's normal form: equal for prompts that differ only in case/space. */
export function promptHash(text: string): string {
  return hashNormalised(normalisePrompt(text));
}
