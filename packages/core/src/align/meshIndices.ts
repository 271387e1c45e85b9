/**
 * Indices into the MediaPipe face mesh that alignment and head pose read. The first 468 points
 * are the same in the 468-point mesh and in the 478-point attention mesh (which appends the two
 * irises as 468…472 and 473…477), so every index here works on both layouts.
 *
 * "Image-left" is the left side of the picture as seen, which is the subject's right.
 *
 * @public
 */
export const meshIndices = {
  /** Contour of the image-left eye (the subject's right eye), 16 points. */
  imageLeftEye: Object.freeze([33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173]),
  /** Contour of the image-right eye (the subject's left eye), 16 points. */
  imageRightEye: Object.freeze([263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398]),
  /** Tip of the nose. */
  noseTip: 1,
  /** Image-left mouth corner. */
  imageLeftMouth: 61,
  /** Image-right mouth corner. */
  imageRightMouth: 291,
  /** Top of the forehead on the mid-line. */
  forehead: 10,
  /** Bottom of the chin on the mid-line. */
  chin: 152,
  /** Iris centres, present only in the 478-point layout. */
  imageLeftIris: 468,
  imageRightIris: 473,
} as const;

/** Point counts of the two supported mesh layouts. @public */
export const meshLayouts: readonly number[] = Object.freeze([468, 478]);

/**
 * Mean of a set of mesh points' x, y, z into `out` at `offset` (3 numbers).
 *
 * @internal
 */
export function meanOfIndices(
  points: Float32Array,
  indices: readonly number[],
  out: Float64Array,
  offset: number,
): void {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const index of indices) {
    x += points[3 * index]!;
    y += points[3 * index + 1]!;
    z += points[3 * index + 2]!;
  }
  const k = 1 / indices.length;
  out[offset] = x * k;
  out[offset + 1] = y * k;
  out[offset + 2] = z * k;
}
