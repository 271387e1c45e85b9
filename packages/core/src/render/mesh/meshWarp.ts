import { faceMeshTriangles } from './faceMeshTriangles';
import type { FaceTopology } from './faceTopology';
import { triangleKind } from './faceTopology';
import type { TemplateMouthSource } from './recordedMouth';

/*
 * The per-frame inner loop of the mesh renderer: every triangle of the fixed topology is mapped
 * from where it lies in the frame back to where it lies in the photo by its own affine map, and
 * the pixels it covers are sampled bilinearly from the packed photo crop straight into the frame.
 *
 * Conventions (the same as the v1 compositor's warpBlend.ts): a frame pixel (i, j) has its centre
 * at (i + ½, j + ½); source vertices are given in tap coordinates (photo x − cropX − ½), so that
 * integer coordinates are pixel centres of the crop. Crop pixels are packed one per 32-bit word,
 * `r | g << 8 | b << 16`, and interpolated two channels at a time in 16-bit lanes with 7-bit
 * weights; coordinates step in 16.16 fixed point along integer row spans. Each triangle's
 * coefficients are computed once per frame (a handful of divisions), so a pixel costs four loads,
 * a few integer multiplies and one store, and nothing is allocated.
 *
 * Pixels are written straight into the frame, seen as one little-endian word per pixel: where
 * the face is opaque the word is stored, and across the ring, where the vertices' opacity fades
 * to 0, the face is blended over what is there (no separate layer, no second pass). Triangles
 * are drawn far to near (by mean depth), so the nearer surface wins where a turned head folds
 * over itself. A triangle whose winding is reversed faces away from the camera (its normal's z
 * has turned): it is drawn first, under every triangle that faces the camera, so that where the
 * mesh's approximate depth lets a fold open a gap (beside the nose, at the far cheek in a turn)
 * the gap shows face rather than background, and never shows over the front surface.
 */

const one = 65536;
const lanes = 0x00ff00ff;
const half = 0x00400040;
/** Alpha 255 in the top byte, as an int32. Frames are opaque, so where the face is solid the
 * whole word is stored without reading the frame first. */
const opaqueAlpha = 0xff000000 | 0;
/** Triangles smaller than this (px²) in the frame are not drawn: they cover no pixel centre. */
const minArea = 1e-3;
/**
 * Source triangles smaller than this (px²) hold no texture (a shut eye in the photo). Tiny but
 * real triangles (beside the nostrils of a small face) must still be drawn, or they leave holes
 * once the face is scaled up, so the bar is far below a pixel.
 */
const minSourceArea = 1e-4;
/**
 * The eye openings' strips follow the canonical triangles in the topology, 14 triangles per eye
 * (image-left eye first): the triangles a gaze shift resamples.
 */
const eyeStripFrom = faceMeshTriangles.length / 3;
const eyeStripCount = 14;
/** Drawing mode of a mouth triangle sampled from the template frame's mouth interior. */
const recordedMode = 3;
/** Coefficients per triangle: u₀, du/dx, du/dy, v₀, dv/dx, dv/dy, α₀, dα/dx, dα/dy (at x = y = 0). */
export const coefficientsPerTriangle = 9;

/**
 * Scratch of {@link rasteriseMesh}, sized for a topology; allocated once by the caller, so that it
 * can be held (and wiped) with the rest of the face data.
 *
 * @internal
 */
export interface MeshWarpScratch {
  /** `triangleCount * 9` coefficients (see {@link coefficientsPerTriangle}). */
  readonly coefficients: Float64Array;
  /** Drawing order; starts as 0…n−1 and is re-sorted each frame from the last order. */
  readonly order: Uint16Array;
  /** Mean depth per triangle; `NaN` for a culled one. */
  readonly depth: Float32Array;
}

/**
 * Colours of the mouth interior for this frame: `[teeth r, g, b, cavity r, g, b, teeth end]`,
 * the last as a depth 0…256 from the upper inner lip to the lower one.
 *
 * @internal
 */
export type MouthColours = Int32Array;

/**
 * Signed area of triangle (a, b, c) of a point array with `stride` numbers per point: positive
 * when it turns counter-clockwise in x-right, y-up terms (clockwise on screen).
 */
function signedArea(points: Float32Array, stride: number, a: number, b: number, c: number): number {
  const ax = points[a * stride]!;
  const ay = points[a * stride + 1]!;
  return (
    ((points[b * stride]! - ax) * (points[c * stride + 1]! - ay) -
      (points[c * stride]! - ax) * (points[b * stride + 1]! - ay)) /
    2
  );
}

/**
 * The sign of the face's front side in `points`: the sign of the summed area of all skin
 * triangles. The topology is consistently oriented, so a triangle whose area has the other sign
 * has been turned away from the camera.
 *
 * @internal
 */
export function frontSign(points: Float32Array, stride: number, topology: FaceTopology): number {
  let sum = 0;
  const t = topology.triangles;
  for (let k = 0; k < topology.kinds.length; k++) {
    if (topology.kinds[k] !== triangleKind.skin) continue;
    sum += signedArea(points, stride, t[k * 3]!, t[k * 3 + 1]!, t[k * 3 + 2]!);
  }
  return sum >= 0 ? 1 : -1;
}

/**
 * Draw the mesh into `frame` (one word per pixel, `r | g << 8 | b << 16 | a << 24`; alpha is set
 * to 255 where the face is solid and kept where it blends): per triangle, from `target` (frame pixels, x, y, z per vertex) back to `source` (tap
 * coordinates in the packed crop, x, y per vertex). Pixels outside `box` (frame pixels
 * `[x0, y0, x1, y1]`, inclusive) are not touched. With `mouth`, mouth triangles are shaded with its colours instead of sampled (the photo's
 * mouth is shut, so it has no interior to sample); without it they are sampled like the rest.
 *
 * Source vertices must lie at least one pixel inside the crop, so that every bilinear tap does.
 *
 * @internal
 */
export function rasteriseMesh(
  frame: Int32Array,
  frameWidth: number,
  box: Int32Array,
  crop: Int32Array,
  cropWidth: number,
  source: Float32Array,
  target: Float32Array,
  topology: FaceTopology,
  front: number,
  mouth: MouthColours | undefined,
  scratch: MeshWarpScratch,
  eyeShift?: Float64Array,
  recorded?: TemplateMouthSource,
): void {
  const { coefficients, order, depth } = scratch;
  const triangles = topology.triangles;
  const kinds = topology.kinds;
  const vertexAlpha = topology.vertexAlpha;
  const mouthDepth = topology.mouthDepth;
  const count = kinds.length;

  for (let k = 0; k < count; k++) {
    const a = triangles[k * 3]!;
    const b = triangles[k * 3 + 1]!;
    const c = triangles[k * 3 + 2]!;
    depth[k] = Number.NaN;
    const x0 = target[a * 3]!;
    const y0 = target[a * 3 + 1]!;
    const e1x = target[b * 3]! - x0;
    const e1y = target[b * 3 + 1]! - y0;
    const e2x = target[c * 3]! - x0;
    const e2y = target[c * 3 + 1]! - y0;
    const det = e1x * e2y - e2x * e1y;
    if (!(Math.abs(det) > minArea * 2)) continue;
    const kind = modeOf(k, kinds, triangles, mouth, recorded);
    let f0: number;
    let f1: number;
    let f2: number;
    let g0: number;
    let g1: number;
    let g2: number;
    if (kind === triangleKind.mouth) {
      // u carries the depth into the mouth (0 upper lip … 256 lower lip); v is unused.
      f0 = mouthDepth[a]! * 256;
      f1 = mouthDepth[b]! * 256;
      f2 = mouthDepth[c]! * 256;
      g0 = g1 = g2 = 0;
    } else {
      const from = kind === recordedMode ? recorded!.source : source;
      f0 = from[a * 2]!;
      g0 = from[a * 2 + 1]!;
      f1 = from[b * 2]!;
      g1 = from[b * 2 + 1]!;
      f2 = from[c * 2]!;
      g2 = from[c * 2 + 1]!;
      const sourceDet = (f1 - f0) * (g2 - g0) - (f2 - f0) * (g1 - g0);
      if (!(Math.abs(sourceDet) > minSourceArea * 2)) continue;
    }
    // A mouth seen from behind is no mouth: nothing to fill in.
    if (det * front < 0 && (kind === triangleKind.mouth || kind === recordedMode)) continue;
    const inv = 1 / det;
    const at = k * coefficientsPerTriangle;
    const ux = ((f1 - f0) * e2y - (f2 - f0) * e1y) * inv;
    const uy = ((f2 - f0) * e1x - (f1 - f0) * e2x) * inv;
    const vx = ((g1 - g0) * e2y - (g2 - g0) * e1y) * inv;
    const vy = ((g2 - g0) * e1x - (g1 - g0) * e2x) * inv;
    const alpha0 = vertexAlpha[a]!;
    const alpha1 = vertexAlpha[b]!;
    const alpha2 = vertexAlpha[c]!;
    const ax = ((alpha1 - alpha0) * e2y - (alpha2 - alpha0) * e1y) * inv;
    const ay = ((alpha2 - alpha0) * e1x - (alpha1 - alpha0) * e2x) * inv;
    if (!Number.isFinite(ux + uy + vx + vy + ax + ay)) continue;
    coefficients[at] = f0 - ux * x0 - uy * y0;
    coefficients[at + 1] = ux;
    coefficients[at + 2] = uy;
    coefficients[at + 3] = g0 - vx * x0 - vy * y0;
    coefficients[at + 4] = vx;
    coefficients[at + 5] = vy;
    coefficients[at + 6] = alpha0 - ax * x0 - ay * y0;
    coefficients[at + 7] = ax;
    coefficients[at + 8] = ay;
    // Back-facing: drawn first, under everything that faces the camera (see sortFarToNear).
    depth[k] = det * front < 0 ? Infinity : target[a * 3 + 2]! + target[b * 3 + 2]! + target[c * 3 + 2]!;
  }

  sortFarToNear(order, depth);

  for (let n = 0; n < count; n++) {
    const k = order[n]!;
    if (Number.isNaN(depth[k]!)) continue;
    const kind = modeOf(k, kinds, triangles, mouth, recorded);
    const eye = eyeShift !== undefined && k >= eyeStripFrom && k < eyeStripFrom + 2 * eyeStripCount ? (k < eyeStripFrom + eyeStripCount ? 0 : 7) : -1;
    if (kind === recordedMode) {
      drawTriangle(frame, frameWidth, box, recorded!.crop, recorded!.cropWidth, target, triangles, k, coefficients, triangleKind.feature, mouth, undefined, -1);
    } else {
      drawTriangle(frame, frameWidth, box, crop, cropWidth, target, triangles, k, coefficients, kind, mouth, eyeShift, eye);
    }
  }
}

/**
 * How triangle `k` is drawn: its topology kind, except for the mouth strip, which is sampled from
 * the template frame's mouth interior where there is one and its source triangle has an area
 * (else shaded, or sampled from the photo when there are no mouth colours either).
 */
function modeOf(
  k: number,
  kinds: Uint8Array,
  triangles: Uint16Array,
  mouth: MouthColours | undefined,
  recorded: TemplateMouthSource | undefined,
): number {
  const kind = kinds[k]!;
  if (kind !== triangleKind.mouth) return kind;
  if (recorded !== undefined) {
    const area = signedArea(recorded.source, 2, triangles[k * 3]!, triangles[k * 3 + 1]!, triangles[k * 3 + 2]!);
    if (Math.abs(area) > minSourceArea) return recordedMode;
  }
  return mouth === undefined ? triangleKind.feature : triangleKind.mouth;
}

/**
 * Insertion sort of `order` by descending depth (back-facing triangles, at +∞, first; culled
 * ones, NaN, anywhere): from last frame's
 * order, which a smooth motion barely changes, this is close to one pass.
 */
function sortFarToNear(order: Uint16Array, depth: Float32Array): void {
  for (let i = 1; i < order.length; i++) {
    const k = order[i]!;
    const d = depth[k]!;
    if (Number.isNaN(d)) continue;
    let j = i - 1;
    while (j >= 0) {
      const dj = depth[order[j]!]!;
      if (!(dj < d)) break;
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = k;
  }
}

/** Rasterise one triangle with integer row spans (pixel centres inside; top-left fill). */
function drawTriangle(
  frame: Int32Array,
  frameWidth: number,
  box: Int32Array,
  crop: Int32Array,
  cw: number,
  target: Float32Array,
  triangles: Uint16Array,
  k: number,
  coefficients: Float64Array,
  kind: number,
  mouth: MouthColours | undefined,
  eyeShift: Float64Array | undefined,
  eye: number,
): void {
  // Vertices sorted by y: (ax, ay) top, (bx, by) middle, (cx, cy) bottom.
  let i0 = triangles[k * 3]!;
  let i1 = triangles[k * 3 + 1]!;
  let i2 = triangles[k * 3 + 2]!;
  if (target[i1 * 3 + 1]! < target[i0 * 3 + 1]!) [i0, i1] = [i1, i0];
  if (target[i2 * 3 + 1]! < target[i1 * 3 + 1]!) [i1, i2] = [i2, i1];
  if (target[i1 * 3 + 1]! < target[i0 * 3 + 1]!) [i0, i1] = [i1, i0];
  const ax = target[i0 * 3]!;
  const ay = target[i0 * 3 + 1]!;
  const bx = target[i1 * 3]!;
  const by = target[i1 * 3 + 1]!;
  const cx = target[i2 * 3]!;
  const cy = target[i2 * 3 + 1]!;
  const yFirst = Math.max(box[1]!, Math.ceil(ay - 0.5));
  const yLast = Math.min(box[3]!, Math.ceil(cy - 0.5) - 1);
  if (yFirst > yLast) return;
  const longSlope = (cx - ax) / (cy - ay);
  const topSlope = by > ay ? (bx - ax) / (by - ay) : 0;
  const bottomSlope = cy > by ? (cx - bx) / (cy - by) : 0;
  const xMin = box[0]!;
  const xMax = box[2]!;
  const at = k * coefficientsPerTriangle;
  const u0 = coefficients[at]!;
  const ux = coefficients[at + 1]!;
  const uy = coefficients[at + 2]!;
  const v0 = coefficients[at + 3]!;
  const vx = coefficients[at + 4]!;
  const vy = coefficients[at + 5]!;
  const alpha0 = coefficients[at + 6]!;
  const alphaX = coefficients[at + 7]!;
  const alphaY = coefficients[at + 8]!;
  const du = Math.round(ux * one);
  const dv = Math.round(vx * one);
  const dAlpha = Math.round(alphaX * one);
  const opaque = alphaX === 0 && alphaY === 0 && alpha0 >= 255;

  for (let y = yFirst; y <= yLast; y++) {
    const yc = y + 0.5;
    const xLong = ax + (yc - ay) * longSlope;
    const xShort = yc < by ? ax + (yc - ay) * topSlope : bx + (yc - by) * bottomSlope;
    const left = xLong < xShort ? xLong : xShort;
    const right = xLong < xShort ? xShort : xLong;
    const first = Math.max(xMin, Math.ceil(left - 0.5));
    const last = Math.min(xMax, Math.ceil(right - 0.5) - 1);
    if (first > last) continue;
    const xc = first + 0.5;
    let u = Math.round((u0 + ux * xc + uy * yc) * one) | 0;
    let v = Math.round((v0 + vx * xc + vy * yc) * one) | 0;
    let o = y * frameWidth + first;
    const end = o + (last - first);
    if (mouth !== undefined && kind === triangleKind.mouth) {
      for (; o <= end; o++, u += du) frame[o] = opaqueAlpha | shadeMouth(u >> 16, mouth);
      continue;
    }
    if (eye >= 0 && eyeShift !== undefined && opaque) {
      drawShiftedSpan(frame, o, end, crop, cw, u0 + ux * xc + uy * yc, v0 + vx * xc + vy * yc, ux, vx, eyeShift, eye);
      continue;
    }
    let alpha = Math.round((alpha0 + alphaX * xc + alphaY * yc) * one) | 0;
    for (; o <= end; o++) {
      const i = (v >> 16) * cw + (u >> 16);
      const p00 = crop[i]!;
      const p01 = crop[i + 1]!;
      const p10 = crop[i + cw]!;
      const p11 = crop[i + cw + 1]!;
      const fx = (u >> 9) & 127;
      const gx = 128 - fx;
      const fy = (v >> 9) & 127;
      const gy = 128 - fy;
      const rbTop = (((p00 & lanes) * gx + (p01 & lanes) * fx + half) >> 7) & lanes;
      const gTop = (((p00 >> 8) & 255) * gx + ((p01 >> 8) & 255) * fx + 64) >> 7;
      const rbBottom = (((p10 & lanes) * gx + (p11 & lanes) * fx + half) >> 7) & lanes;
      const gBottom = (((p10 >> 8) & 255) * gx + ((p11 >> 8) & 255) * fx + 64) >> 7;
      const rb = ((rbTop * gy + rbBottom * fy + half) >> 7) & lanes;
      const g = (gTop * gy + gBottom * fy + 64) >> 7;
      if (opaque) {
        frame[o] = opaqueAlpha | rb | (g << 8);
      } else {
        const a = alpha >> 16;
        alpha += dAlpha;
        if (a > 0) {
          // 7-bit weight so that lane products stay below 2³¹.
          const w = a >= 255 ? 128 : (a + 1) >> 1;
          const f = frame[o]!;
          const rbOut = (((f & lanes) * (128 - w) + rb * w + half) >> 7) & lanes;
          const gOut = (((f >> 8) & 255) * (128 - w) + g * w + 64) >> 7;
          frame[o] = (f & 0xff000000) | rbOut | (gOut << 8);
        }
      }
      u += du;
      v += dv;
    }
  }
}

/**
 * One row span of an eye opening, sampled from the crop where the gaze shift moves its content:
 * at `s − d · max(0, 1 − ((s − c)·a)² / hw²)` (see `eyeShifts` in gaze.ts), `s` stepping by
 * (`du`, `dv`) per pixel from (`u`, `v`), all in tap coordinates.
 */
function drawShiftedSpan(
  frame: Int32Array,
  from: number,
  end: number,
  crop: Int32Array,
  cw: number,
  u: number,
  v: number,
  du: number,
  dv: number,
  shift: Float64Array,
  at: number,
): void {
  const cx = shift[at]!;
  const cy = shift[at + 1]!;
  const ax = shift[at + 2]!;
  const ay = shift[at + 3]!;
  const inv = shift[at + 4]!;
  const dx = shift[at + 5]!;
  const dy = shift[at + 6]!;
  const uMax = cw - 2;
  const vMax = ((crop.length / cw) | 0) - 2;
  for (let o = from; o <= end; o++, u += du, v += dv) {
    const along = (u - cx) * ax + (v - cy) * ay;
    const f = 1 - along * along * inv;
    let su = u;
    let sv = v;
    if (f > 0) {
      su -= dx * f;
      sv -= dy * f;
    }
    su = su < 0 ? 0 : su > uMax ? uMax : su;
    sv = sv < 0 ? 0 : sv > vMax ? vMax : sv;
    const uf = Math.round(su * one) | 0;
    const vf = Math.round(sv * one) | 0;
    const i = (vf >> 16) * cw + (uf >> 16);
    const p00 = crop[i]!;
    const p01 = crop[i + 1]!;
    const p10 = crop[i + cw]!;
    const p11 = crop[i + cw + 1]!;
    const fx = (uf >> 9) & 127;
    const gx = 128 - fx;
    const fy = (vf >> 9) & 127;
    const gy = 128 - fy;
    const rbTop = (((p00 & lanes) * gx + (p01 & lanes) * fx + half) >> 7) & lanes;
    const gTop = (((p00 >> 8) & 255) * gx + ((p01 >> 8) & 255) * fx + 64) >> 7;
    const rbBottom = (((p10 & lanes) * gx + (p11 & lanes) * fx + half) >> 7) & lanes;
    const gBottom = (((p10 >> 8) & 255) * gx + ((p11 >> 8) & 255) * fx + 64) >> 7;
    const rb = ((rbTop * gy + rbBottom * fy + half) >> 7) & lanes;
    const g = (gTop * gy + gBottom * fy + 64) >> 7;
    frame[o] = opaqueAlpha | rb | (g << 8);
  }
}

/** One pixel of the mouth interior at depth `d` (0 upper lip … 256 lower lip), alpha byte 0. */
function shadeMouth(d: number, mouth: MouthColours): number {
  const teethEnd = mouth[6]!;
  let r: number;
  let g: number;
  let b: number;
  if (d < teethEnd) {
    // Teeth, shadowed by the upper lip at the top and brightening toward their edge.
    const light = 176 + ((80 * d) / (teethEnd || 1)) | 0;
    r = (mouth[0]! * light) >> 8;
    g = (mouth[1]! * light) >> 8;
    b = (mouth[2]! * light) >> 8;
  } else {
    // The cavity: darkest just past the teeth, a little lighter toward the tongue and lower lip.
    const t = d > 256 ? 256 : d;
    const light = 150 + (((t - teethEnd) * 106) / (256 - teethEnd || 1)) | 0;
    r = (mouth[3]! * light) >> 8;
    g = (mouth[4]! * light) >> 8;
    b = (mouth[5]! * light) >> 8;
  }
  return (r & 255) | ((g & 255) << 8) | ((b & 255) << 16);
}
