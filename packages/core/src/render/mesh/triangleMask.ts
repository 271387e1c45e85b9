/**
 * Set `mask` (one byte per pixel of a `width`-wide image) to 255 over every triangle whose kind
 * is `kind`, pixel centres inside; `points` holds x, y per vertex in continuous coordinates (pixel
 * (i, j) spans [i, i+1) × [j, j+1)). Used once per generation, to mark the photo's skin.
 *
 * @internal
 */
export function fillTriangleMask(
  mask: Uint8Array,
  width: number,
  height: number,
  points: Float32Array,
  triangles: Uint16Array,
  kinds: Uint8Array,
  kind: number,
): void {
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] !== kind) continue;
    const xs = [0, 1, 2].map((n) => points[triangles[k * 3 + n]! * 2]!);
    const ys = [0, 1, 2].map((n) => points[triangles[k * 3 + n]! * 2 + 1]!);
    const yFirst = Math.max(0, Math.ceil(Math.min(...ys) - 0.5));
    const yLast = Math.min(height - 1, Math.ceil(Math.max(...ys) - 0.5) - 1);
    for (let y = yFirst; y <= yLast; y++) {
      const yc = y + 0.5;
      let left = Infinity;
      let right = -Infinity;
      for (let e = 0; e < 3; e++) {
        const x0 = xs[e]!;
        const y0 = ys[e]!;
        const x1 = xs[(e + 1) % 3]!;
        const y1 = ys[(e + 1) % 3]!;
        if ((yc < y0) === (yc < y1)) continue;
        const x = x0 + ((yc - y0) * (x1 - x0)) / (y1 - y0);
        if (x < left) left = x;
        if (x > right) right = x;
      }
      const first = Math.max(0, Math.ceil(left - 0.5));
      const last = Math.min(width - 1, Math.ceil(right - 0.5) - 1);
      if (first <= last) mask.fill(255, y * width + first, y * width + last + 1);
    }
  }
}
