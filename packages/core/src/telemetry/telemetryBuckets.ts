import type { DurationBucket, PhotoSizeClass } from './telemetryVocabulary';

const durationLimits: readonly [number, DurationBucket][] = [
  [100, 'under-100ms'],
  [1_000, '100ms-1s'],
  [3_000, '1s-3s'],
  [10_000, '3s-10s'],
  [30_000, '10s-30s'],
];

/**
 * The bucket of a duration in milliseconds. A negative or non-finite duration (a clock that went
 * backwards) counts as the shortest bucket rather than failing.
 *
 * @public
 */
export function bucketDuration(milliseconds: number): DurationBucket {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return 'under-100ms';
  for (const [limit, bucket] of durationLimits) if (milliseconds < limit) return bucket;
  return 'over-30s';
}

const sizeLimits: readonly [number, PhotoSizeClass][] = [
  [1e6, 'under-1mp'],
  [4e6, '1-4mp'],
  [12e6, '4-12mp'],
  [24e6, '12-24mp'],
];

/**
 * The size class of a photo of `width × height` pixels.
 *
 * @public
 */
export function photoSizeClass(width: number, height: number): PhotoSizeClass {
  const pixels = Math.max(0, width) * Math.max(0, height);
  for (const [limit, sizeClass] of sizeLimits) if (pixels < limit) return sizeClass;
  return 'over-24mp';
}
