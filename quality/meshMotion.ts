import type { BackwardMotion } from './metrics/warpingError';

/**
 * The known motion of a face between two frames as a mesh renderer produces it: each triangle of
 * the face mesh moves by its own affine map, so a pixel of the current frame is carried back
 * through the map of the triangle it lies in. Pixels in no triangle (outside the face, or in the
 * eye and mouth openings, which change by design) have no motion.
 *
 * @param current - the target mesh in this frame, `x, y, z` per point (frame pixels)
 * @param previous - the target mesh in the previous frame, same topology
 * @param triangles - index triples into the meshes (e.g. MediaPipe's face-mesh tessellation)
 */
export function meshBackwardMotion(
  current: Float32Array,
  previous: Float32Array,
  triangles: ArrayLike<number>,
  width: number,
  height: number,
): BackwardMotion {
  const count = Math.floor(triangles.length / 3);
  // Per triangle, the affine map current → previous: x' = a x + b y + c, y' = d x + e y + f.
  const maps = new Float64Array(count * 6);
  const owner = new Int32Array(width * height).fill(-1);
  const x = (mesh: Float32Array, i: number) => mesh[triangles[i]! * 3]!;
  const y = (mesh: Float32Array, i: number) => mesh[triangles[i]! * 3 + 1]!;
  for (let t = 0; t < count; t++) {
    const [x0, y0, x1, y1, x2, y2] = [x(current, 3 * t), y(current, 3 * t), x(current, 3 * t + 1), y(current, 3 * t + 1), x(current, 3 * t + 2), y(current, 3 * t + 2)];
    const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (Math.abs(det) < 1e-9) continue;
    // Barycentric weights of (px, py) in the current triangle, as affine functions of px, py.
    const w1 = (px: number, py: number) => ((px - x0) * (y2 - y0) - (x2 - x0) * (py - y0)) / det;
    const w2 = (px: number, py: number) => ((x1 - x0) * (py - y0) - (px - x0) * (y1 - y0)) / det;
    const px = [x(previous, 3 * t), x(previous, 3 * t + 1), x(previous, 3 * t + 2)] as const;
    const py = [y(previous, 3 * t), y(previous, 3 * t + 1), y(previous, 3 * t + 2)] as const;
    // The map is affine, so three evaluations (at the origin and unit steps) give its coefficients.
    const mapped = (qx: number, qy: number): [number, number] => {
      const b1 = w1(qx, qy);
      const b2 = w2(qx, qy);
      const b0 = 1 - b1 - b2;
      return [b0 * px[0] + b1 * px[1] + b2 * px[2], b0 * py[0] + b1 * py[1] + b2 * py[2]];
    };
    const [ox, oy] = mapped(0, 0);
    const [ux, uy] = mapped(1, 0);
    const [vx, vy] = mapped(0, 1);
    maps.set([ux - ox, vx - ox, ox, uy - oy, vy - oy, oy], t * 6);
    // Pixel centres inside the triangle (edges included) belong to it.
    const left = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
    const right = Math.min(width - 1, Math.ceil(Math.max(x0, x1, x2)));
    const top = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
    const bottom = Math.min(height - 1, Math.ceil(Math.max(y0, y1, y2)));
    for (let row = top; row <= bottom; row++) {
      for (let col = left; col <= right; col++) {
        const b1 = w1(col, row);
        const b2 = w2(col, row);
        if (b1 >= 0 && b2 >= 0 && b1 + b2 <= 1) owner[row * width + col] = t;
      }
    }
  }
  return (px, py, out) => {
    const t = owner[Math.round(py) * width + Math.round(px)];
    if (t === undefined || t < 0) return false;
    const m = t * 6;
    out[0] = maps[m]! * px + maps[m + 1]! * py + maps[m + 2]!;
    out[1] = maps[m + 3]! * px + maps[m + 4]! * py + maps[m + 5]!;
    return true;
  };
}
