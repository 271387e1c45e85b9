import type { FaceDetection } from './faceDetection';

/**
 * How the detector's 128×128 input sits in the photo: the photo was scaled by `scale` and placed
 * at `(padX, padY)` inside the square (letterboxed, aspect ratio kept).
 *
 * @internal
 */
export interface Letterbox {
  readonly scale: number;
  readonly padX: number;
  readonly padY: number;
}

/** Scores are clipped before the sigmoid, as the graph's `score_clipping_thresh` does. */
const scoreClip = 100;
const inputSize = 128;

/**
 * Turn the detector's raw outputs into face detections above `minScore`, in photo pixels.
 *
 * `regressors` holds 16 numbers per anchor (x, y, w, h of the box centre and size, then six
 * keypoints' x, y, all in input pixels relative to the anchor centre); `scores` one logit per
 * anchor. This is the graph's `TensorsToDetectionsCalculator` with `reverse_output_order` and a
 * scale of 128 on every coordinate, followed by the letterbox removal.
 *
 * @internal
 */
export function decodeBlazeFace(
  regressors: Float32Array,
  scores: Float32Array,
  anchors: Float32Array,
  letterbox: Letterbox,
  minScore: number,
): FaceDetection[] {
  const count = anchors.length / 2;
  if (regressors.length !== count * 16 || scores.length !== count) {
    throw new RangeError(`decodeBlazeFace: expected ${count * 16} regressors and ${count} scores`);
  }
  // Normalised input coordinate → photo pixel.
  const toPhotoX = (u: number) => (u * inputSize - letterbox.padX) / letterbox.scale;
  const toPhotoY = (v: number) => (v * inputSize - letterbox.padY) / letterbox.scale;
  const found: FaceDetection[] = [];
  for (let i = 0; i < count; i++) {
    const logit = Math.max(-scoreClip, Math.min(scoreClip, scores[i]!));
    const score = 1 / (1 + Math.exp(-logit));
    if (score < minScore) continue;
    const ax = anchors[2 * i]!;
    const ay = anchors[2 * i + 1]!;
    const r = 16 * i;
    const cx = regressors[r]! / inputSize + ax;
    const cy = regressors[r + 1]! / inputSize + ay;
    const w = regressors[r + 2]! / inputSize;
    const h = regressors[r + 3]! / inputSize;
    const box = new Float32Array([
      toPhotoX(cx - w / 2),
      toPhotoY(cy - h / 2),
      toPhotoX(cx + w / 2),
      toPhotoY(cy + h / 2),
    ]);
    const keypoints = new Float32Array(12);
    for (let k = 0; k < 6; k++) {
      keypoints[2 * k] = toPhotoX(regressors[r + 4 + 2 * k]! / inputSize + ax);
      keypoints[2 * k + 1] = toPhotoY(regressors[r + 5 + 2 * k]! / inputSize + ay);
    }
    found.push({ box, keypoints, score });
  }
  return found;
}
