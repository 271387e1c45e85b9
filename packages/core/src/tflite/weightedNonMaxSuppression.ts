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
 * MediaPipe's weighted non-max suppression: take the highest-scoring detection, gather every
 * remaining one that overlaps it by more than `minOverlap` (intersection over union), and
 * replace the group by the score-weighted mean of its boxes and keypoints, keeping the top
 * score. BlazeFace fires on several neighbouring anchors per face; averaging them is steadier
 * than keeping one.
 *
 * @internal
 */
export function weightedNonMaxSuppression(detections: readonly FaceDetection[], minOverlap: number): FaceDetection[] {
  const remaining = [...detections].sort((a, b) => b.score - a.score);
  const kept: FaceDetection[] = [];
  while (remaining.length > 0) {
    const top = remaining[0]!;
    const group: FaceDetection[] = [];
    const rest: FaceDetection[] = [];
    for (const candidate of remaining) {
      (intersectionOverUnion(top.box, candidate.box) > minOverlap ? group : rest).push(candidate);
    }
    // `top` overlaps itself fully, so the group is never empty.
    const box = new Float32Array(4);
    const keypoints = new Float32Array(top.keypoints.length);
    let total = 0;
    for (const member of group) {
      total += member.score;
      for (let i = 0; i < 4; i++) box[i] = box[i]! + member.box[i]! * member.score;
      for (let i = 0; i < keypoints.length; i++) keypoints[i] = keypoints[i]! + member.keypoints[i]! * member.score;
    }
    for (let i = 0; i < 4; i++) box[i] = box[i]! / total;
    for (let i = 0; i < keypoints.length; i++) keypoints[i] = keypoints[i]! / total;
    kept.push({ box, keypoints, score: top.score });
    remaining.length = 0;
    remaining.push(...rest);
  }
  return kept;
}
