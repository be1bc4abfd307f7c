/**
 * mulberry32: a tiny seeded PRNG. Sampling with the same seed must give the
 * same completion on every platform, which Math.random cannot promise.
 */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh seed when the caller gave none, so unseeded calls still differ. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
