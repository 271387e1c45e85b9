import type { FaceDetection } from './faceDetection';

/**
 * A rotated square around a face, in photo pixels: what the landmark model is shown.
 *
 * @internal
 */
export interface FaceRegion {
  readonly centerX: number;
  readonly centerY: number;
  /** Side length in pixels. */
  readonly size: number;
  /** Radians; positive turns the square clockwise on screen (y points down). */
  readonly rotation: number;
}

function normalizeRadians(angle: number): number {
  return angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
}

/**
 * The landmark model's region for a detection, as MediaPipe's face landmark graph derives it:
 * rotated so that the line from the right eye to the left eye is horizontal
 * (`DetectionsToRectsCalculator`, keypoints 0 → 1, target angle 0), then the box's longer side
 * scaled by 1.5 into a square (`RectTransformationCalculator`, `square_long`).
 *
 * @internal
 */
export function faceRegionFromDetection(detection: FaceDetection): FaceRegion {
  const [xMin, yMin, xMax, yMax] = detection.box as unknown as [number, number, number, number];
  const k = detection.keypoints;
  const rotation = normalizeRadians(-Math.atan2(-(k[3]! - k[1]!), k[2]! - k[0]!));
  return {
    centerX: (xMin + xMax) / 2,
    centerY: (yMin + yMax) / 2,
    size: Math.max(xMax - xMin, yMax - yMin) * 1.5,
    rotation,
  };
}

/**
 * Where a point of the region's unit square lies in the photo: `(u, v)` in 0…1 across and down
 * the region, as the graph's `LandmarkProjectionCalculator` maps it.
 *
 * @internal
 */
export function regionToPhoto(region: FaceRegion, u: number, v: number): [number, number] {
  const a = u - 0.5;
  const b = v - 0.5;
  const cos = Math.cos(region.rotation);
  const sin = Math.sin(region.rotation);
  return [region.centerX + (a * cos - b * sin) * region.size, region.centerY + (a * sin + b * cos) * region.size];
}
