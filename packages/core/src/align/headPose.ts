import type { FaceLandmarks } from '../detect/faceLandmarks';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { requireMesh } from './fivePoints';
import { meanOfIndices, meshIndices } from './meshIndices';

/**
 * Head orientation in degrees, relative to a face looking straight into the camera.
 *
 * Signs, as the viewer sees the photo:
 * - `yaw` > 0: the face turns towards the image's right (the subject turns to their left).
 * - `pitch` > 0: the face tilts up (chin raised).
 * - `roll` > 0: the face rotates clockwise on screen (the image-right eye sits lower).
 *
 * The angles compose as `R = Rz(roll) · Ry(yaw) · Rx(pitch)` in camera coordinates (x right,
 * y down, z away from the camera): pitch about the face's own ear-to-ear axis, then yaw, then
 * roll in the image plane, so that `roll` is exactly the angle of the eye line in the image.
 *
 * @public
 */
export interface HeadPose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

const degrees = 180 / Math.PI;

/**
 * Estimate yaw, pitch and roll from a face mesh's own 3-D axes.
 *
 * The mesh's x, y and z (z in the same units as x; larger is farther from the camera) give three
 * anatomical directions: ear to ear (the mean of the eye line, eye-contour centre to eye-contour
 * centre, and the mouth line, corner to corner), forehead to chin (points 10 → 152, made
 * orthogonal to the first), and their cross product, which points into the head. Reading the
 * angles off that frame needs no 3-D model of a reference face, costs a few dozen flops, and works
 * for both mesh layouts.
 *
 * "Zero" is the mesh model's own frontal face, where the forehead–chin line lies in the image
 * plane; on real frontal portraits this reads a few degrees of negative pitch (the chin sits a
 * little deeper than the forehead in the mesh), which the default policy limits absorb.
 *
 * @throws {@link InvalidArgumentError} when `landmarks` is not a 468/478-point mesh or the points
 * are not finite or collapse (no eye line or no face height).
 * @public
 */
export function estimateHeadPose(landmarks: FaceLandmarks): HeadPose {
  requireMesh(landmarks, 'estimateHeadPose');
  const p = landmarks.points;
  const buf = new Float64Array(6);

  meanOfIndices(p, meshIndices.imageLeftEye, buf, 0);
  meanOfIndices(p, meshIndices.imageRightEye, buf, 3);
  let xx = buf[3]! - buf[0]!;
  let xy = buf[4]! - buf[1]!;
  let xz = buf[5]! - buf[2]!;
  const ml = 3 * meshIndices.imageLeftMouth;
  const mr = 3 * meshIndices.imageRightMouth;
  xx += p[mr]! - p[ml]!;
  xy += p[mr + 1]! - p[ml + 1]!;
  xz += p[mr + 2]! - p[ml + 2]!;

  const f = 3 * meshIndices.forehead;
  const c = 3 * meshIndices.chin;
  let yx = p[c]! - p[f]!;
  let yy = p[c + 1]! - p[f + 1]!;
  let yz = p[c + 2]! - p[f + 2]!;

  const xn = Math.hypot(xx, xy, xz);
  if (!(xn > 0) || !Number.isFinite(xn)) {
    throw new InvalidArgumentError(
      'estimateHeadPose: the mesh has no measurable eye line (points coincide or are not finite).',
    );
  }
  xx /= xn;
  xy /= xn;
  xz /= xn;
  const dot = yx * xx + yy * xy + yz * xz;
  yx -= dot * xx;
  yy -= dot * xy;
  yz -= dot * xz;
  const yn = Math.hypot(yx, yy, yz);
  if (!(yn > 1e-9 * xn) || !Number.isFinite(yn)) {
    throw new InvalidArgumentError(
      'estimateHeadPose: the mesh has no measurable forehead-to-chin direction.',
    );
  }
  yx /= yn;
  yy /= yn;
  yz /= yn;
  // z = x × y; only its z component is needed for pitch.
  const zz = xx * yy - xy * yx;

  return {
    yaw: Math.asin(Math.max(-1, Math.min(1, xz))) * degrees,
    pitch: Math.atan2(-yz, zz) * degrees,
    roll: Math.atan2(xy, xx) * degrees,
  };
}
