import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { Affine2D } from './affine2d';
import { affine, invertAffine } from './affine2d';
import type { FitOptions, PointArray, PointFit } from './pointFit';
import { pairMoments, weightedRmsResidual } from './pointFit';

/**
 * The weighted least-squares full affine map (6 degrees of freedom: rotation, two scales, shear,
 * translation) from `source` points onto `target` points.
 *
 * Faces are aligned with {@link fitSimilarity}, which cannot distort a face; the affine fit is
 * the baseline it is compared with, and the right tool where a shear is real (a template whose
 * face plane is seen at an angle). With centred points the normal equations reduce to one 2×2
 * system per output coordinate, solved in closed form.
 *
 * @throws {@link InvalidArgumentError} for fewer than 3 points, mismatched lengths, NaN or
 * infinite coordinates, bad weights, source points that all coincide or lie on one line (an
 * affine map is then not determined), or a fit with no inverse (target points on one line).
 * @public
 */
export function fitAffine(source: PointArray, target: PointArray, options: FitOptions = {}): PointFit {
  const m = pairMoments(source, target, options, 3, 'fitAffine');
  const det = m.sxx * m.syy - m.sxy * m.sxy;
  const trace = m.sxx + m.syy;
  if (!(det > 1e-12 * trace * trace)) {
    throw new InvalidArgumentError(
      'fitAffine: the source points lie on one line; an affine map needs at least 3 points ' +
        'that are not collinear.',
    );
  }
  // [a b] = C⁻¹·[Σw·px·qx, Σw·py·qx] and likewise for the y row.
  const i00 = m.syy / det;
  const i01 = -m.sxy / det;
  const i11 = m.sxx / det;
  const a = i00 * m.xx + i01 * m.yx;
  const b = i01 * m.xx + i11 * m.yx;
  const d = i00 * m.xy + i01 * m.yy;
  const e = i01 * m.xy + i11 * m.yy;
  const tx = m.mtx - (a * m.msx + b * m.msy);
  const ty = m.mty - (d * m.msx + e * m.msy);
  const transform: Affine2D = affine(a, b, tx, d, e, ty);
  const inverse = invertAffine(transform);
  const scale2 = Math.abs(a * e - b * d);
  if (inverse === undefined || !(scale2 > 1e-12 * (a * a + b * b + d * d + e * e))) {
    throw new InvalidArgumentError(
      'fitAffine: the fitted map is singular (the target points lie on one line or coincide); ' +
        'it has no inverse.',
    );
  }
  return {
    transform,
    inverse,
    rmsResidual: weightedRmsResidual(transform, source, target, options, m.weightSum),
    pointCount: m.n,
  };
}
