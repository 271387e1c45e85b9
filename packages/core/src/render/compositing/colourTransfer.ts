import { InvalidArgumentError } from '../../errors/invalidArgumentError';

/**
 * Colour statistics of a region in CIE L\*a\*b\* (D65): `[meanL, meanA, meanB, sdL, sdA, sdB]`.
 * A typed array, because statistics of a face are derived from personal data and must be
 * wipeable in place.
 *
 * @public
 */
export type LabStats = Float64Array;

/**
 * Running weighted sums for {@link LabStats}: `[Σw, ΣwL, Σwa, Σwb, ΣwL², Σwa², Σwb²]`.
 *
 * @internal
 */
export type LabAccumulator = Float64Array;

// sRGB (D65) → XYZ, rows pre-divided by the reference white so that Xn = Yn = Zn = 1.
const xr = 0.4124564 / 0.95047;
const xg = 0.3575761 / 0.95047;
const xb = 0.1804375 / 0.95047;
const yr = 0.2126729;
const yg = 0.7151522;
const yb = 0.072175;
const zr = 0.0193339 / 1.08883;
const zg = 0.119192 / 1.08883;
const zb = 0.9503041 / 1.08883;
// XYZ → linear sRGB, columns pre-multiplied by the reference white.
const rx = 3.2404542 * 0.95047;
const ry = -1.5371385;
const rz = -0.4985314 * 1.08883;
const gx = -0.969266 * 0.95047;
const gy = 1.8760108;
const gz = 0.041556 * 1.08883;
const bx = 0.0556434 * 0.95047;
const by = -0.2040259;
const bz = 1.0572252 * 1.08883;

const epsilon = 216 / 24389; // (6/29)^3
const kappaOver116 = 24389 / 27 / 116; // linear segment of f(t)
const delta = 6 / 29;

/** Steps of the linear → sRGB byte table; fine enough that its rounding stays under 0.2 LSB. */
const encodeSteps = 1 << 14;

let decodeTable: Float64Array | undefined;
let encodeTable: Uint8Array | undefined;

/**
 * sRGB byte → linear light (0…1), 256 entries. Built on first use: module import has no side
 * effects. Shared, read-only: callers must not write to it.
 *
 * @internal
 */
export function decodeLut(): Float64Array {
  if (!decodeTable) {
    decodeTable = new Float64Array(256);
    for (let i = 0; i < 256; i++) {
      const c = i / 255;
      decodeTable[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }
  }
  return decodeTable;
}

/** Linear light in `encodeSteps` steps → sRGB byte, so the inverse transfer needs no `pow`. */
function encodeLut(): Uint8Array {
  if (!encodeTable) {
    encodeTable = new Uint8Array(encodeSteps + 1);
    for (let i = 0; i <= encodeSteps; i++) {
      const l = i / encodeSteps;
      const c = l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055;
      encodeTable[i] = Math.round(Math.min(1, Math.max(0, c)) * 255);
    }
  }
  return encodeTable;
}

const labF = (t: number): number => (t > epsilon ? Math.cbrt(t) : t * kappaOver116 + 16 / 116);
const labFInverse = (f: number): number => (f > delta ? f * f * f : (f - 16 / 116) / kappaOver116);

/** A fresh, empty accumulator. @internal */
function labAccumulator(): LabAccumulator {
  return new Float64Array(7);
}

/**
 * Add one sRGB pixel with `weight` to `acc`. Works in locals only, so no scratch array keeps
 * the last pixel's colour.
 *
 * @internal
 */
export function addLabSample(
  acc: LabAccumulator,
  r: number,
  g: number,
  b: number,
  weight: number,
): void {
  const lut = decodeLut();
  const lr = lut[r]!;
  const lg = lut[g]!;
  const lb = lut[b]!;
  const fx = labF(xr * lr + xg * lg + xb * lb);
  const fy = labF(yr * lr + yg * lg + yb * lb);
  const fz = labF(zr * lr + zg * lg + zb * lb);
  const l = 116 * fy - 16;
  const a = 500 * (fx - fy);
  const bb = 200 * (fy - fz);
  acc[0] = acc[0]! + weight;
  acc[1] = acc[1]! + weight * l;
  acc[2] = acc[2]! + weight * a;
  acc[3] = acc[3]! + weight * bb;
  acc[4] = acc[4]! + weight * l * l;
  acc[5] = acc[5]! + weight * a * a;
  acc[6] = acc[6]! + weight * bb * bb;
}

/**
 * Turn weighted sums into {@link LabStats}. Returns false (and leaves `out` alone) when the
 * total weight is zero: no pixel was covered, so there is nothing to match.
 *
 * @internal
 */
export function labStatsFromAccumulator(acc: LabAccumulator, out: LabStats): boolean {
  const w = acc[0]!;
  if (!(w > 0)) return false;
  for (let c = 0; c < 3; c++) {
    const mean = acc[1 + c]! / w;
    out[c] = mean;
    out[3 + c] = Math.sqrt(Math.max(0, acc[4 + c]! / w - mean * mean));
  }
  return true;
}

/**
 * The L\*a\*b\* mean and standard deviation of RGBA pixels, each weighted by `weights` (one byte
 * per pixel, e.g. a face mask; pixels of weight 0 are ignored) or equally when omitted.
 *
 * @param rgba - `n * 4` bytes; alpha is ignored.
 * @param out - where to write (default: a new `Float64Array(6)`).
 * @throws {@link InvalidArgumentError} when sizes disagree or every weight is zero.
 * @public
 */
export function measureLabStats(
  rgba: Uint8Array,
  weights?: Uint8Array,
  out: LabStats = new Float64Array(6),
): LabStats {
  const n = rgba.length >> 2;
  if (rgba.length % 4 !== 0 || (weights !== undefined && weights.length !== n) || out.length < 6) {
    throw new InvalidArgumentError(
      'measureLabStats needs RGBA bytes (a multiple of 4), one weight per pixel, and room for 6 ' +
        'statistics.',
    );
  }
  const acc = labAccumulator();
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 255;
    if (w === 0) continue;
    addLabSample(acc, rgba[4 * i]!, rgba[4 * i + 1]!, rgba[4 * i + 2]!, w);
  }
  const ok = labStatsFromAccumulator(acc, out);
  acc.fill(0);
  if (!ok) {
    throw new InvalidArgumentError('measureLabStats was given no pixels of non-zero weight.');
  }
  return out;
}

/**
 * Reinhard colour transfer in L\*a\*b\*: per channel,
 * `c' = μs + s·(μt − μs) + (c − μs)·k` with `k = 1 + s·(σt/σs − 1)`, so the result's mean and
 * standard deviation move from the source's toward the target's by exactly the strength `s`
 * (before clipping to the sRGB gamut). At `s = 0` the pixels are copied unchanged; at `s = 1`
 * they take on the target's statistics.
 *
 * Runs once per match (the compositor applies it to the face crop, not per frame), so it
 * converts each pixel exactly rather than through a 3-D table; only sRGB decoding and encoding
 * go through tables. Alpha is copied.
 *
 * @param rgba - source pixels, `n * 4` bytes.
 * @param out - destination, same length; may be `rgba` itself.
 * @param source - statistics of `rgba` (e.g. from {@link measureLabStats}).
 * @param target - statistics to move toward.
 * @param strength - 0…1.
 * @param only - optional per-pixel bytes; pixels where it is 0 are copied unconverted.
 * @public
 */
export function applyColourTransfer(
  rgba: Uint8Array,
  out: Uint8Array,
  source: LabStats,
  target: LabStats,
  strength: number,
  only?: Uint8Array,
): void {
  const n = rgba.length >> 2;
  if (
    rgba.length % 4 !== 0 ||
    out.length !== rgba.length ||
    (only !== undefined && only.length !== n) ||
    source.length < 6 ||
    target.length < 6
  ) {
    throw new InvalidArgumentError(
      'applyColourTransfer needs RGBA input and output of equal length, one mask byte per pixel, ' +
        'and 6 statistics for source and target.',
    );
  }
  if (!(strength >= 0 && strength <= 1)) {
    throw new InvalidArgumentError('The colour-match strength must be a number from 0 to 1.');
  }
  if (out !== rgba) out.set(rgba);
  if (strength === 0) return;

  // Per channel c' = c·k + o, folded from the formula above.
  const scaleOf = (c: number): number => {
    const sdSource = source[3 + c]!;
    const sdTarget = target[3 + c]!;
    return sdSource > 1e-6 ? 1 + strength * (sdTarget / sdSource - 1) : 1;
  };
  const kL = scaleOf(0);
  const kA = scaleOf(1);
  const kB = scaleOf(2);
  const offsetOf = (c: number, k: number): number =>
    source[c]! + strength * (target[c]! - source[c]!) - source[c]! * k;
  const oL = offsetOf(0, kL);
  const oA = offsetOf(1, kA);
  const oB = offsetOf(2, kB);

  const decode = decodeLut();
  const encode = encodeLut();
  for (let i = 0; i < n; i++) {
    if (only && only[i] === 0) continue;
    const p = 4 * i;
    const lr = decode[rgba[p]!]!;
    const lg = decode[rgba[p + 1]!]!;
    const lb = decode[rgba[p + 2]!]!;
    const fx = labF(xr * lr + xg * lg + xb * lb);
    const fy = labF(yr * lr + yg * lg + yb * lb);
    const fz = labF(zr * lr + zg * lg + zb * lb);
    const l = (116 * fy - 16) * kL + oL;
    const a = 500 * (fx - fy) * kA + oA;
    const b = 200 * (fy - fz) * kB + oB;
    const gy2 = (l + 16) / 116;
    const x = labFInverse(gy2 + a / 500);
    const y = labFInverse(gy2);
    const z = labFInverse(gy2 - b / 200);
    out[p] = encode[toStep(rx * x + ry * y + rz * z)]!;
    out[p + 1] = encode[toStep(gx * x + gy * y + gz * z)]!;
    out[p + 2] = encode[toStep(bx * x + by * y + bz * z)]!;
  }
}

/**
 * Linear light (0…1, clipped) → sRGB byte, through the same table as the transfer.
 *
 * @internal
 */
export function encodeLinear(linear: number): number {
  return encodeLut()[toStep(linear)]!;
}

/**
 * L\*a\*b\* (D65) → linear sRGB, unclipped, into `out[at…at+2]`.
 *
 * @internal
 */
export function labToLinearRgb(l: number, a: number, b: number, out: Float64Array, at = 0): void {
  const fy = (l + 16) / 116;
  const x = labFInverse(fy + a / 500);
  const y = labFInverse(fy);
  const z = labFInverse(fy - b / 200);
  out[at] = rx * x + ry * y + rz * z;
  out[at + 1] = gx * x + gy * y + gz * z;
  out[at + 2] = bx * x + by * y + bz * z;
}

/** Linear light → index into the encode table, clipped to the gamut. */
function toStep(linear: number): number {
  if (!(linear > 0)) return 0;
  if (linear >= 1) return encodeSteps;
  return Math.round(linear * encodeSteps);
}
