/**
 * Write the square `(x, y, side)` of an RGBA photo, averaged down (or sampled up) to
 * `size × size` cells, as RGB floats in 0…1 into `out` (`size × size × 3` numbers). The square
 * may reach past the photo: those cells repeat the nearest edge pixel, so that a head cut by the
 * photo's edge is still seen as a head rather than next to a black bar.
 *
 * Each cell is the mean of the photo pixels whose centres fall in it (a box filter: no aliasing
 * from a large photo), or the nearest pixel when a cell is smaller than a pixel. Only `out` holds
 * pixel values afterwards; the caller wipes it.
 *
 * @internal
 */
export function renderSquareCrop(
  rgba: Uint8Array,
  photoWidth: number,
  photoHeight: number,
  x: number,
  y: number,
  side: number,
  size: number,
  out: Float32Array,
): void {
  const cell = side / size;
  const clampX = (value: number) => Math.min(photoWidth - 1, Math.max(0, value));
  const clampY = (value: number) => Math.min(photoHeight - 1, Math.max(0, value));
  // Photo columns [columnStart[u], columnEnd[u]) feed cell column u, clamped into the photo.
  const columnStart = new Int32Array(size);
  const columnEnd = new Int32Array(size);
  for (let u = 0; u < size; u++) {
    const from = Math.ceil(x + u * cell - 0.5);
    const to = Math.max(from + 1, Math.ceil(x + (u + 1) * cell - 0.5));
    columnStart[u] = from;
    columnEnd[u] = to;
  }
  const scale = 1 / 255;
  for (let v = 0; v < size; v++) {
    const rowFrom = Math.ceil(y + v * cell - 0.5);
    const rowTo = Math.max(rowFrom + 1, Math.ceil(y + (v + 1) * cell - 0.5));
    for (let u = 0; u < size; u++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let count = 0;
      for (let row = rowFrom; row < rowTo; row++) {
        const offset = clampY(row) * photoWidth;
        for (let column = columnStart[u]!; column < columnEnd[u]!; column++) {
          const i = (offset + clampX(column)) * 4;
          r += rgba[i]!;
          g += rgba[i + 1]!;
          b += rgba[i + 2]!;
          count++;
        }
      }
      const o = (v * size + u) * 3;
      const norm = scale / count;
      out[o] = r * norm;
      out[o + 1] = g * norm;
      out[o + 2] = b * norm;
    }
  }
}
