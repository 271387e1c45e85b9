import { convexHull } from '../../packages/core/src/render/compositing/convexHull';

/**
 * The pixels inside the convex hull of a face mesh's points: "inside the face" for the flicker
 * metric. The mesh's outermost points trace the face oval, so its hull is the face without the
 * renderer's feathered margin, where the background (which does not follow the face's motion)
 * shows through.
 *
 * @param points - `x, y, …` per point with the given stride (3 for a mesh)
 * @returns 1 inside (pixel centres), 0 outside, one byte per pixel of a `width × height` frame
 */
export function faceHullMask(points: ArrayLike<number>, width: number, height: number, stride = 3): Uint8Array {
  const hull = convexHull(points, stride, Math.min(468, Math.floor(points.length / stride)));
  const mask = new Uint8Array(width * height);
  const n = hull.length / 2;
  if (n < 3) return mask;
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    let left = Infinity;
    let right = -Infinity;
    // A convex polygon crosses a row in one span: take the extreme crossings of its edges.
    for (let k = 0; k < n; k++) {
      const x0 = hull[2 * k]!;
      const y0 = hull[2 * k + 1]!;
      const x1 = hull[2 * ((k + 1) % n)]!;
      const y1 = hull[2 * ((k + 1) % n) + 1]!;
      if ((y0 <= cy && y1 > cy) || (y1 <= cy && y0 > cy)) {
        const x = x0 + ((cy - y0) / (y1 - y0)) * (x1 - x0);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
    if (!(right >= left)) continue;
    const from = Math.max(0, Math.ceil(left - 0.5));
    const to = Math.min(width - 1, Math.floor(right - 0.5));
    if (to >= from) mask.fill(1, y * width + from, y * width + to + 1);
  }
  return mask;
}
