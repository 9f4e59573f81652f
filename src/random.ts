// Seeded pseudo-random numbers for everything that must be reproducible: the emulated device's
// jitter, the traffic simulator. Written here: a 32-bit generator is a dozen lines and needs no
// library; `Math.random` cannot be seeded.

// Module-level aliases: under jest every global lookup (Math) goes through the vm context's
// interceptors, ~10x slower in this per-request code.
const { imul } = Math;

/** Returns a generator of uniform numbers in [0, 1) from `seed` (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a 32-bit seed derived from `seed` and a stream name, so streams do not share draws. */
export function deriveSeed(seed: number, stream: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < stream.length; i++) h = imul(h ^ stream.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 16)) >>> 0;
}
