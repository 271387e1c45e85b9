/**
 * A small seeded pseudo-random generator (mulberry32) for procedural backgrounds.
 *
 * Backgrounds must come out byte-identical on every run, so they never touch
 * `Math.random` or the clock: every random choice is drawn once, up front, from this generator
 * seeded by the template, and frames are pure functions of the frame index.
 */

/** A generator of numbers in [0, 1). @internal */
export type Prng = () => number;

/**
 * A deterministic generator seeded with a 32-bit integer. Not for cryptography.
 *
 * @internal
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number in [min, max) drawn from `random`. @internal */
export function prngRange(random: Prng, min: number, max: number): number {
  return min + (max - min) * random();
}
