import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import { decodeLut } from '../compositing/colourTransfer';
import { meshPointCount } from './faceTopology';

/*
 * Shading transfer, a quotient image at low frequency: on a recorded template the actor's face is
 * lit (one side brighter, a shadow under the brow), and a face pasted with flat light looks stuck
 * on. Per frame the template's luminance, blurred, is sampled at the target mesh's skin points and
 * divided by its (geometric) mean; the photo's own blurred luminance at the same mesh points,
 * measured once, is divided out the same way. The ratio is fitted with a smooth quadratic over the
 * face (in the photo crop's coordinates, where the face is fixed), filtered over time, and the
 * crop is re-packed through it: the warp then carries the shading wherever the mesh goes, ring
 * included, without touching the rasteriser. Per frame this costs about 25 taps × 400 points and
 * one pass over the crop.
 */

/**
 * Strength the mesh renderer uses on templates with a recorded face (a mesh track): how much of
 * the actor's lighting the face takes on (0…1, in the exponent of the luminance ratio).
 *
 * @internal
 */
export const recordedShadingStrength = 0.6;

/** Blur radius, over the inter-ocular distance (outer eye corners 33–263). */
const blurRadius = 0.2;
/** Taps per side of the blur window. */
const taps = 5;
/** sRGB bytes change as linear light to about this power. */
const encodingGamma = 1 / 2.2;
/** Largest log-ratio taken from one point (a vertex over hair or a specular spot). */
const maxLogRatio = 0.8;
/** Weight of a new fit in the temporal filter, and the largest change of a coefficient per frame. */
const smoothing = 0.2;
const maxCoefficientStep = 0.02;
/** Bounds of the gain applied to a pixel. */
const minGain = 0.5;
const maxGain = 1.6;
/** Ridge on the non-constant terms, per sample, so that a sparse fit stays flat. */
const ridge = 1e-3;

const terms = 6;
// Layout of the fit array.
const normal = 0; // 6 × 7 augmented normal equations
const fitted = 42; // 6 this frame's coefficients
const field = 48; // 6 smoothed coefficients, then cx, cy, 1/sx, 1/sy (see relightCrop)
const startedAt = 58; // 1 when the filter holds a value
const applied = 59; // 6 coefficients the crop was last re-packed with
const fitLength = 65;
/** Change of the gain anywhere on the face (bounded by Σ|Δc|) below which the crop is not re-packed. */
const repackThreshold = 0.002;

/** Linear luminance of an sRGB pixel. */
function luminance(decode: Float64Array, pixels: Uint8Array, o: number): number {
  return 0.2126 * decode[pixels[o]!]! + 0.7152 * decode[pixels[o + 1]!]! + 0.0722 * decode[pixels[o + 2]!]!;
}

/**
 * Natural log of the mean linear luminance in a `taps × taps` window of radius `radius` around
 * (x, y) (pixel coordinates; taps outside the image are skipped). NaN when every tap is outside.
 */
function blurredLogLuminance(
  pixels: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  radius: number,
): number {
  const decode = decodeLut();
  const step = (2 * radius) / (taps - 1);
  let sum = 0;
  let count = 0;
  for (let j = 0; j < taps; j++) {
    const ty = Math.floor(y - radius + j * step);
    if (ty < 0 || ty >= height) continue;
    for (let i = 0; i < taps; i++) {
      const tx = Math.floor(x - radius + i * step);
      if (tx < 0 || tx >= width) continue;
      sum += luminance(decode, pixels, (ty * width + tx) * 4);
      count++;
    }
  }
  return count > 0 ? Math.log(Math.max(1e-4, sum / count)) : Number.NaN;
}

/** Inter-ocular distance of a point array with `stride` numbers per point. */
function eyeDistance(points: Float32Array, stride: number): number {
  return Math.hypot(points[33 * stride]! - points[263 * stride]!, points[33 * stride + 1]! - points[263 * stride + 1]!);
}

/**
 * The template's low-frequency lighting, moved onto the face. Buffers are held in the scope given
 * (`'aligned-face'`: they derive from the photo's shading and where its face goes), allocated once.
 *
 * @internal
 */
export class ShadingTransfer {
  readonly #strength: number;
  /** Per mesh point: the photo's blurred log luminance (NaN off skin or outside the crop). */
  readonly #photo: EphemeralHandle<Float64Array>;
  /** Per mesh point: this frame's log ratio, template over photo (NaN where not measured). */
  readonly #ratio: EphemeralHandle<Float64Array>;
  readonly #fit: EphemeralHandle<Float64Array>;
  /** Source points in crop tap coordinates (x, y per vertex; read, not owned). */
  readonly #source: Float32Array;

  /**
   * @param crop - the photo crop, RGBA, `cropWidth × cropHeight`.
   * @param source - the mesh's vertices in the crop's tap coordinates (x, y), 468 or more.
   * @param skin - per vertex 1 on skin.
   */
  constructor(
    scope: EphemeralScope,
    strength: number,
    crop: Uint8Array,
    cropWidth: number,
    cropHeight: number,
    source: Float32Array,
    skin: Uint8Array,
  ) {
    this.#strength = strength;
    this.#source = source;
    const kind = 'aligned-face' as const;
    this.#photo = scope.hold(new Float64Array(meshPointCount), { kind, label: 'mesh.shading-photo' });
    this.#ratio = scope.hold(new Float64Array(meshPointCount), { kind, label: 'mesh.shading-ratio' });
    this.#fit = scope.hold(new Float64Array(fitLength), { kind, label: 'mesh.shading-fit' });
    const photo = this.#photo.value;
    const radius = blurRadius * eyeDistance(source, 2);
    let cx = 0;
    let cy = 0;
    let n = 0;
    for (let i = 0; i < meshPointCount; i++) {
      if (skin[i] === 0) {
        photo[i] = Number.NaN;
        continue;
      }
      // Tap coordinates are pixel centres: pixel x covers [x − ½, x + ½).
      photo[i] = blurredLogLuminance(crop, cropWidth, cropHeight, source[i * 2]! + 0.5, source[i * 2 + 1]! + 0.5, radius);
      cx += source[i * 2]!;
      cy += source[i * 2 + 1]!;
      n++;
    }
    cx /= n || 1;
    cy /= n || 1;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < meshPointCount; i++) {
      if (skin[i] === 0) continue;
      sx = Math.max(sx, Math.abs(source[i * 2]! - cx));
      sy = Math.max(sy, Math.abs(source[i * 2 + 1]! - cy));
    }
    const f = this.#fit.value;
    f[field] = 1;
    f[field + 6] = cx;
    f[field + 7] = cy;
    f[field + 8] = 1 / Math.max(1, sx);
    f[field + 9] = 1 / Math.max(1, sy);
  }

  /**
   * `[c0…c5, cx, cy, 1/sx, 1/sy]`: the gain at crop tap (x, y) is
   * `c0 + c1·u + c2·v + c3·u² + c4·u·v + c5·v²` with `u = (x − cx)/sx`, `v = (y − cy)/sy`.
   */
  get field(): Float64Array {
    return this.#fit.value.subarray(field, field + 10);
  }

  /**
   * Measure the template's lighting under `vertices` (target mesh, frame pixels, x, y, z) in
   * `frame` (background drawn, face not yet), and update the smoothed gain field. Returns true
   * when the field has moved enough since it was last returned true to re-pack the crop for; false
   * (field unchanged) also when too few skin points lie in the frame.
   */
  update(frame: Uint8Array, width: number, height: number, vertices: Float32Array, skin: Uint8Array): boolean {
    const photo = this.#photo.value;
    const ratio = this.#ratio.value;
    const radius = blurRadius * eyeDistance(vertices, 3);
    let frameMean = 0;
    let photoMean = 0;
    let n = 0;
    for (let i = 0; i < meshPointCount; i++) {
      ratio[i] = Number.NaN;
      if (skin[i] === 0 || Number.isNaN(photo[i]!)) continue;
      const t = blurredLogLuminance(frame, width, height, vertices[i * 3]!, vertices[i * 3 + 1]!, radius);
      if (Number.isNaN(t)) continue;
      ratio[i] = t;
      frameMean += t;
      photoMean += photo[i]!;
      n++;
    }
    if (n < 24) {
      ratio.fill(0);
      return false;
    }
    frameMean /= n;
    photoMean /= n;
    const f = this.#fit.value;
    f.fill(0, normal, normal + 42);
    const source = this.#source;
    const cx = f[field + 6]!;
    const cy = f[field + 7]!;
    const isx = f[field + 8]!;
    const isy = f[field + 9]!;
    const exponent = this.#strength * encodingGamma;
    for (let i = 0; i < meshPointCount; i++) {
      const t = ratio[i]!;
      if (Number.isNaN(t)) continue;
      const logRatio = Math.min(maxLogRatio, Math.max(-maxLogRatio, t - frameMean - (photo[i]! - photoMean)));
      const y = Math.exp(exponent * logRatio);
      const u = (source[i * 2]! - cx) * isx;
      const v = (source[i * 2 + 1]! - cy) * isy;
      accumulate(f, u, v, y);
    }
    ratio.fill(0);
    for (let k = 1; k < terms; k++) f[normal + k * 7 + k] = f[normal + k * 7 + k]! + ridge * n;
    const solved = solve(f);
    if (solved) {
      const first = f[startedAt] !== 1;
      for (let k = 0; k < terms; k++) {
        const current = f[field + k]!;
        const step = first
          ? f[fitted + k]! - current
          : Math.min(maxCoefficientStep, Math.max(-maxCoefficientStep, (f[fitted + k]! - current) * smoothing));
        f[field + k] = current + step;
      }
      f[startedAt] = 1;
    }
    f.fill(0, normal, fitted + terms);
    if (!solved) return false;
    let change = 0;
    for (let k = 0; k < terms; k++) change += Math.abs(f[field + k]! - f[applied + k]!);
    if (change < repackThreshold) return false;
    f.copyWithin(applied, field, field + terms);
    return true;
  }
}

/** Add one sample (u, v) → y to the augmented normal equations at the start of `f`. */
function accumulate(f: Float64Array, u: number, v: number, y: number): void {
  const p0 = 1;
  const p1 = u;
  const p2 = v;
  const p3 = u * u;
  const p4 = u * v;
  const p5 = v * v;
  for (let r = 0; r < terms; r++) {
    const pr = r === 0 ? p0 : r === 1 ? p1 : r === 2 ? p2 : r === 3 ? p3 : r === 4 ? p4 : p5;
    const row = normal + r * 7;
    f[row] = f[row]! + pr * p0;
    f[row + 1] = f[row + 1]! + pr * p1;
    f[row + 2] = f[row + 2]! + pr * p2;
    f[row + 3] = f[row + 3]! + pr * p3;
    f[row + 4] = f[row + 4]! + pr * p4;
    f[row + 5] = f[row + 5]! + pr * p5;
    f[row + 6] = f[row + 6]! + pr * y;
  }
}

/** Gaussian elimination with partial pivoting of the 6 × 7 system at `normal`, into `fitted`. */
function solve(f: Float64Array): boolean {
  for (let col = 0; col < terms; col++) {
    let pivot = col;
    for (let r = col + 1; r < terms; r++) {
      if (Math.abs(f[normal + r * 7 + col]!) > Math.abs(f[normal + pivot * 7 + col]!)) pivot = r;
    }
    const p = f[normal + pivot * 7 + col]!;
    if (!(Math.abs(p) > 1e-12)) return false;
    if (pivot !== col) {
      for (let k = 0; k < 7; k++) {
        const a = f[normal + col * 7 + k]!;
        f[normal + col * 7 + k] = f[normal + pivot * 7 + k]!;
        f[normal + pivot * 7 + k] = a;
      }
    }
    for (let r = col + 1; r < terms; r++) {
      const factor = f[normal + r * 7 + col]! / p;
      for (let k = col; k < 7; k++) f[normal + r * 7 + k] = f[normal + r * 7 + k]! - factor * f[normal + col * 7 + k]!;
    }
  }
  for (let r = terms - 1; r >= 0; r--) {
    let sum = f[normal + r * 7 + 6]!;
    for (let k = r + 1; k < terms; k++) sum -= f[normal + r * 7 + k]! * f[fitted + k]!;
    f[fitted + r] = sum / f[normal + r * 7 + r]!;
  }
  for (let k = 0; k < terms; k++) if (!Number.isFinite(f[fitted + k]!)) return false;
  return true;
}

/** Identity tables, for a gain without a colour drift. */
let identity: Uint8Array | undefined;

/**
 * Re-pack the matched crop (`base`, one word per pixel, `r | g << 8 | b << 16`) into `out` for
 * the warp: each channel through `lut` (`[r ×256, g ×256, b ×256]`, see `ColourOverTime`), then
 * times the gain field of a {@link ShadingTransfer} when given. Allocates nothing per call.
 *
 * @internal
 */
export function relightCrop(
  base: Int32Array,
  out: Int32Array,
  width: number,
  height: number,
  lut: Uint8Array | undefined,
  gainField: Float64Array | undefined,
): void {
  if (gainField) {
    if (!identity) {
      identity = new Uint8Array(768);
      for (let i = 0; i < 768; i++) identity[i] = i & 255;
    }
    relightWithGain(base, out, width, height, lut ?? identity, gainField);
  } else if (lut) {
    relightWithLut(base, out, lut);
  } else {
    out.set(base);
  }
}

function relightWithLut(base: Int32Array, out: Int32Array, lut: Uint8Array): void {
  const opaque = 255 << 24;
  for (let i = 0; i < base.length; i++) {
    const w = base[i]!;
    out[i] = lut[w & 255]! | (lut[256 + ((w >> 8) & 255)]! << 8) | (lut[512 + ((w >> 16) & 255)]! << 16) | opaque;
  }
}

function relightWithGain(
  base: Int32Array,
  out: Int32Array,
  width: number,
  height: number,
  lut: Uint8Array,
  gainField: Float64Array,
): void {
  const opaque = 255 << 24;
  const isx = gainField[8]!;
  const kMin = minGain * 256;
  const kMax = maxGain * 256;
  for (let y = 0; y < height; y++) {
    const v = (y - gainField[7]!) * gainField[9]!;
    // Along the row the gain (×256) is a quadratic in x: forward differences.
    const a = (gainField[0]! + gainField[2]! * v + gainField[5]! * v * v) * 256;
    const b = (gainField[1]! + gainField[4]! * v) * 256;
    const c = gainField[3]! * 256;
    const u0 = -gainField[6]! * isx;
    let gain = a + b * u0 + c * u0 * u0 + 0.5;
    let dGain = b * isx + c * (2 * u0 * isx + isx * isx);
    const ddGain = 2 * c * isx * isx;
    const end = (y + 1) * width;
    for (let i = y * width; i < end; i++) {
      const w = base[i]!;
      const k = (gain < kMin ? kMin : gain > kMax ? kMax : gain) | 0;
      gain += dGain;
      dGain += ddGain;
      const r = (lut[w & 255]! * k) >> 8;
      const g = (lut[256 + ((w >> 8) & 255)]! * k) >> 8;
      const bl = (lut[512 + ((w >> 16) & 255)]! * k) >> 8;
      out[i] = (r > 255 ? 255 : r) | ((g > 255 ? 255 : g) << 8) | ((bl > 255 ? 255 : bl) << 16) | opaque;
    }
  }
}
