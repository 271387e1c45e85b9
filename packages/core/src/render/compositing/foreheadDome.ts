import { meshIndices } from '../../align/meshIndices';

/** How far above the mesh the dome reaches, as a fraction of the chin-to-forehead height. */
const domeLift = 0.2;
/** Which mesh points are lifted: those in the top part of the face, by height along the face. */
const domeFrom = 0.8;

/**
 * The face mesh ends at mid-forehead, so a mask made from its hull cuts the forehead flat, which
 * shows in every frame. For a real mesh (468 or 478 points) this returns its points plus a copy
 * of the top fifth of them lifted along the face's own up direction (chin → forehead), so the hull
 * takes in the upper forehead and the feather fades out at the hairline, whatever the head's roll.
 * Other point sets (fewer than 468 points) are returned as they are.
 *
 * The result is derived from the face: the caller wipes it once the outline is built.
 */
export function withForeheadDome(points: Float32Array, pointCount: number): { points: Float32Array; pointCount: number } {
  if (pointCount < 468) return { points, pointCount };
  const chinX = points[meshIndices.chin * 3]!;
  const chinY = points[meshIndices.chin * 3 + 1]!;
  const upX = points[meshIndices.forehead * 3]! - chinX;
  const upY = points[meshIndices.forehead * 3 + 1]! - chinY;
  const heightSquared = upX * upX + upY * upY;
  if (!(heightSquared > 0)) return { points, pointCount };

  const lifted: number[] = [];
  for (let i = 0; i < pointCount; i++) {
    const x = points[i * 3]!;
    const y = points[i * 3 + 1]!;
    const along = ((x - chinX) * upX + (y - chinY) * upY) / heightSquared;
    if (along >= domeFrom) lifted.push(i);
  }
  const out = new Float32Array((pointCount + lifted.length) * 3);
  out.set(points.subarray(0, pointCount * 3));
  lifted.forEach((index, k) => {
    const at = (pointCount + k) * 3;
    out[at] = points[index * 3]! + domeLift * upX;
    out[at + 1] = points[index * 3 + 1]! + domeLift * upY;
    out[at + 2] = points[index * 3 + 2]!;
  });
  return { points: out, pointCount: pointCount + lifted.length };
}
