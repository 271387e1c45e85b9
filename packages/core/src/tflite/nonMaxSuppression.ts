import type { FaceDetection } from './faceDetection';

function intersectionOverUnion(a: Float32Array, b: Float32Array): number {
  const width = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const height = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * Non-max suppression as the SDK's tfjs detector does it (face-detection's `nonMaxSuppression`,
 * over `tf.image.nonMaxSuppression`): by falling score, keep a detection as it is and drop every
 * later one that overlaps a kept one by more than `maxOverlap` (intersection over union).
 * BlazeFace fires on several neighbouring anchors per face; MediaPipe's own graph averages them
 * (weighted suppression), which moved a face box edge by up to 5.4 px against the tfjs detector.
 * Keeping the top one makes this path find what the tfjs detector finds, so one face gives the
 * same landmarks on a phone and in a browser.
 *
 * @internal
 */
export function nonMaxSuppression(detections: readonly FaceDetection[], maxOverlap: number): FaceDetection[] {
  const kept: FaceDetection[] = [];
  for (const candidate of [...detections].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => intersectionOverUnion(k.box, candidate.box) <= maxOverlap)) kept.push(candidate);
  }
  return kept;
}
