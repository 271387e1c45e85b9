import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import { faceRegions } from './faceRegions';

/*
 * Closed lids. The photo's eyes are open, so its eye opening holds an eyeball, and its upper lid
 * (the skin between the lid margin and the crease) is only a thin band. When the target closes an
 * eye further than that band can stretch, the warp alone leaves a squashed, smeared lid with the
 * eyeball showing through: the face never quite shuts its eyes (and a re-detector says so). So,
 * in proportion to how closed each eye is compared with the photo, lid skin is faded in over the
 * eye: flat skin of the user's own upper lid, measured once from the (colour-matched) crop, from
 * the crease down to the lid line, darkening into a lash line where the lids meet.
 */

const eyes = [
  { upper: faceRegions.imageLeftUpperLid, lower: faceRegions.imageLeftLowerLid, crease: faceRegions.imageLeftLidCrease },
  { upper: faceRegions.imageRightUpperLid, lower: faceRegions.imageRightLowerLid, crease: faceRegions.imageRightLidCrease },
] as const;

/** Closure (1 − target opening / photo opening) over which the lid skin fades in. */
const fadeFrom = 0.3;
const fadeTo = 0.85;
/** A photo eye opening below this (lid gap over eye width) is shut already: nothing to cover. */
const minPhotoOpening = 0.06;
/** How dark the lash line is, as a factor on the lid skin; the strip between the lids is darker still. */
const lashShade = 0.3;
const slitShade = 0.38;
/** Where on the way from crease (0) to lid line (1) the cover is fully opaque, and the lash starts. */
const opaqueFrom = 0.45;
const lashFrom = 0.6;
/** Thickness of the lash line at its middle, in eye widths. */
const lashWidth = 0.045;
/** Below this cover weight an eye is left as the warp drew it. */
const minWeight = 0.004;

/** Per eye: `[photo opening, r, g, b]`. */
const stateLength = 8;

/** Lid gap over eye width: the mean of the middle pairs of lid points. */
function opening(mesh: Float32Array, stride: number, upper: readonly number[], lower: readonly number[]): number {
  const d = (a: number, b: number) =>
    Math.hypot(mesh[a * stride]! - mesh[b * stride]!, mesh[a * stride + 1]! - mesh[b * stride + 1]!);
  let gap = 0;
  for (let k = 2; k <= 6; k++) gap += d(upper[k]!, lower[k]!);
  const width = d(upper[0]!, upper[upper.length - 1]!);
  return width > 0 ? gap / 5 / width : 0;
}

function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/**
 * The lid cover of one face: created with the compositor and drawn after the mesh in every frame
 * where an eye is closing. Holds its numbers (derived from the face) in
 * the compositor's scope; allocates nothing per frame.
 *
 * @internal
 */
export class EyeLids {
  readonly #state: EphemeralHandle<Float64Array>;

  /** `photoMesh`: the photo's 468 points (x, y, z), for the eye openings it was taken with. */
  constructor(scope: EphemeralScope, photoMesh: Float32Array) {
    this.#state = scope.hold(new Float64Array(new ArrayBuffer(stateLength * 8)), { kind: 'aligned-face', label: 'mesh.eye-lids' });
    const s = this.#state.value;
    for (let e = 0; e < 2; e++) s[e * 4] = opening(photoMesh, 3, eyes[e]!.upper, eyes[e]!.lower);
  }

  get byteLength(): number {
    return this.#state.byteLength;
  }

  /**
   * Measure each upper lid's skin colour in `packed` (one word per crop pixel), between the lid
   * line and the crease of `source` (tap coordinates of the crop, x, y per vertex): a few dozen
   * taps on the crease's side of the lid (the lid line itself is lashes, and the detected line often
   * sits a little inside the opening, with white of the eye above it), of which those within one
   * standard deviation of the mean lightness count, so that stray lashes or eye white do not.
   */
  measure(packed: Int32Array, cropWidth: number, source: Float32Array): void {
    const s = this.#state.value;
    const cropHeight = packed.length / cropWidth;
    for (let e = 0; e < 2; e++) {
      const eye = eyes[e]!;
      let sumL = 0;
      let sumL2 = 0;
      let n = 0;
      // Two passes over the same taps: the lightness's mean and spread, then the colour of those near it.
      for (let pass = 0; pass < 2; pass++) {
        const meanL = n > 0 ? sumL / n : 0;
        const spread = n > 0 ? Math.sqrt(Math.max(0, sumL2 / n - meanL * meanL)) + 1 : 0;
        let r = 0;
        let g = 0;
        let b = 0;
        let kept = 0;
        for (let k = 1; k < eye.upper.length - 1; k++) {
          const u = eye.upper[k]!;
          const c = eye.crease[k]!;
          for (let step = 0; step < 4; step++) {
            const f = 0.55 + 0.15 * step;
            const x = Math.round(source[u * 2]! + f * (source[c * 2]! - source[u * 2]!));
            const y = Math.round(source[u * 2 + 1]! + f * (source[c * 2 + 1]! - source[u * 2 + 1]!));
            if (x < 0 || y < 0 || x >= cropWidth || y >= cropHeight) continue;
            const p = packed[y * cropWidth + x]!;
            const pr = p & 255;
            const pg = (p >> 8) & 255;
            const pb = (p >> 16) & 255;
            const l = pr * 0.299 + pg * 0.587 + pb * 0.114;
            if (pass === 0) {
              sumL += l;
              sumL2 += l * l;
              n++;
            } else if (Math.abs(l - meanL) <= spread) {
              r += pr;
              g += pg;
              b += pb;
              kept++;
            }
          }
        }
        if (pass === 1 && kept > 0) {
          s[e * 4 + 1] = r / kept;
          s[e * 4 + 2] = g / kept;
          s[e * 4 + 3] = b / kept;
        }
      }
    }
  }

  /**
   * How far each eye of `target` (x, y, z per vertex) is covered, 0…1, into `out[0]` (image-left)
   * and `out[1]` (image-right).
   */
  weights(target: Float32Array, out: Float64Array | Float32Array): void {
    out[0] = this.#weight(target, 0);
    out[1] = this.#weight(target, 1);
  }

  #weight(target: Float32Array, e: number): number {
    const photo = this.#state.value[e * 4]!;
    const eye = eyes[e]!;
    return photo < minPhotoOpening ? 0 : smoothstep(fadeFrom, fadeTo, 1 - opening(target, 3, eye.upper, eye.lower) / photo);
  }

  /**
   * Fade lid skin over the eyes of `target` (frame pixels, x, y, z per vertex) as far as they are
   * closed. `frame` is one word per pixel; only pixels inside `box` (`[x0, y0, x1, y1]`) change.
   * The lid colour is measured (see {@link EyeLids.measure}) from `packed`, the crop being drawn.
   */
  cover(
    frame: Int32Array,
    frameWidth: number,
    box: Int32Array,
    target: Float32Array,
    packed: Int32Array,
    cropWidth: number,
    source: Float32Array,
  ): void {
    const s = this.#state.value;
    const left = this.#weight(target, 0);
    const right = this.#weight(target, 1);
    if (!(left > minWeight || right > minWeight)) return;
    // Measured from the crop as it is drawn in this frame (its colour may follow the light).
    this.measure(packed, cropWidth, source);
    for (let e = 0; e < 2; e++) {
      const weight = e === 0 ? left : right;
      if (!(weight > minWeight)) continue;
      const eye = eyes[e]!;
      const r = s[e * 4 + 1]!;
      const g = s[e * 4 + 2]!;
      const b = s[e * 4 + 3]!;
      const { upper, lower, crease } = eye;
      // Crease (t = 0) down to the lid line (t = 1).
      for (let k = 0; k < upper.length - 1; k++) {
        fill(frame, frameWidth, box, target, crease[k]!, crease[k + 1]!, upper[k + 1]!, 0, 0, 1, weight, r, g, b, false);
        fill(frame, frameWidth, box, target, crease[k]!, upper[k + 1]!, upper[k]!, 0, 1, 1, weight, r, g, b, false);
      }
      // What is left of the opening: the shadowed slit between the lids.
      for (let k = 0; k < upper.length - 1; k++) {
        fill(frame, frameWidth, box, target, upper[k]!, upper[k + 1]!, lower[k + 1]!, 1, 1, 1, weight, r, g, b, true);
        fill(frame, frameWidth, box, target, upper[k]!, lower[k + 1]!, lower[k]!, 1, 1, 1, weight, r, g, b, true);
      }
      // The lashes: a dark band along the upper lid's edge, thickest in the middle, so that a shut
      // eye still reads as an eye once the slit between the lids has closed to nothing.
      const first = upper[0]!;
      const last = upper[upper.length - 1]!;
      const ex = target[last * 3]! - target[first * 3]!;
      const ey = target[last * 3 + 1]! - target[first * 3 + 1]!;
      const width = Math.hypot(ex, ey);
      if (!(width > 0)) continue;
      // Unit normal of the corner line; its sign does not matter, the band is centred on the lid.
      const nx = -ey / width;
      const ny = ex / width;
      const half = (lashWidth * width) / 2;
      const n = upper.length - 1;
      for (let k = 0; k < n; k++) {
        const h0 = half * (1 - ((2 * k) / n - 1) ** 2);
        const h1 = half * (1 - ((2 * (k + 1)) / n - 1) ** 2);
        const x0 = target[upper[k]! * 3]!;
        const y0 = target[upper[k]! * 3 + 1]!;
        const x1 = target[upper[k + 1]! * 3]!;
        const y1 = target[upper[k + 1]! * 3 + 1]!;
        fillAt(frame, frameWidth, box, x0 - nx * h0, y0 - ny * h0, x1 - nx * h1, y1 - ny * h1, x1 + nx * h1, y1 + ny * h1, 1, 1, 1, weight, r * lashShade, g * lashShade, b * lashShade, true);
        fillAt(frame, frameWidth, box, x0 - nx * h0, y0 - ny * h0, x1 + nx * h1, y1 + ny * h1, x0 + nx * h0, y0 + ny * h0, 1, 1, 1, weight, r * lashShade, g * lashShade, b * lashShade, true);
      }
    }
  }
}

/**
 * Blend one triangle (vertices `a`, `b`, `c` of `target`, each with a depth `t` from crease 0 to
 * lid line 1) of lid skin into the frame, with integer row spans (the same pixel rule as the mesh
 * warp, so neighbouring triangles neither overlap nor leave gaps).
 */
function fill(
  frame: Int32Array,
  frameWidth: number,
  box: Int32Array,
  target: Float32Array,
  a: number,
  b: number,
  c: number,
  ta: number,
  tb: number,
  tc: number,
  weight: number,
  r: number,
  g: number,
  bl: number,
  slit: boolean,
): void {
  fillAt(
    frame, frameWidth, box,
    target[a * 3]!, target[a * 3 + 1]!, target[b * 3]!, target[b * 3 + 1]!, target[c * 3]!, target[c * 3 + 1]!,
    ta, tb, tc, weight, r, g, bl, slit,
  );
}

/** {@link fill} for a triangle given by its corners' frame coordinates. */
function fillAt(
  frame: Int32Array,
  frameWidth: number,
  box: Int32Array,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  ta: number,
  tb: number,
  tc: number,
  weight: number,
  r: number,
  g: number,
  bl: number,
  slit: boolean,
): void {
  const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  if (!(Math.abs(det) > 1e-3)) return;
  // t as a plane over the frame: t = t0 + tx·x + ty·y.
  const tx = ((tb - ta) * (y2 - y0) - (tc - ta) * (y1 - y0)) / det;
  const ty = ((tc - ta) * (x1 - x0) - (tb - ta) * (x2 - x0)) / det;
  const t0 = ta - tx * x0 - ty * y0;
  // Sort by y.
  let ax = x0;
  let ay = y0;
  let bx = x1;
  let by = y1;
  let cx = x2;
  let cy = y2;
  let tmp: number;
  if (by < ay) {
    tmp = ax; ax = bx; bx = tmp;
    tmp = ay; ay = by; by = tmp;
  }
  if (cy < by) {
    tmp = bx; bx = cx; cx = tmp;
    tmp = by; by = cy; cy = tmp;
  }
  if (by < ay) {
    tmp = ax; ax = bx; bx = tmp;
    tmp = ay; ay = by; by = tmp;
  }
  const yFirst = Math.max(box[1]!, Math.ceil(ay - 0.5));
  const yLast = Math.min(box[3]!, Math.ceil(cy - 0.5) - 1);
  if (yFirst > yLast) return;
  const longSlope = (cx - ax) / (cy - ay);
  const topSlope = by > ay ? (bx - ax) / (by - ay) : 0;
  const bottomSlope = cy > by ? (cx - bx) / (cy - by) : 0;
  for (let y = yFirst; y <= yLast; y++) {
    const yc = y + 0.5;
    const xLong = ax + (yc - ay) * longSlope;
    const xShort = yc < by ? ax + (yc - ay) * topSlope : bx + (yc - by) * bottomSlope;
    const first = Math.max(box[0]!, Math.ceil(Math.min(xLong, xShort) - 0.5));
    const last = Math.min(box[2]!, Math.ceil(Math.max(xLong, xShort) - 0.5) - 1);
    for (let x = first; x <= last; x++) {
      const t = Math.min(1, Math.max(0, t0 + tx * (x + 0.5) + ty * yc));
      let alpha: number;
      let shade: number;
      if (slit) {
        alpha = weight;
        shade = slitShade;
      } else {
        alpha = weight * Math.min(1, t / opaqueFrom);
        shade = 1 - (1 - lashShade) * smoothstep(lashFrom, 1, t);
      }
      const o = y * frameWidth + x;
      const f = frame[o]!;
      const keep = 1 - alpha;
      const or = (f & 255) * keep + r * shade * alpha;
      const og = ((f >> 8) & 255) * keep + g * shade * alpha;
      const ob = ((f >> 16) & 255) * keep + bl * shade * alpha;
      frame[o] = (f & 0xff000000) | (Math.round(or) & 255) | ((Math.round(og) & 255) << 8) | ((Math.round(ob) & 255) << 16);
    }
  }
}
