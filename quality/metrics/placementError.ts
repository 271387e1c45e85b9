import { interOcularDistance } from './faceMeasures';

/**
 * Normalised mean error of a detected mesh against the mesh it should match: the mean image-plane
 * distance of corresponding points divided by the target's inter-ocular distance (the outer eye
 * corners, 33–263). 0.05 means points sit on average 5 % of the eye distance off.
 *
 * Only the first `pointCount` points are compared (468 by default: the iris points 468–477 exist
 * only in 478-point meshes, and a 468-point target has none).
 *
 * @param detected - the mesh found on the output frame, `x, y, z` per point
 * @param target - where the renderer meant the face to be, `x, y, z` per point
 * @throws Error when either mesh has fewer than `pointCount` points or the target's eyes coincide.
 */
export function normalisedMeanError(detected: ArrayLike<number>, target: ArrayLike<number>, pointCount = 468): number {
  if (detected.length < pointCount * 3 || target.length < pointCount * 3) {
    throw new Error(`normalisedMeanError: both meshes need ${pointCount} points (x, y, z each).`);
  }
  const scale = interOcularDistance(target);
  if (!(scale > 0)) throw new Error('normalisedMeanError: the target mesh has no inter-ocular distance.');
  let sum = 0;
  for (let i = 0; i < pointCount; i++) {
    sum += Math.hypot(detected[i * 3]! - target[i * 3]!, detected[i * 3 + 1]! - target[i * 3 + 1]!);
  }
  return sum / pointCount / scale;
}
