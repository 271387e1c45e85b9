/*
 * A convex region of a frame that a layer may leave unwritten because something drawn after it
 * will cover every pixel there opaquely: the mesh face, over the head layer. Skipping it saves the
 * layer's per-pixel work where it would be overwritten anyway.
 *
 * The region is an intersection of half-planes, `a·x + b·y + c > 0` at a pixel's centre
 * `(x + ½, y + ½)`, so a row meets it in one interval, found with one multiply-add per plane. It is
 * held in one Float64Array, `[planeCount, firstRow, lastRow, a₀, b₀, c₀, a₁, …]`: it outlines the
 * face in the frame, so it lives in a held buffer like every other per-frame transform.
 *
 * Why half-planes of an outline are safe: a point strictly on the inner side of every directed
 * edge of a closed polygon sees each edge under a positive angle, so the polygon winds around it
 * at least once; a triangulated surface whose border is that polygon covers every such point.
 */

/** Numbers before the planes. */
const header = 3;
/** Numbers per plane. */
const perPlane = 3;

/** The length of a region buffer that can hold `planes` half-planes. @internal */
export function exclusionLength(planes: number): number {
  return header + perPlane * planes;
}

/** Empty the region: nothing is excluded. @internal */
export function clearExclusion(region: Float64Array): void {
  region.fill(0);
}

/**
 * Whether `region` is a well-formed region buffer (a Float64Array whose plane count fits it and
 * whose numbers are finite). A malformed one would make a layer skip pixels it must draw.
 *
 * @internal
 */
function isExclusion(region: unknown): region is Float64Array {
  if (!(region instanceof Float64Array) || region.length < header) return false;
  const count = region[0]!;
  if (!Number.isInteger(count) || count < 0 || region.length < exclusionLength(count)) return false;
  const end = exclusionLength(count);
  for (let i = 1; i < end; i++) if (!Number.isFinite(region[i]!)) return false;
  return true;
}

/**
 * Set `region` to the inside of the closed polygon `indices` (vertex k at `points[indices[k] *
 * stride]`, `… + 1`), shrunk by `margin` pixels from every edge line. Returns false (and leaves
 * `region` empty) when a vertex is not finite, the polygon has no area, or it does not fit.
 *
 * @internal
 */
export function excludeInsidePolygon(
  points: Float32Array | Float64Array,
  stride: number,
  indices: readonly number[],
  margin: number,
  region: Float64Array,
): boolean {
  clearExclusion(region);
  const n = indices.length;
  if (n < 3 || region.length < exclusionLength(n)) return false;
  // Orientation: the sign of the shoelace area, so that "inside" is the positive side.
  let area = 0;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let k = 0; k < n; k++) {
    const p = indices[k]! * stride;
    const q = indices[(k + 1) % n]! * stride;
    const px = points[p]!;
    const py = points[p + 1]!;
    if (!Number.isFinite(px) || !Number.isFinite(py)) return false;
    area += px * points[q + 1]! - points[q]! * py;
    if (py < yMin) yMin = py;
    if (py > yMax) yMax = py;
  }
  if (!(Math.abs(area) > 0)) return false;
  const sign = area > 0 ? 1 : -1;
  let count = 0;
  for (let k = 0; k < n; k++) {
    const p = indices[k]! * stride;
    const q = indices[(k + 1) % n]! * stride;
    const px = points[p]!;
    const py = points[p + 1]!;
    const dx = points[q]! - px;
    const dy = points[q + 1]! - py;
    const length = Math.hypot(dx, dy);
    if (length === 0) continue;
    // Left-hand normal in y-down terms for a positive area: (dy, −dx)·sign points inside.
    const a = (-dy / length) * sign;
    const b = (dx / length) * sign;
    const at = exclusionLength(count);
    region[at] = a;
    region[at + 1] = b;
    region[at + 2] = -(a * px + b * py) - margin;
    count++;
  }
  region[0] = count;
  region[1] = Math.floor(yMin);
  region[2] = Math.ceil(yMax);
  return count >= 3;
}

/**
 * Narrow `region` by one more half-plane, `a·x + b·y + c > 0` (unit `(a, b)` not needed). Returns
 * false when it has no room (the region is then emptied: excluding less is always safe).
 *
 * @internal
 */
export function addExclusionPlane(region: Float64Array, a: number, b: number, c: number): boolean {
  const count = region[0]!;
  if (count === 0) return false;
  const at = exclusionLength(count);
  if (region.length < at + perPlane || !Number.isFinite(a + b + c)) {
    clearExclusion(region);
    return false;
  }
  region[at] = a;
  region[at + 1] = b;
  region[at + 2] = c;
  region[0] = count + 1;
  return true;
}

/**
 * The pixels of row `y` inside `region`: writes the first and last x into `out[at]`, `out[at +
 * 1]` and returns true, or returns false when the row has none.
 *
 * @internal
 */
export function excludedSpan(region: Float64Array, y: number, out: Int32Array, at: number): boolean {
  const count = region[0]!;
  if (count === 0 || y < region[1]! || y > region[2]!) return false;
  const yc = y + 0.5;
  let lo = -Infinity;
  let hi = Infinity;
  for (let k = 0; k < count; k++) {
    const p = header + k * perPlane;
    const a = region[p]!;
    const r = region[p + 1]! * yc + region[p + 2]!;
    // a·xc + r > 0.
    if (a > 0) {
      const t = -r / a;
      if (t > lo) lo = t;
    } else if (a < 0) {
      const t = -r / a;
      if (t < hi) hi = t;
    } else if (!(r > 0)) {
      return false;
    }
  }
  if (!(lo < hi) || lo === -Infinity || hi === Infinity) return false;
  // Pixel centres strictly inside (lo, hi): x + ½ > lo and x + ½ < hi.
  const first = Math.floor(lo - 0.5) + 1;
  const last = Math.ceil(hi - 0.5) - 1;
  if (first > last) return false;
  out[at] = first;
  out[at + 1] = last;
  return true;
}

/**
 * What a layer may leave undrawn in one frame: the pixels inside `region`, except the `keep`
 * pixels, which a later layer reads before it covers them (its colour samples) and which must
 * therefore hold exactly what they would have held.
 *
 * @internal
 */
export interface FrameExclusion {
  /** The half-planes (see the module comment). */
  readonly region: Float64Array;
  /** `[count, i₀, i₁, …]`: frame pixel indices `y · width + x`, ascending, no repeats. */
  readonly keep: Int32Array;
}

/**
 * Whether `value` is a well-formed {@link FrameExclusion} for a frame of `pixelCount` pixels.
 *
 * @internal
 */
export function isFrameExclusion(value: unknown, pixelCount: number): value is FrameExclusion {
  if (typeof value !== 'object' || value === null) return false;
  const { region, keep } = value as FrameExclusion;
  if (!isExclusion(region) || !(keep instanceof Int32Array) || keep.length < 1) return false;
  const count = keep[0]!;
  if (count < 0 || keep.length < count + 1) return false;
  let last = -1;
  for (let k = 1; k <= count; k++) {
    const index = keep[k]!;
    if (index <= last || index >= pixelCount) return false;
    last = index;
  }
  return true;
}
