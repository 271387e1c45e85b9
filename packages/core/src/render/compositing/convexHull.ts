/**
 * The convex hull of 2-D points, by Andrew's monotone chain (O(n log n), exact orientation tests
 * on the input floats, no trigonometry).
 *
 * The face mask is this hull of the whole mesh: the outermost mesh points trace the face oval,
 * and a convex outline lets the mask's distance-to-edge be a minimum over a few dozen lines.
 *
 * @param points - interleaved coordinates; x, y are read at `points[i * stride]`,
 *   `points[i * stride + 1]`.
 * @param stride - 2 for `[x, y, …]`, 3 for a mesh's `[x, y, z, …]`.
 * @param count - how many points to read (default: all that fit).
 * @returns hull vertices `[x0, y0, x1, y1, …]` counter-clockwise in a y-down image (clockwise on
 *   screen is the other way round), without repeating the first; fewer than 3 vertices when the
 *   points are all collinear or coincide. Non-finite points are skipped by the caller's
 *   validation, never here.
 * @internal
 */
export function convexHull(
  points: ArrayLike<number>,
  stride: number,
  count = Math.floor(points.length / stride),
): Float64Array {
  const order: number[] = [];
  for (let i = 0; i < count; i++) order.push(i);
  const xOf = (i: number): number => points[i * stride]!;
  const yOf = (i: number): number => points[i * stride + 1]!;
  order.sort((a, b) => xOf(a) - xOf(b) || yOf(a) - yOf(b));

  // Cross product of (o→a) and (o→b); > 0 when a→b turns one way, the sign is all we use.
  const cross = (o: number, a: number, b: number): number =>
    (xOf(a) - xOf(o)) * (yOf(b) - yOf(o)) - (yOf(a) - yOf(o)) * (xOf(b) - xOf(o));

  const hull: number[] = [];
  // Lower chain, then upper chain; each pops points that would make a non-convex turn.
  for (const index of order) {
    while (hull.length >= 2 && cross(hull[hull.length - 2]!, hull[hull.length - 1]!, index) <= 0) {
      hull.pop();
    }
    hull.push(index);
  }
  const lowerSize = hull.length + 1;
  for (let k = order.length - 2; k >= 0; k--) {
    const index = order[k]!;
    while (
      hull.length >= lowerSize &&
      cross(hull[hull.length - 2]!, hull[hull.length - 1]!, index) <= 0
    ) {
      hull.pop();
    }
    hull.push(index);
  }
  hull.pop(); // the last point repeats the first

  const out = new Float64Array(hull.length * 2);
  for (let k = 0; k < hull.length; k++) {
    out[2 * k] = xOf(hull[k]!);
    out[2 * k + 1] = yOf(hull[k]!);
  }
  return out;
}

/** Twice the signed area of a polygon `[x0, y0, …]` (shoelace formula). @internal */
export function polygonArea2(vertices: Float64Array): number {
  const n = vertices.length >> 1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    sum += vertices[2 * i]! * vertices[2 * j + 1]! - vertices[2 * j]! * vertices[2 * i + 1]!;
  }
  return sum;
}

/**
 * Drop hull vertices that bend the outline by less than `tolerance` pixels, keeping a convex
 * subset. A dense mesh can put hundreds of points on its rim; the mask's feather band costs one
 * distance test per edge per pixel, so ~40 edges instead of ~400 makes it ten times cheaper,
 * while the outline moves inward by at most `tolerance`.
 *
 * @param vertices - a convex polygon `[x0, y0, …]` as from {@link convexHull}.
 * @returns a new array; the input is left for the caller to wipe.
 * @internal
 */
export function simplifyConvexPolygon(vertices: Float64Array, tolerance: number): Float64Array {
  const n = vertices.length >> 1;
  if (n <= 3) return vertices.slice();
  const kept: number[] = [0];
  let anchor = 0;
  while (anchor < n) {
    // Extend the chord from the anchor as far as every vertex it skips stays within tolerance.
    let reach = anchor + 1;
    for (let j = anchor + 2; j <= n; j++) {
      if (!chordWithin(vertices, n, anchor, j, tolerance)) break;
      reach = j;
    }
    if (reach >= n) break;
    kept.push(reach);
    anchor = reach;
  }
  if (kept.length < 3) return vertices.slice();
  const out = new Float64Array(kept.length * 2);
  for (let k = 0; k < kept.length; k++) {
    out[2 * k] = vertices[2 * kept[k]!]!;
    out[2 * k + 1] = vertices[2 * kept[k]! + 1]!;
  }
  return out;
}

/** Whether every vertex strictly between `from` and `to` (mod n) is within `tolerance` of the chord. */
function chordWithin(
  vertices: Float64Array,
  n: number,
  from: number,
  to: number,
  tolerance: number,
): boolean {
  const ax = vertices[2 * (from % n)]!;
  const ay = vertices[2 * (from % n) + 1]!;
  const dx = vertices[2 * (to % n)]! - ax;
  const dy = vertices[2 * (to % n) + 1]! - ay;
  const length = Math.hypot(dx, dy);
  if (length === 0) return true;
  for (let k = from + 1; k < to; k++) {
    const px = vertices[2 * (k % n)]! - ax;
    const py = vertices[2 * (k % n) + 1]! - ay;
    if (Math.abs(px * dy - py * dx) / length > tolerance) return false;
  }
  return true;
}
