import { convexHull } from './convexHull';

/*
 * Where a warped layer can be non-transparent, as a convex polygon: computed once per layer from
 * its mask, in the crop's tap coordinates, then mapped into each frame and scanned into one
 * interval per row, so that the warp never visits the empty corners of the layer's rotated box.
 */

/**
 * How far past a non-zero mask pixel the polygon reaches, in crop taps. A tap position u reads
 * pixels ⌊u⌋ and ⌊u⌋ + 1, so it touches pixel p for u in [p − 1, p + 1); the extra quarter covers
 * the drift of the warp's 16.16 fixed-point stepping (at most ½·2⁻¹⁶ tap per pixel of row, under
 * 0.25 tap for any row the fixed point can address).
 */
const reach = 1.25;

/**
 * The convex hull, in tap coordinates of the crop (integer = pixel centre), of every position
 * whose bilinear taps can read a non-zero value of `mask` (`width × height`, row-major). Returns
 * the hull's vertices `[u0, v0, …]` (empty when the mask is all zero). It outlines the masked
 * shape, so the caller holds it like the mask.
 *
 * @internal
 */
export function maskHull(mask: Uint8Array, width: number, height: number): Float64Array {
  const corners = new Float64Array(height * 8);
  let count = 0;
  try {
    for (let y = 0; y < height; y++) {
      const row = y * width;
      let first = -1;
      for (let x = 0; x < width; x++) {
        if (mask[row + x] !== 0) {
          first = x;
          break;
        }
      }
      if (first < 0) continue;
      let last = first;
      for (let x = width - 1; x > first; x--) {
        if (mask[row + x] !== 0) {
          last = x;
          break;
        }
      }
      // Written one by one: a literal array of them would be an unwiped copy of the outline.
      const at = count * 2;
      corners[at] = corners[at + 2] = first - reach;
      corners[at + 4] = corners[at + 6] = last + reach;
      corners[at + 1] = corners[at + 5] = y - reach;
      corners[at + 3] = corners[at + 7] = y + reach;
      count += 4;
    }
    return count === 0 ? new Float64Array(0) : convexHull(corners, 2, count);
  } finally {
    corners.fill(0);
  }
}

/**
 * Start walking the convex polygon `vertices` (`[x0, y0, …]`, `count` points, either winding) row
 * by row, top to bottom: finds its top and bottom vertices and writes the walk's state into
 * `state` (four ints). Then call {@link convexRowSpan} for rows in increasing order.
 *
 * @internal
 */
export function startConvexRows(vertices: Float64Array, count: number, state: Int32Array): void {
  let top = 0;
  let bottom = 0;
  for (let k = 1; k < count; k++) {
    const y = vertices[2 * k + 1]!;
    if (y < vertices[2 * top + 1]!) top = k;
    if (y > vertices[2 * bottom + 1]!) bottom = k;
  }
  state[0] = top;
  state[1] = bottom;
  state[2] = top;
  state[3] = top;
}

/**
 * The pixels of row `y` whose centres lie inside the polygon of {@link startConvexRows}, in frame
 * pixel-index space (pixel (i, j) has its centre at (i, j)): writes the first and last x into
 * `out[at]`, `out[at + 1]` (first > last when there are none). Rows must come in increasing order
 * after the start: each chain only moves forward, so a whole frame costs O(rows + vertices).
 *
 * @internal
 */
export function convexRowSpan(vertices: Float64Array, count: number, y: number, state: Int32Array, out: Int32Array, at: number): void {
  const top = state[0]!;
  const bottom = state[1]!;
  if (y < vertices[2 * top + 1]! || y > vertices[2 * bottom + 1]!) {
    out[at] = 1;
    out[at + 1] = 0;
    return;
  }
  const xa = chainX(vertices, count, y, state, 2, 1, bottom);
  const xb = chainX(vertices, count, y, state, 3, count - 1, bottom);
  out[at] = Math.ceil(Math.min(xa, xb));
  out[at + 1] = Math.floor(Math.max(xa, xb));
}

/** Where one chain (from the top vertex, stepping by `step` mod `count`) crosses row `y`. */
function chainX(vertices: Float64Array, count: number, y: number, state: Int32Array, slot: number, step: number, bottom: number): number {
  let from = state[slot]!;
  let to = (from + step) % count;
  while (from !== bottom && vertices[2 * to + 1]! < y) {
    from = to;
    to = (from + step) % count;
  }
  state[slot] = from;
  const px = vertices[2 * from]!;
  const py = vertices[2 * from + 1]!;
  if (from === bottom) return px;
  const qx = vertices[2 * to]!;
  const qy = vertices[2 * to + 1]!;
  // A flat edge lies on the row only when the row passes through both its ends: take the far one.
  return qy === py ? qx : px + (y - py) * ((qx - px) / (qy - py));
}
