/**
 * Measures of a face mesh (MediaPipe's 468/478-point topology, `x, y, z` per point) that the
 * quality metrics compare between the template and the output.
 */

/** Outer eye corners (the subject's right eye is on the image's left). */
const outerEyeCorners = [33, 263] as const;
/** Inner-lip midpoints, upper and lower: their distance is the mouth opening. */
const innerLips = [13, 14] as const;
/**
 * The six eye points of Soukupová and Čech's eye aspect ratio, per eye: the two corners
 * (p1, p4) and two lid pairs (p2–p6, p3–p5), in MediaPipe's mesh indices.
 */
const eyeAspectPoints = [
  [33, 160, 158, 133, 153, 144],
  [362, 385, 387, 263, 373, 380],
] as const;

function distance(points: ArrayLike<number>, i: number, j: number, stride: number): number {
  return Math.hypot(points[i * stride]! - points[j * stride]!, points[i * stride + 1]! - points[j * stride + 1]!);
}

/**
 * Distance between the outer eye corners (points 33 and 263) in the image plane: the scale
 * every face metric is normalised by, so that figures do not depend on how large the face is.
 *
 * @param stride - 3 for a mesh's `x, y, z`, 2 for `x, y` only
 */
export function interOcularDistance(points: ArrayLike<number>, stride = 3): number {
  return distance(points, outerEyeCorners[0], outerEyeCorners[1], stride);
}

/**
 * Mouth opening: the inner-lip distance (points 13 and 14) over the inter-ocular distance. About
 * 0 for a closed mouth, 0.3 or more for a wide open one.
 */
export function mouthOpening(points: ArrayLike<number>, stride = 3): number {
  return distance(points, innerLips[0], innerLips[1], stride) / interOcularDistance(points, stride);
}

/**
 * Eye aspect ratio, averaged over both eyes: (|p2−p6| + |p3−p5|) / (2 |p1−p4|). About 0.25–0.35
 * for an open eye, under 0.1 for a closed one; scale-free by construction.
 */
export function eyeAspectRatio(points: ArrayLike<number>, stride = 3): number {
  let sum = 0;
  for (const [p1, p2, p3, p4, p5, p6] of eyeAspectPoints) {
    const lids = distance(points, p2, p6, stride) + distance(points, p3, p5, stride);
    sum += lids / (2 * distance(points, p1, p4, stride));
  }
  return sum / eyeAspectPoints.length;
}
