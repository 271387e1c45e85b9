/**
 * Correlation of two series, for the expression-following metric.
 */

/** Arithmetic mean; NaN for an empty series. */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Population standard deviation; NaN for an empty series. */
export function standardDeviation(values: readonly number[]): number {
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return Math.sqrt(sum / values.length);
}

/**
 * Pearson's correlation coefficient of two series of the same length, −1…1. NaN when either
 * series does not vary (the coefficient is undefined then, and a caller must say so rather than
 * print a number).
 *
 * @throws Error when the lengths differ or there are fewer than 2 pairs.
 */
export function pearsonCorrelation(first: readonly number[], second: readonly number[]): number {
  if (first.length !== second.length) throw new Error('pearsonCorrelation: the series differ in length.');
  if (first.length < 2) throw new Error('pearsonCorrelation: needs at least 2 pairs.');
  const mx = mean(first);
  const my = mean(second);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < first.length; i++) {
    const dx = first[i]! - mx;
    const dy = second[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}
