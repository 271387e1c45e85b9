import { addLabSample } from './colourTransfer';
import type { LabAccumulator } from './colourTransfer';
import { excludedSpan } from './frameExclusion';
import type { FrameExclusion } from './frameExclusion';
import { convexRowSpan, startConvexRows } from './layerHull';

/*
 * The per-frame inner loops: inverse-map every frame pixel the face can reach back into the face
 * crop, sample it bilinearly, and blend it over the frame through the mask.
 *
 * Conventions: pixel (i, j) covers [i, i+1) × [j, j+1) and its centre is (i + 0.5, j + 0.5), in
 * the photo and in the frame alike, so a pure translation by whole pixels copies pixels exactly
 * and a scale maps centres, not corners.
 *
 * The face crop is packed one pixel per 32-bit word, `r | g << 8 | b << 16 | mask << 24`, so
 * each bilinear tap is one load and the four channels are interpolated two at a time in 16-bit
 * lanes (`0x00ff00ff` masks) with 7-bit weights: every product stays below 2³¹, which keeps the
 * loop in small-integer arithmetic with no `Math.floor` and no float per channel. Coordinates
 * step in 16.16 fixed point; the rounding of the step drifts by at most 0.5·2⁻¹⁶ px per pixel,
 * about 0.01 px across a 1280-pixel row. Pixels whose four taps are all transparent are skipped
 * before any arithmetic, and fully covered ones are stored without a blend.
 *
 * Everything here is internal to the compositor.
 */

/** Fixed-point scale of crop coordinates. */
const one = 65536;
const lanes = 0x00ff00ff;
/** Half of 128 in both lanes: rounds a 7-bit-weighted sum to nearest. */
const half = 0x00400040;
/** Whether an Int32Array over RGBA bytes reads r in its low byte (every engine we target). */
const littleEndian = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;

/**
 * Write into `out` the map from frame pixel indices (x, y) to crop sample coordinates (u, v),
 * `u = out[0]·x + out[1]·y + out[2]`, `v = out[3]·x + out[4]·y + out[5]`, with both pixel-centre
 * offsets folded in. Returns false (and writes nothing) when `photoToFrame` is singular or not
 * finite.
 */
export function frameToCrop(
  photoToFrame: Float64Array,
  cropX: number,
  cropY: number,
  out: Float64Array,
): boolean {
  const a = photoToFrame[0]!;
  const b = photoToFrame[1]!;
  const c = photoToFrame[2]!;
  const d = photoToFrame[3]!;
  const e = photoToFrame[4]!;
  const f = photoToFrame[5]!;
  const det = a * e - b * d;
  if (!Number.isFinite(det) || !Number.isFinite(c) || !Number.isFinite(f) || Math.abs(det) < 1e-9) {
    return false;
  }
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  const ic = -(ia * c + ib * f);
  const iF = -(id * c + ie * f);
  // u(x, y) = inverse(x + ½, y + ½).x − cropX − ½, and likewise v.
  out[0] = ia;
  out[1] = ib;
  out[2] = ic + 0.5 * (ia + ib) - cropX - 0.5;
  out[3] = id;
  out[4] = ie;
  out[5] = iF + 0.5 * (id + ie) - cropY - 0.5;
  return true;
}

/**
 * The frame rectangle `[x0, y0, x1, y1]` (inclusive) that the crop `[cropX, cropX + w) ×
 * [cropY, cropY + h)` lands on, clipped to the frame. Returns false when it misses the frame.
 */
export function coveredBox(
  photoToFrame: Float64Array,
  cropX: number,
  cropY: number,
  cropWidth: number,
  cropHeight: number,
  frameWidth: number,
  frameHeight: number,
  out: Int32Array,
): boolean {
  const a = photoToFrame[0]!;
  const b = photoToFrame[1]!;
  const c = photoToFrame[2]!;
  const d = photoToFrame[3]!;
  const e = photoToFrame[4]!;
  const f = photoToFrame[5]!;
  let xMin = Infinity;
  let yMin = Infinity;
  let xMax = -Infinity;
  let yMax = -Infinity;
  for (let k = 0; k < 4; k++) {
    const px = cropX + (k & 1 ? cropWidth : 0);
    const py = cropY + (k & 2 ? cropHeight : 0);
    const x = a * px + b * py + c;
    const y = d * px + e * py + f;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  const x0 = Math.max(0, Math.floor(xMin) - 1);
  const y0 = Math.max(0, Math.floor(yMin) - 1);
  const x1 = Math.min(frameWidth - 1, Math.ceil(xMax));
  const y1 = Math.min(frameHeight - 1, Math.ceil(yMax));
  if (x0 > x1 || y0 > y1) return false;
  out[0] = x0;
  out[1] = y0;
  out[2] = x1;
  out[3] = y1;
  return true;
}

/**
 * Clip one row: the x range in `[xLo, xHi]` where both fixed-point sequences `u0 + x·du` and
 * `v0 + x·dv` stay in `[0, uMax]` and `[0, vMax]`. Integer sequences, so the range is exact and
 * the inner loop needs no bounds test. Writes `[first, last]` into `span`; false when empty.
 */
function clipRow(
  u0: number,
  du: number,
  uMax: number,
  v0: number,
  dv: number,
  vMax: number,
  xLo: number,
  xHi: number,
  span: Int32Array,
): boolean {
  let first = xLo;
  let last = xHi;
  if (du === 0) {
    if (u0 < 0 || u0 > uMax) return false;
  } else if (du > 0) {
    first = Math.max(first, Math.ceil(-u0 / du));
    last = Math.min(last, Math.floor((uMax - u0) / du));
  } else {
    first = Math.max(first, Math.ceil((uMax - u0) / du));
    last = Math.min(last, Math.floor(-u0 / du));
  }
  if (dv === 0) {
    if (v0 < 0 || v0 > vMax) return false;
  } else if (dv > 0) {
    first = Math.max(first, Math.ceil(-v0 / dv));
    last = Math.min(last, Math.floor((vMax - v0) / dv));
  } else {
    first = Math.max(first, Math.ceil((vMax - v0) / dv));
    last = Math.min(last, Math.floor(-v0 / dv));
  }
  if (first > last) return false;
  span[0] = first;
  span[1] = last;
  return true;
}

/**
 * Blend the packed face over `frame` (RGBA, `frameWidth` wide) inside `box`, in place. Frame
 * alpha is left as it is; pixels the mask does not reach are not written at all, nor are the
 * pixels `exclude` names.
 *
 * Beyond the crop's box, each row can be narrowed to the interval where the layer can be
 * non-transparent (`hull`: a convex polygon in frame pixel-index space, see layerHull.ts, walked
 * with `hullState`) and split around the interval a later layer will cover opaquely (`exclude`),
 * whose `keep` pixels are drawn all the same. Without them every pixel of the clipped row is
 * visited, as before; with them the pixels written and their values are the same.
 *
 * @param face - packed crop, `cropWidth * cropHeight` words (see the module comment).
 * @param inverse - from {@link frameToCrop}.
 * @param box - from {@link coveredBox}.
 * @param span - six ints of scratch.
 * @param hull - `[x0, y0, …]`, every position whose taps can read a non-zero mask value inside.
 * @param hullState - four ints of scratch for the walk.
 */
export function warpBlend(
  frame: Uint8Array,
  frameWidth: number,
  face: Int32Array,
  cropWidth: number,
  cropHeight: number,
  inverse: Float64Array,
  box: Int32Array,
  span: Int32Array,
  hull?: Float64Array,
  hullState?: Int32Array,
  exclude?: FrameExclusion,
): void {
  const words = littleEndian && (frame.byteOffset & 3) === 0 ? new Int32Array(frame.buffer, frame.byteOffset, frame.length >> 2) : undefined;
  const cw = cropWidth;
  // Strictly below the last column/row, so the +1 taps stay inside the crop.
  const uMax = (cropWidth - 1) * one - 1;
  const vMax = (cropHeight - 1) * one - 1;
  const du = Math.round(inverse[0]! * one);
  const dv = Math.round(inverse[3]! * one);
  const ub = inverse[1]!;
  const uc = inverse[2]!;
  const vb = inverse[4]!;
  const vc = inverse[5]!;
  const xLo = box[0]!;
  const xHi = box[2]!;
  const yLo = box[1]!;
  const yHi = box[3]!;
  const hullCount = hull && hullState ? hull.length >> 1 : 0;
  if (hullCount >= 3) startConvexRows(hull!, hullCount, hullState!);
  for (let y = yLo; y <= yHi; y++) {
    const u0 = Math.round((ub * y + uc) * one);
    const v0 = Math.round((vb * y + vc) * one);
    if (!clipRow(u0, du, uMax, v0, dv, vMax, xLo, xHi, span)) continue;
    let first = span[0]!;
    let last = span[1]!;
    if (hullCount >= 3) {
      convexRowSpan(hull!, hullCount, y, hullState!, span, 4);
      first = Math.max(first, span[4]!);
      last = Math.min(last, span[5]!);
      if (first > last) continue;
    }
    let skipFrom = last + 1;
    let skipTo = last;
    if (exclude && excludedSpan(exclude.region, y, span, 2)) {
      skipFrom = Math.max(first, span[2]!);
      skipTo = Math.min(last, span[3]!);
      if (skipFrom > skipTo) {
        skipFrom = last + 1;
        skipTo = last;
      }
    }
    // At most two pieces: [first, skipFrom − 1] and [skipTo + 1, last]. Each starts from the
    // row's own fixed-point origin, so its samples are exactly those of an unsplit row.
    for (let piece = 0; piece < 2; piece++) {
      const from = piece === 0 ? first : skipTo + 1;
      const to = piece === 0 ? skipFrom - 1 : last;
      if (from > to) continue;
      const u = (u0 + from * du) | 0;
      const v = (v0 + from * dv) | 0;
      const at = y * frameWidth + from;
      if (words) blendRowWords(words, at, to - from + 1, face, cw, u, v, du, dv);
      else blendRowBytes(frame, at << 2, to - from + 1, face, cw, u, v, du, dv);
    }
  }
  if (!exclude) return;
  // The kept pixels inside the skipped pieces, one by one, sampled exactly as a whole row would.
  const keep = exclude.keep;
  const keepCount = keep[0]!;
  if (hullCount >= 3) startConvexRows(hull!, hullCount, hullState!);
  for (let n = 1; n <= keepCount; n++) {
    const index = keep[n]!;
    const y = (index / frameWidth) | 0;
    const x = index - y * frameWidth;
    if (y < yLo || y > yHi || x < xLo || x > xHi) continue;
    if (!excludedSpan(exclude.region, y, span, 2) || x < span[2]! || x > span[3]!) continue;
    if (hullCount >= 3) {
      // Kept pixels come in increasing rows, as the walk needs.
      convexRowSpan(hull!, hullCount, y, hullState!, span, 4);
      if (x < span[4]! || x > span[5]!) continue;
    }
    const u0 = Math.round((ub * y + uc) * one);
    const v0 = Math.round((vb * y + vc) * one);
    if (!clipRow(u0, du, uMax, v0, dv, vMax, xLo, xHi, span) || x < span[0]! || x > span[1]!) continue;
    const u = (u0 + x * du) | 0;
    const v = (v0 + x * dv) | 0;
    if (words) blendRowWords(words, index, 1, face, cw, u, v, du, dv);
    else blendRowBytes(frame, index << 2, 1, face, cw, u, v, du, dv);
  }
}

/** One row piece of {@link warpBlend} on the frame's bytes (big-endian or unaligned frames). */
function blendRowBytes(
  frame: Uint8Array,
  start: number,
  count: number,
  face: Int32Array,
  cw: number,
  uStart: number,
  vStart: number,
  du: number,
  dv: number,
): void {
  let u = uStart;
  let v = vStart;
  let o = start;
  for (let n = 0; n < count; n++) {
    const i = (v >> 16) * cw + (u >> 16);
    const p00 = face[i]!;
    const p01 = face[i + 1]!;
    const p10 = face[i + cw]!;
    const p11 = face[i + cw + 1]!;
    if ((p00 | p01 | p10 | p11) >>> 24 !== 0) {
      const fx = (u >> 9) & 127;
      const fy = (v >> 9) & 127;
      // a·(128 − f) + b·f as a·128 + (b − a)·f: the same integer with one multiply, not two
      // (the difference may be negative in a lane, but the packed sum is the exact same number).
      const rb00 = p00 & lanes;
      const ga00 = (p00 >> 8) & lanes;
      const rb10 = p10 & lanes;
      const ga10 = (p10 >> 8) & lanes;
      const rbTop = (((rb00 << 7) + ((p01 & lanes) - rb00) * fx + half) >> 7) & lanes;
      const gaTop = (((ga00 << 7) + (((p01 >> 8) & lanes) - ga00) * fx + half) >> 7) & lanes;
      const rbBottom = (((rb10 << 7) + ((p11 & lanes) - rb10) * fx + half) >> 7) & lanes;
      const gaBottom = (((ga10 << 7) + (((p11 >> 8) & lanes) - ga10) * fx + half) >> 7) & lanes;
      const rb = (((rbTop << 7) + (rbBottom - rbTop) * fy + half) >> 7) & lanes;
      const ga = (((gaTop << 7) + (gaBottom - gaTop) * fy + half) >> 7) & lanes;
      const alpha = ga >> 16;
      if (alpha === 255) {
        // Inside the solid part of the mask (most of the face): no blend to compute.
        frame[o] = rb & 255;
        frame[o + 1] = ga & 255;
        frame[o + 2] = rb >> 16;
      } else {
        // 0…254 → 0…255; with the rounding below, weight 0 leaves the frame as it was.
        const w = alpha + (alpha >> 7);
        const r0 = frame[o]!;
        const g0 = frame[o + 1]!;
        const b0 = frame[o + 2]!;
        frame[o] = r0 + ((((rb & 255) - r0) * w + 128) >> 8);
        frame[o + 1] = g0 + ((((ga & 255) - g0) * w + 128) >> 8);
        frame[o + 2] = b0 + ((((rb >> 16) - b0) * w + 128) >> 8);
      }
    }
    u += du;
    v += dv;
    o += 4;
  }
}

/**
 * One row piece of {@link warpBlend} on a little-endian word view of the frame: one load and one
 * store per pixel instead of three of each, and the blend done two channels at a time (about 20 %
 * faster). The blend weight is 7-bit here (so lane products stay below 2³¹); a fully covered
 * pixel is still copied exactly, and a partly covered one may differ from the byte path by one
 * level.
 */
function blendRowWords(
  frame: Int32Array,
  start: number,
  count: number,
  face: Int32Array,
  cw: number,
  uStart: number,
  vStart: number,
  du: number,
  dv: number,
): void {
  let u = uStart;
  let v = vStart;
  const end = start + count;
  for (let k = start; k < end; k++) {
    const i = (v >> 16) * cw + (u >> 16);
    const p00 = face[i]!;
    const p01 = face[i + 1]!;
    const p10 = face[i + cw]!;
    const p11 = face[i + cw + 1]!;
    if ((p00 | p01 | p10 | p11) >>> 24 !== 0) {
      const fx = (u >> 9) & 127;
      const fy = (v >> 9) & 127;
      // a·(128 − f) + b·f as a·128 + (b − a)·f: the same integer with one multiply, not two
      // (the difference may be negative in a lane, but the packed sum is the exact same number).
      const rb00 = p00 & lanes;
      const ga00 = (p00 >> 8) & lanes;
      const rb10 = p10 & lanes;
      const ga10 = (p10 >> 8) & lanes;
      const rbTop = (((rb00 << 7) + ((p01 & lanes) - rb00) * fx + half) >> 7) & lanes;
      const gaTop = (((ga00 << 7) + (((p01 >> 8) & lanes) - ga00) * fx + half) >> 7) & lanes;
      const rbBottom = (((rb10 << 7) + ((p11 & lanes) - rb10) * fx + half) >> 7) & lanes;
      const gaBottom = (((ga10 << 7) + (((p11 >> 8) & lanes) - ga10) * fx + half) >> 7) & lanes;
      const rb = (((rbTop << 7) + (rbBottom - rbTop) * fy + half) >> 7) & lanes;
      const ga = (((gaTop << 7) + (gaBottom - gaTop) * fy + half) >> 7) & lanes;
      const alpha = ga >> 16;
      const f = frame[k]!;
      if (alpha === 255) {
        frame[k] = (f & 0xff000000) | rb | ((ga & 255) << 8);
      } else {
        // 7-bit weight so that lane products stay below 2³¹; 255 never gets here.
        const w = (alpha + 1) >> 1;
        const rb0 = f & lanes;
        const g0 = (f >> 8) & 255;
        const rbOut = ((rb0 * (128 - w) + rb * w + half) >> 7) & lanes;
        const gOut = (g0 * (128 - w) + (ga & 255) * w + 64) >> 7;
        frame[k] = (f & 0xff000000) | rbOut | (gOut << 8);
      }
    }
    u += du;
    v += dv;
  }
}

/**
 * Accumulate the L\*a\*b\* statistics of the frame pixels the face would cover, each weighted by
 * the warped mask: the colour the face should be matched toward. Reads the frame only. Visits
 * every `step`-th pixel in each direction; target statistics need no more than a sample.
 */
export function accumulateCovered(
  frame: Uint8Array,
  frameWidth: number,
  face: Int32Array,
  cropWidth: number,
  cropHeight: number,
  inverse: Float64Array,
  box: Int32Array,
  span: Int32Array,
  acc: LabAccumulator,
  step: number,
): void {
  const cw = cropWidth;
  const uMax = (cropWidth - 1) * one - 1;
  const vMax = (cropHeight - 1) * one - 1;
  const du = Math.round(inverse[0]! * one);
  const dv = Math.round(inverse[3]! * one);
  for (let y = box[1]!; y <= box[3]!; y += step) {
    const u0 = Math.round((inverse[1]! * y + inverse[2]!) * one);
    const v0 = Math.round((inverse[4]! * y + inverse[5]!) * one);
    if (!clipRow(u0, du, uMax, v0, dv, vMax, box[0]!, box[2]!, span)) continue;
    for (let x = span[0]!; x <= span[1]!; x += step) {
      const u = u0 + x * du;
      const v = v0 + x * dv;
      const i = (v >> 16) * cw + (u >> 16);
      const fx = ((u >> 9) & 127) / 128;
      const fy = ((v >> 9) & 127) / 128;
      const a00 = face[i]! >>> 24;
      const a01 = face[i + 1]! >>> 24;
      const a10 = face[i + cw]! >>> 24;
      const a11 = face[i + cw + 1]! >>> 24;
      const alpha = (a00 + (a01 - a00) * fx) * (1 - fy) + (a10 + (a11 - a10) * fx) * fy;
      if (alpha <= 0) continue;
      const o = (y * frameWidth + x) << 2;
      addLabSample(acc, frame[o]!, frame[o + 1]!, frame[o + 2]!, alpha);
    }
  }
}
