/**
 * The fuzz runs' only source of randomness: a seeded PRNG (mulberry32), one stream per input,
 * so input N of seed S is the same bytes on every machine and can be replayed alone.
 */

/** A seeded random stream with the few draws the generators need. */
export interface FuzzRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  below(n: number): number;
  /** An integer in [min, max], inclusive. */
  between(min: number, max: number): number;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** `length` random bytes. */
  bytes(length: number): Uint8Array;
}

/** The stream for `seed` (any 32-bit integer). */
export function fuzzRandom(seed: number): FuzzRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const below = (n: number): number => Math.floor(next() * n);
  return {
    next,
    below,
    between: (min, max) => min + below(max - min + 1),
    pick: (items) => items[below(items.length)]!,
    chance: (p) => next() < p,
    bytes: (length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = below(256);
      return out;
    },
  };
}

/** The seed of input `index` in the run seeded `runSeed`: independent of every other input. */
export function inputSeed(runSeed: number, index: number): number {
  // Two rounds of a 32-bit integer hash over (seed, index), so neighbouring indices differ.
  let h = (runSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  for (let round = 0; round < 2; round++) {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}
