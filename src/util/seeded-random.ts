/**
 * mulberry32: a small seeded PRNG giving the same numbers on every machine and Node version.
 * For test fixtures, fuzzing and benchmark models — anything that must be reproducible from a
 * seed but needs no statistical quality beyond "looks random". (Training uses its own
 * xoshiro128** in src/train/rng.ts; the seed example numpy's MT19937 in src/example/.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
