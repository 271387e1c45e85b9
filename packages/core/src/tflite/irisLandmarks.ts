import type { FaceRegion } from './faceRegion';
import { regionToPhoto } from './faceRegion';

/** The iris model's input side in pixels. */
export const irisInputSide = 64;
/** Floats the iris model returns per eye: 71 eye contour points, then 5 iris points, x y z each. */
export const irisOutputLength = (71 + 5) * 3;

/**
 * The two eyes as MediaPipe's iris graph takes them from the 468-point mesh: each eye's corner
 * landmarks (the first one is where the eye's rotation is measured from), the mesh points just
 * above and below the iris whose depth the iris points take, and whether the crop is mirrored.
 * The model was trained on the eye at 33/133 (the person's right eye, on the image's left in a
 * frontal photo); the other eye is mirrored so that it looks like one. The 478-point mesh lists
 * the iris of the first at 468–472 and of the second at 473–477.
 *
 * @internal
 */
export const irisEyes = [
  { corners: [33, 133], upper: 159, lower: 145, mirrored: false },
  { corners: [362, 263], upper: 386, lower: 374, mirrored: true },
] as const;

function normalizeRadians(angle: number): number {
  return angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
}

/**
 * The iris model's region for one eye, as MediaPipe's `iris_landmark_left_and_right` graph
 * derives it from the two corner landmarks: centred on the box around them, turned so that the
 * line from the first corner to the second is horizontal, its longer side scaled by 2.3 into a
 * square.
 *
 * @internal
 */
export function eyeRegion(points: Float32Array, first: number, second: number): FaceRegion {
  const x0 = points[3 * first]!;
  const y0 = points[3 * first + 1]!;
  const x1 = points[3 * second]!;
  const y1 = points[3 * second + 1]!;
  return {
    centerX: (x0 + x1) / 2,
    centerY: (y0 + y1) / 2,
    size: Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2.3,
    rotation: normalizeRadians(-Math.atan2(-(y1 - y0), x1 - x0)),
  };
}

/**
 * Where the crop's sampling point `(u, v)` lies in the photo, for `sampleRgbToTensor` (which
 * passes `(col / side, row / side)`). The crop is sampled at pixel centres, as MediaPipe's
 * `ImageToTensorCalculator` does, and the iris model's output is read back the same way
 * (`x / side`). The mesh's crops use the tfjs detector's grid instead because their reference is
 * that detector's own sampling; the iris model has no such twin, so its crop follows the model's
 * own convention. The mirrored eye reads its rows right to left.
 *
 * @internal
 */
export function eyeCropToPhoto(region: FaceRegion, mirrored: boolean): (u: number, v: number) => [number, number] {
  const half = 0.5 / irisInputSide;
  return mirrored ? (u, v) => regionToPhoto(region, 1 - u - half, v + half) : (u, v) => regionToPhoto(region, u + half, v + half);
}

/**
 * The order of the 5 iris points in the 478-point mesh is the same for both eyes: centre, the
 * point towards the image's right, top, towards the image's left, bottom. The mirrored eye's
 * crop swaps right and left, so its points 1 and 3 trade places.
 */
const mirroredOrder = [0, 3, 2, 1, 4] as const;

/**
 * Write one eye's 5 iris points (centre first) into `out` at point `offset`, in photo pixels,
 * from the model's output in crop pixels. The model's depth for the iris is unreliable (as
 * MediaPipe and Human note), so the points take the mesh's depth: the centre and the side points
 * the mean of the points above and below the iris, the top and bottom points those points' own.
 *
 * @internal
 */
export function writeIrisPoints(
  output: Float32Array,
  region: FaceRegion,
  mirrored: boolean,
  mesh: Float32Array,
  upper: number,
  lower: number,
  out: Float32Array,
  offset: number,
): void {
  const upperZ = mesh[3 * upper + 2]!;
  const lowerZ = mesh[3 * lower + 2]!;
  for (let i = 0; i < 5; i++) {
    const k = mirrored ? mirroredOrder[i]! : i;
    const x = output[3 * (71 + k)]!;
    const y = output[3 * (71 + k) + 1]!;
    const u = mirrored ? 1 - x / irisInputSide : x / irisInputSide;
    const [px, py] = regionToPhoto(region, u, y / irisInputSide);
    out[3 * (offset + i)] = px;
    out[3 * (offset + i) + 1] = py;
    out[3 * (offset + i) + 2] = i === 2 ? upperZ : i === 4 ? lowerZ : (upperZ + lowerZ) / 2;
  }
}
