import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import { convexHull, polygonArea2, simplifyConvexPolygon } from './convexHull';

/**
 * A rectangle of whole pixels in photo coordinates: the part of the photo the compositor keeps.
 *
 * @internal
 */
export interface FaceRegion {
  /** Left edge (inclusive), in photo pixels. */
  readonly x: number;
  /** Top edge (inclusive), in photo pixels. */
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The face size the feather is measured against: the larger side of the hull's box, in pixels. */
  readonly faceSize: number;
}

/**
 * The face outline as a convex polygon with inward unit normals, ready for distance queries.
 * Every coefficient is derived from landmarks, so callers zero `edges` when done.
 *
 * @internal
 */
export interface FaceOutline {
  /** Per edge `[nx, ny, c]`: `nx·x + ny·y + c` is the signed distance to its line, > 0 inside. */
  readonly edges: Float64Array;
  readonly edgeCount: number;
  /** Hull bounding box `[xMin, yMin, xMax, yMax]`. */
  readonly box: Float64Array;
}

/** How far (px) the outline may move inward when dense rim points are merged. */
const outlineTolerance = 0.25;

/**
 * The convex outline of a landmark set. Throws {@link InvalidArgumentError} when the points are
 * missing, not finite, or span no area (fewer than three non-collinear points), because a face
 * without an outline cannot be masked.
 *
 * @internal
 */
export function faceOutline(points: Float32Array, pointCount: number, stride = 3): FaceOutline {
  if (!Number.isInteger(pointCount) || pointCount < 3 || points.length < pointCount * stride) {
    throw new InvalidArgumentError(
      'The landmarks hold fewer than 3 points (or fewer than pointCount says); pass the face ' +
        'mesh returned by detection.',
    );
  }
  for (let i = 0; i < pointCount; i++) {
    if (!Number.isFinite(points[i * stride]!) || !Number.isFinite(points[i * stride + 1]!)) {
      throw new InvalidArgumentError(
        'The landmarks contain a coordinate that is not a finite number; pass the face mesh ' +
          'returned by detection.',
      );
    }
  }
  const dense = convexHull(points, stride, pointCount);
  const hull = simplifyConvexPolygon(dense, outlineTolerance);
  dense.fill(0);
  try {
    const n = hull.length >> 1;
    const area2 = n >= 3 ? polygonArea2(hull) : 0;
    if (!(Math.abs(area2) >= 2)) {
      throw new InvalidArgumentError(
        'The landmarks span no area (all points on one line or in one pixel); pass the face ' +
          'mesh returned by detection.',
      );
    }
    // Inward normals: with a positive shoelace area the interior lies to the left of each edge
    // in these coordinates, so the left normal (-dy, dx) points inside; otherwise the right one.
    const sign = area2 > 0 ? 1 : -1;
    const edges = new Float64Array(n * 3);
    const box = Float64Array.of(Infinity, Infinity, -Infinity, -Infinity);
    for (let i = 0; i < n; i++) {
      const x0 = hull[2 * i]!;
      const y0 = hull[2 * i + 1]!;
      const j = (i + 1) % n;
      const dx = hull[2 * j]! - x0;
      const dy = hull[2 * j + 1]! - y0;
      const length = Math.hypot(dx, dy);
      const nx = (-dy / length) * sign;
      const ny = (dx / length) * sign;
      edges[3 * i] = nx;
      edges[3 * i + 1] = ny;
      edges[3 * i + 2] = -(nx * x0 + ny * y0);
      if (x0 < box[0]!) box[0] = x0;
      if (y0 < box[1]!) box[1] = y0;
      if (x0 > box[2]!) box[2] = x0;
      if (y0 > box[3]!) box[3] = y0;
    }
    return { edges, edgeCount: n, box };
  } finally {
    hull.fill(0);
  }
}

/**
 * The photo rectangle the compositor keeps: the outline's box plus one pixel, clipped to the
 * photo. The mask is zero on the hull and outside it, so the extra ring keeps bilinear taps at
 * the crop's edge on transparent pixels. Throws when the face lies outside the photo.
 *
 * @internal
 */
export function faceRegion(outline: FaceOutline, photoWidth: number, photoHeight: number): FaceRegion {
  const [xMin, yMin, xMax, yMax] = outline.box as unknown as [number, number, number, number];
  const x0 = Math.max(0, Math.floor(xMin) - 1);
  const y0 = Math.max(0, Math.floor(yMin) - 1);
  const x1 = Math.min(photoWidth, Math.ceil(xMax) + 1);
  const y1 = Math.min(photoHeight, Math.ceil(yMax) + 1);
  if (x1 - x0 < 2 || y1 - y0 < 2) {
    throw new InvalidArgumentError(
      'The landmarks lie outside the photo (or cover less than 2×2 pixels of it); pass landmarks ' +
        'detected in this photo.',
    );
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0, faceSize: Math.max(xMax - xMin, yMax - yMin) };
}

/**
 * Rasterise the feathered face mask over `region`: 255 deeper than `featherPx` inside the
 * outline, 0 on and outside it, and a smoothstep of the distance to the outline in between.
 * The feather lies inside the outline (eroded, then softened) so that hair and the photo's
 * backdrop at the mesh's rim never bleed into the frame.
 *
 * Pixel centres are sampled (`x + 0.5`, `y + 0.5`). Per row, the fully-inside and fully-outside
 * runs come from intersecting the edges' half-planes analytically; only the feather band pays
 * for a per-pixel minimum over the edges.
 *
 * @param out - `region.width * region.height` bytes to fill (default: a new array).
 * @internal
 */
export function rasteriseFaceMask(
  outline: FaceOutline,
  region: FaceRegion,
  featherPx: number,
  out: Uint8Array = new Uint8Array(region.width * region.height),
): Uint8Array {
  const { edges, edgeCount } = outline;
  const { width, height } = region;
  out.fill(0);
  const inverseFeather = featherPx > 0 ? 1 / featherPx : 0;
  for (let row = 0; row < height; row++) {
    const yc = region.y + row + 0.5;
    // Interval of x where every edge function is ≥ 0 (inside) and ≥ featherPx (solid).
    let insideLo = -Infinity;
    let insideHi = Infinity;
    let solidLo = -Infinity;
    let solidHi = Infinity;
    for (let e = 0; e < edgeCount; e++) {
      const nx = edges[3 * e]!;
      const k = edges[3 * e + 1]! * yc + edges[3 * e + 2]!;
      if (Math.abs(nx) < 1e-12) {
        if (k < 0) insideLo = Infinity;
        if (k < featherPx) solidLo = Infinity;
        continue;
      }
      const atZero = -k / nx;
      const atFeather = (featherPx - k) / nx;
      if (nx > 0) {
        if (atZero > insideLo) insideLo = atZero;
        if (atFeather > solidLo) solidLo = atFeather;
      } else {
        if (atZero < insideHi) insideHi = atZero;
        if (atFeather < solidHi) solidHi = atFeather;
      }
    }
    if (!(insideLo <= insideHi)) continue;
    // Pixel indices whose centre lies strictly inside (an edge function of exactly 0 is 0).
    const first = Math.max(0, Math.floor(insideLo - region.x - 0.5) + 1);
    const last = Math.min(width - 1, Math.ceil(insideHi - region.x - 0.5) - 1);
    const solidFirst = solidLo <= solidHi ? Math.ceil(solidLo - region.x - 0.5) : Infinity;
    const solidLast = solidLo <= solidHi ? Math.floor(solidHi - region.x - 0.5) : -Infinity;
    const base = row * width;
    for (let col = first; col <= last; col++) {
      if (col >= solidFirst && col <= solidLast) {
        out[base + col] = 255;
        continue;
      }
      const xc = region.x + col + 0.5;
      let distance = Infinity;
      for (let e = 0; e < edgeCount; e++) {
        const d = edges[3 * e]! * xc + edges[3 * e + 1]! * yc + edges[3 * e + 2]!;
        if (d < distance) distance = d;
      }
      if (distance <= 0) continue;
      if (inverseFeather === 0 || distance >= featherPx) {
        out[base + col] = 255;
        continue;
      }
      const t = distance * inverseFeather;
      out[base + col] = Math.round(255 * t * t * (3 - 2 * t));
    }
  }
  return out;
}
