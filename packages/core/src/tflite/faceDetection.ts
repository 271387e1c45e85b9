/**
 * One face the short-range detector found, in pixel coordinates of the photo: its box, its six
 * keypoints (right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion;
 * "right" is the person's right, on the left of the image) and its score.
 *
 * @internal
 */
export interface FaceDetection {
  /** `[xMin, yMin, xMax, yMax]`. */
  readonly box: Float32Array;
  /** `[x0, y0, x1, y1, …]`, six keypoints. */
  readonly keypoints: Float32Array;
  readonly score: number;
}
