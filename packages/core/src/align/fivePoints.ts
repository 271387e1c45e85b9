import type { FaceLandmarks } from '../detect/faceLandmarks';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { meshIndices, meshLayouts } from './meshIndices';

/**
 * Check that `landmarks` is a mesh this module can read: 468 or 478 points, enough numbers, and
 * finite coordinates at the points alignment uses.
 *
 * @internal
 */
export function requireMesh(landmarks: FaceLandmarks, caller: string): void {
  if (typeof landmarks !== 'object' || landmarks === null || !(landmarks.points instanceof Float32Array)) {
    throw new InvalidArgumentError(`${caller}: expected a FaceLandmarks record with a Float32Array of points.`);
  }
  if (!meshLayouts.includes(landmarks.pointCount)) {
    throw new InvalidArgumentError(
      `${caller}: expected a 468- or 478-point face mesh; got ${String(landmarks.pointCount)} points.`,
    );
  }
  if (landmarks.points.length < landmarks.pointCount * 3) {
    throw new InvalidArgumentError(
      `${caller}: the mesh claims ${landmarks.pointCount} points but holds only ` +
        `${Math.floor(landmarks.points.length / 3)} (x, y, z) triples.`,
    );
  }
}

/**
 * The five alignment points of a face mesh, in the order of the canonical template
 * ({@link canonicalFivePoints}): image-left eye centre, image-right eye centre, nose tip,
 * image-left mouth corner, image-right mouth corner, as `[x0, y0, …, x4, y4]` in the mesh's pixel
 * coordinates.
 *
 * Eye centres are the mean of each eye's 16-point contour, in both mesh layouts, rather than the
 * iris centres the 478-point mesh adds: the iris follows the gaze (a sideways glance would shift
 * the crop), while the contour is fixed to the skull, and using one definition for both layouts
 * keeps a face aligned the same whichever model found it. For an open eye looking ahead the two
 * agree to about a pixel at 100 px between the eyes.
 *
 * @param out - Where to write the 10 numbers; a new Float32Array when omitted. The values are
 * derived from a face: hold `out` in an ephemeral handle or wipe it after use.
 * @throws {@link InvalidArgumentError} when `landmarks` is not a 468/478-point mesh or `out` is
 * shorter than 10.
 * @public
 */
export function fivePointsFromMesh(
  landmarks: FaceLandmarks,
  // Backed by an ArrayBuffer of its own: V8 keeps a typed array this small inside its heap,
  // where the garbage collector may move it and leave the old, unwiped copy behind (P3).
  out: Float32Array = new Float32Array(new ArrayBuffer(40)),
): Float32Array {
  requireMesh(landmarks, 'fivePointsFromMesh');
  if (!(out instanceof Float32Array) || out.length < 10) {
    throw new InvalidArgumentError('fivePointsFromMesh: `out` must be a Float32Array of at least 10 numbers.');
  }
  const p = landmarks.points;
  eyeCentre(p, meshIndices.imageLeftEye, out, 0);
  eyeCentre(p, meshIndices.imageRightEye, out, 2);
  out[4] = p[3 * meshIndices.noseTip]!;
  out[5] = p[3 * meshIndices.noseTip + 1]!;
  out[6] = p[3 * meshIndices.imageLeftMouth]!;
  out[7] = p[3 * meshIndices.imageLeftMouth + 1]!;
  out[8] = p[3 * meshIndices.imageRightMouth]!;
  out[9] = p[3 * meshIndices.imageRightMouth + 1]!;
  return out;
}

function eyeCentre(points: Float32Array, contour: readonly number[], out: Float32Array, offset: number): void {
  let x = 0;
  let y = 0;
  for (const index of contour) {
    x += points[3 * index]!;
    y += points[3 * index + 1]!;
  }
  out[offset] = x / contour.length;
  out[offset + 1] = y / contour.length;
}
