import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { Affine2D } from './affine2d';

/**
 * Interleaved 2-D points `[x0, y0, x1, y1, …]`, or 3-D mesh points `[x0, y0, z0, …]` read with a
 * stride of 3 (z is ignored by the 2-D fits).
 *
 * @public
 */
export type PointArray = Float32Array | Float64Array;

/**
 * How a fit reads its inputs.
 *
 * @public
 */
export interface FitOptions {
  /**
   * One non-negative weight per point (default: all 1). The fit minimises
   * `Σ wᵢ·|T(pᵢ) − qᵢ|²`; a point with weight 0 does not count.
   */
  readonly weights?: ArrayLike<number>;
  /** Numbers per source point: 2 (x, y) or 3 (x, y, z of a mesh). Default 2. */
  readonly sourceStride?: 2 | 3;
  /** Numbers per target point: 2 or 3. Default 2. */
  readonly targetStride?: 2 | 3;
}

/**
 * A transform fitted to point correspondences.
 *
 * @public
 */
export interface PointFit {
  /** Maps source points onto target points. */
  readonly transform: Affine2D;
  /** Maps target points back onto source points. */
  readonly inverse: Affine2D;
  /**
   * Weighted root-mean-square distance between the mapped source points and their targets,
   * `sqrt(Σ wᵢ·|T(pᵢ) − qᵢ|² / Σ wᵢ)`, in target units.
   */
  readonly rmsResidual: number;
  /** Number of correspondences (weight-0 points included). */
  readonly pointCount: number;
}

/**
 * Weighted means and centred second moments of a point pair set: everything both estimators need,
 * gathered in two passes (means first, then centred sums) because one-pass sums lose precision
 * when coordinates are large (photo pixels) and their spread is small (a distant face).
 *
 * @internal
 */
export interface PairMoments {
  readonly n: number;
  readonly weightSum: number;
  readonly msx: number;
  readonly msy: number;
  readonly mtx: number;
  readonly mty: number;
  /** Σw·sx², Σw·sx·sy, Σw·sy² of centred source points. */
  readonly sxx: number;
  readonly sxy: number;
  readonly syy: number;
  /** Σw·sx·tx, Σw·sx·ty, Σw·sy·tx, Σw·sy·ty of centred source and target points. */
  readonly xx: number;
  readonly xy: number;
  readonly yx: number;
  readonly yy: number;
  /** Σw·|t|² of centred target points. */
  readonly tt: number;
}

function strideOf(value: unknown, name: string): 2 | 3 {
  if (value === undefined) return 2;
  if (value === 2 || value === 3) return value;
  throw new InvalidArgumentError(`${name} must be 2 or 3.`);
}

/**
 * Validate a correspondence set and gather its moments. Throws {@link InvalidArgumentError} for
 * mismatched lengths, too few points, bad weights, non-finite coordinates, or source points that
 * all coincide (no direction to fit).
 *
 * @internal
 */
export function pairMoments(
  source: PointArray,
  target: PointArray,
  options: FitOptions,
  minPoints: number,
  estimator: string,
): PairMoments {
  const ss = strideOf(options.sourceStride, 'sourceStride');
  const ts = strideOf(options.targetStride, 'targetStride');
  if (!(source instanceof Float32Array || source instanceof Float64Array)) {
    throw new InvalidArgumentError(`${estimator}: source points must be a Float32Array or Float64Array.`);
  }
  if (!(target instanceof Float32Array || target instanceof Float64Array)) {
    throw new InvalidArgumentError(`${estimator}: target points must be a Float32Array or Float64Array.`);
  }
  if (source.length % ss !== 0 || target.length % ts !== 0) {
    throw new InvalidArgumentError(
      `${estimator}: point arrays must hold whole points (${ss} numbers per source point, ` +
        `${ts} per target point).`,
    );
  }
  const n = source.length / ss;
  if (target.length / ts !== n) {
    throw new InvalidArgumentError(
      `${estimator}: source has ${n} points but target has ${target.length / ts}; pass one target per source point.`,
    );
  }
  if (n < minPoints) {
    throw new InvalidArgumentError(`${estimator} needs at least ${minPoints} points; got ${n}.`);
  }
  const weights = options.weights;
  if (weights !== undefined && weights.length !== n) {
    throw new InvalidArgumentError(`${estimator}: pass one weight per point (${n}); got ${weights.length}.`);
  }

  let w = 0;
  let msx = 0;
  let msy = 0;
  let mtx = 0;
  let mty = 0;
  for (let i = 0, si = 0, ti = 0; i < n; i++, si += ss, ti += ts) {
    const wi = weights === undefined ? 1 : weights[i]!;
    if (!(wi >= 0) || wi === Infinity) {
      throw new InvalidArgumentError(`${estimator}: weights must be finite and non-negative.`);
    }
    w += wi;
    msx += wi * source[si]!;
    msy += wi * source[si + 1]!;
    mtx += wi * target[ti]!;
    mty += wi * target[ti + 1]!;
  }
  if (!(w > 0)) throw new InvalidArgumentError(`${estimator}: at least one weight must be positive.`);
  msx /= w;
  msy /= w;
  mtx /= w;
  mty /= w;
  // A NaN or infinite coordinate poisons the means; checking them catches it without a test per
  // element in the hot loop.
  if (!Number.isFinite(msx + msy + mtx + mty)) {
    throw new InvalidArgumentError(`${estimator}: points must be finite numbers (found NaN or Infinity).`);
  }

  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let xx = 0;
  let xy = 0;
  let yx = 0;
  let yy = 0;
  let tt = 0;
  for (let i = 0, si = 0, ti = 0; i < n; i++, si += ss, ti += ts) {
    const wi = weights === undefined ? 1 : weights[i]!;
    const px = source[si]! - msx;
    const py = source[si + 1]! - msy;
    const qx = target[ti]! - mtx;
    const qy = target[ti + 1]! - mty;
    const wpx = wi * px;
    const wpy = wi * py;
    sxx += wpx * px;
    sxy += wpx * py;
    syy += wpy * py;
    xx += wpx * qx;
    xy += wpx * qy;
    yx += wpy * qx;
    yy += wpy * qy;
    tt += wi * (qx * qx + qy * qy);
  }
  // Spread relative to where the points sit: identical points far from the origin still leave
  // rounding noise in the centred sums, which must not pass for a real spread.
  const magnitude = 1 + msx * msx + msy * msy;
  if (!((sxx + syy) / w > 1e-20 * magnitude)) {
    throw new InvalidArgumentError(
      `${estimator}: the source points all coincide (or their weighted spread is zero); ` +
        'a transform needs points that span a direction.',
    );
  }
  return { n, weightSum: w, msx, msy, mtx, mty, sxx, sxy, syy, xx, xy, yx, yy, tt };
}

/**
 * Weighted RMS distance between `m` applied to the source points and the target points.
 *
 * @internal
 */
export function weightedRmsResidual(
  m: Affine2D,
  source: PointArray,
  target: PointArray,
  options: FitOptions,
  weightSum: number,
): number {
  const ss = options.sourceStride ?? 2;
  const ts = options.targetStride ?? 2;
  const weights = options.weights;
  const n = source.length / ss;
  const m0 = m[0]!;
  const m1 = m[1]!;
  const m2 = m[2]!;
  const m3 = m[3]!;
  const m4 = m[4]!;
  const m5 = m[5]!;
  let sum = 0;
  for (let i = 0, si = 0, ti = 0; i < n; i++, si += ss, ti += ts) {
    const x = source[si]!;
    const y = source[si + 1]!;
    const dx = m0 * x + m1 * y + m2 - target[ti]!;
    const dy = m3 * x + m4 * y + m5 - target[ti + 1]!;
    sum += (weights === undefined ? 1 : weights[i]!) * (dx * dx + dy * dy);
  }
  return Math.sqrt(sum / weightSum);
}
