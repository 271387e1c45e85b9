import { faceRegions } from './faceRegions';
import type { FaceTopology } from './faceTopology';
import { meshPointCount, ringPointCount } from './faceTopology';

/*
 * The seam band of the mesh compositor: the strip where 'standard' and 'high' blend the face into
 * the frame differently from 'draft'. It runs from an inner ring (the face outline pulled toward
 * the face's centre by `innerPull`) over the face outline to the outer ring, as two strips of
 * triangles, and carries a band coordinate u: 0 on the inner ring, 1 on the outline, 2 on the
 * outer ring. Pixels inside the inner ring and outside the outer ring are never touched, so they
 * are the same as in 'draft'.
 *
 * The outer strip is the topology's own ring triangles, with the same vertices in the same order,
 * rasterised with meshWarp.ts's rule (pixel centres, top-left fill, the same arithmetic), so that
 * it reaches exactly the pixels the face's ring reaches. The inner strip is widened by a hair, so
 * that no pixel along the outline falls between the two strips; a pixel reached twice is blended
 * once (its band code is cleared when it is written).
 */

/** How far inside the outline the band starts, as a fraction of the distance from the face centre. */
export const innerPull = 0.15;
/** Band coordinate u is stored per pixel as `1 + round(u × codeScale)` (0: not in the band). */
export const codeScale = 127;
/** Band vertices: 36 on the outline, 36 on the outer ring, 36 on the inner ring. */
export const bandVertexCount = ringPointCount * 3;
/** Triangles of the band: 72 in the inner strip, 72 in the ring. */
export const bandTriangleCount = ringPointCount * 4;
/** Widening of the inner strip's triangles (px), so that the two strips leave no gap between them. */
const innerOverlap = 1e-3;

let cachedTriangles: Uint16Array | undefined;
let cachedOpaque: FaceTopology | undefined;

/**
 * The topology with the ring opaque (every vertex at alpha 255), for 'standard' and 'high': the
 * face's raster then draws the face unblended over the whole ring, and the seam pass blends it.
 *
 * @internal
 */
export function opaqueRingTopology(topology: FaceTopology): FaceTopology {
  if (cachedOpaque?.triangles === topology.triangles) return cachedOpaque;
  cachedOpaque = { ...topology, vertexAlpha: new Uint8Array(topology.vertexCount).fill(255) };
  return cachedOpaque;
}

/**
 * The band's triangles in band-vertex indices (outline k → k, ring k → 36 + k, inner k → 72 + k):
 * the inner strip first, then the topology's ring triangles in the topology's own vertex order.
 *
 * @internal
 */
export function bandTriangles(topology: FaceTopology): Uint16Array {
  if (cachedTriangles) return cachedTriangles;
  const n = ringPointCount;
  const out = new Uint16Array(bandTriangleCount * 3);
  for (let k = 0; k < n; k++) {
    const j = (k + 1) % n;
    out.set([2 * n + k, 2 * n + j, j, 2 * n + k, j, k], k * 6);
  }
  const oval = faceRegions.oval;
  const toBand = (i: number): number => (i >= meshPointCount ? n + (i - meshPointCount) : oval.indexOf(i));
  const t = topology.triangles;
  const ringFrom = t.length - n * 6;
  for (let i = 0; i < n * 6; i++) {
    const b = toBand(t[ringFrom + i]!);
    if (b < 0) throw new Error('faceTopology: the ring strip no longer ends the triangle list.');
    out[n * 6 + i] = b;
  }
  cachedTriangles = out;
  return out;
}

/**
 * Fill `band` (x, y, u per band vertex) from this frame's vertices (x, y, z per point, outer ring
 * placed): outline and ring points copied as they are (same float32 values as the face's
 * raster), inner ring pulled toward the outline's centre.
 *
 * @internal
 */
export function placeBand(vertices: Float32Array, band: Float32Array): void {
  const oval = faceRegions.oval;
  const n = ringPointCount;
  let cx = 0;
  let cy = 0;
  for (let k = 0; k < n; k++) {
    cx += vertices[oval[k]! * 3]!;
    cy += vertices[oval[k]! * 3 + 1]!;
  }
  cx /= n;
  cy /= n;
  for (let k = 0; k < n; k++) {
    const x = vertices[oval[k]! * 3]!;
    const y = vertices[oval[k]! * 3 + 1]!;
    band[k * 3] = x;
    band[k * 3 + 1] = y;
    band[k * 3 + 2] = 1;
    band[(n + k) * 3] = vertices[(meshPointCount + k) * 3]!;
    band[(n + k) * 3 + 1] = vertices[(meshPointCount + k) * 3 + 1]!;
    band[(n + k) * 3 + 2] = 2;
    band[(2 * n + k) * 3] = cx + (x - cx) * (1 - innerPull);
    band[(2 * n + k) * 3 + 1] = cy + (y - cy) * (1 - innerPull);
    band[(2 * n + k) * 3 + 2] = 0;
  }
}

/**
 * Rasterise the band's triangles within `box` (`[x0, y0, x1, y1]`, inclusive) and record their
 * row spans in `spans` (`y, first, last` each; returns how many). Uses the span rule of
 * meshWarp.ts's drawTriangle, arithmetic included, for the ring triangles.
 *
 * @internal
 */
export function bandSpans(band: Float32Array, triangles: Uint16Array, box: Int32Array, spans: Int32Array): number {
  let count = 0;
  const xMin = box[0]!;
  const yMin = box[1]!;
  const xMax = box[2]!;
  const yMax = box[3]!;
  const innerTriangles = ringPointCount * 2;
  for (let k = 0; k < bandTriangleCount; k++) {
    const widen = k < innerTriangles ? innerOverlap : 0;
    let i0 = triangles[k * 3]!;
    let i1 = triangles[k * 3 + 1]!;
    let i2 = triangles[k * 3 + 2]!;
    if (band[i1 * 3 + 1]! < band[i0 * 3 + 1]!) [i0, i1] = [i1, i0];
    if (band[i2 * 3 + 1]! < band[i1 * 3 + 1]!) [i1, i2] = [i2, i1];
    if (band[i1 * 3 + 1]! < band[i0 * 3 + 1]!) [i0, i1] = [i1, i0];
    const ax = band[i0 * 3]!;
    const ay = band[i0 * 3 + 1]!;
    const bx = band[i1 * 3]!;
    const by = band[i1 * 3 + 1]!;
    const cx = band[i2 * 3]!;
    const cy = band[i2 * 3 + 1]!;
    const yFirst = Math.max(yMin, Math.ceil(ay - 0.5 - widen));
    const yLast = Math.min(yMax, Math.ceil(cy - 0.5 + widen) - 1);
    if (yFirst > yLast || !(cy > ay)) continue;
    const longSlope = (cx - ax) / (cy - ay);
    const topSlope = by > ay ? (bx - ax) / (by - ay) : 0;
    const bottomSlope = cy > by ? (cx - bx) / (cy - by) : 0;
    for (let y = yFirst; y <= yLast; y++) {
      const yc = y + 0.5;
      const xLong = ax + (yc - ay) * longSlope;
      const xShort = yc < by ? ax + (yc - ay) * topSlope : bx + (yc - by) * bottomSlope;
      const left = xLong < xShort ? xLong : xShort;
      const right = xLong < xShort ? xShort : xLong;
      const first = Math.max(xMin, Math.ceil(left - 0.5 - widen));
      const last = Math.min(xMax, Math.ceil(right - 0.5 + widen) - 1);
      if (first > last) continue;
      // Each span remembers its triangle, for the band coordinate's plane.
      spans[count * 4] = y;
      spans[count * 4 + 1] = first;
      spans[count * 4 + 2] = last;
      spans[count * 4 + 3] = k;
      count++;
    }
  }
  return count;
}

/**
 * The plane of u over each band triangle: `u = p[0] + p[1]·x + p[2]·y` at pixel centres (x + ½,
 * y + ½ already folded in), 3 numbers per triangle in `planes`. A degenerate triangle gets the
 * mean of its vertices' u.
 *
 * @internal
 */
export function bandPlanes(band: Float32Array, triangles: Uint16Array, planes: Float64Array): void {
  for (let k = 0; k < bandTriangleCount; k++) {
    const a = triangles[k * 3]!;
    const b = triangles[k * 3 + 1]!;
    const c = triangles[k * 3 + 2]!;
    const x0 = band[a * 3]!;
    const y0 = band[a * 3 + 1]!;
    const u0 = band[a * 3 + 2]!;
    const e1x = band[b * 3]! - x0;
    const e1y = band[b * 3 + 1]! - y0;
    const e2x = band[c * 3]! - x0;
    const e2y = band[c * 3 + 1]! - y0;
    const d1 = band[b * 3 + 2]! - u0;
    const d2 = band[c * 3 + 2]! - u0;
    const det = e1x * e2y - e2x * e1y;
    let ux = 0;
    let uy = 0;
    let base = (u0 + band[b * 3 + 2]! + band[c * 3 + 2]!) / 3;
    if (Math.abs(det) > 1e-9) {
      ux = (d1 * e2y - d2 * e1y) / det;
      uy = (d2 * e1x - d1 * e2x) / det;
      base = u0 - ux * (x0 - 0.5) - uy * (y0 - 0.5);
    }
    planes[k * 3] = base;
    planes[k * 3 + 1] = ux;
    planes[k * 3 + 2] = uy;
  }
}

/**
 * Make the band's spans disjoint and row-ordered: sort `count` spans of `raw` (`y, first, last,
 * triangle`) by row (counting sort; `rowStart` holds `y1 − y0 + 2` numbers) and within a row by
 * start, into `out`, trimming each span to the pixels no earlier span of its row reaches. Returns
 * how many are left. The union is unchanged, so every band pixel is then visited exactly once,
 * even where the band's triangles overlap (the inner strip's hairline widening, a fold).
 *
 * @internal
 */
export function disjointSpans(raw: Int32Array, count: number, out: Int32Array, rowStart: Int32Array, y0: number, y1: number): number {
  const rows = y1 - y0 + 1;
  rowStart.fill(0, 0, rows + 1);
  for (let s = 0; s < count; s++) {
    const r = raw[s * 4]! - y0 + 1;
    rowStart[r] = rowStart[r]! + 1;
  }
  for (let r = 0; r < rows; r++) rowStart[r + 1] = rowStart[r + 1]! + rowStart[r]!;
  // Scatter; afterwards rowStart[r] is the end of row r.
  for (let s = 0; s < count; s++) {
    const r = raw[s * 4]! - y0;
    const at = rowStart[r]!;
    rowStart[r] = at + 1;
    for (let k = 0; k < 4; k++) out[at * 4 + k] = raw[s * 4 + k]!;
  }
  let kept = 0;
  let start = 0;
  for (let r = 0; r < rows; r++) {
    const end = rowStart[r]!;
    for (let i = start + 1; i < end; i++) {
      const y = out[i * 4]!;
      const first = out[i * 4 + 1]!;
      const last = out[i * 4 + 2]!;
      const k = out[i * 4 + 3]!;
      let j = i - 1;
      while (j >= start && out[j * 4 + 1]! > first) {
        for (let c = 0; c < 4; c++) out[(j + 1) * 4 + c] = out[j * 4 + c]!;
        j--;
      }
      out[(j + 1) * 4] = y;
      out[(j + 1) * 4 + 1] = first;
      out[(j + 1) * 4 + 2] = last;
      out[(j + 1) * 4 + 3] = k;
    }
    let reach = -1;
    for (let i = start; i < end; i++) {
      const first = Math.max(out[i * 4 + 1]!, reach + 1);
      const last = out[i * 4 + 2]!;
      if (first > last) continue;
      out[kept * 4] = out[i * 4]!;
      out[kept * 4 + 1] = first;
      out[kept * 4 + 2] = last;
      out[kept * 4 + 3] = out[i * 4 + 3]!;
      kept++;
      reach = last;
    }
    start = end;
  }
  return kept;
}
