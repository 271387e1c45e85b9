/**
 * Randomized response for one yes/no answer: with probability `truthProbability` the truth,
 * otherwise a fair coin. No single report says what the person did; over many reports the true
 * rate can still be estimated ({@link estimateTrueRate}). `random` returns a uniform [0, 1).
 *
 * @public
 */
export function randomizedResponse(truth: boolean, truthProbability: number, random: () => number): boolean {
  if (random() < truthProbability) return truth;
  return random() < 0.5;
}

/**
 * The unbiased estimate of the true "yes" rate from randomized answers: observed = p·t + (1−p)/2,
 * so t = (observed − (1−p)/2) / p, clamped to [0, 1].
 *
 * @public
 */
export function estimateTrueRate(yes: number, no: number, truthProbability: number): number {
  const total = yes + no;
  if (total === 0) return 0;
  const estimate = (yes / total - (1 - truthProbability) / 2) / truthProbability;
  return Math.min(1, Math.max(0, estimate));
}

/** A uniform [0, 1) from the platform's cryptographic generator (not a seedable PRNG). */
export function cryptoRandom(): number {
  const word = new Uint32Array(1);
  globalThis.crypto.getRandomValues(word);
  return word[0]! / 2 ** 32;
}
