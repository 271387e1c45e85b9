/**
 * A 2-D affine transform as a row-major 2×3 matrix in a `Float64Array(6)`:
 *
 * ```
 * x' = m[0]·x + m[1]·y + m[2]
 * y' = m[3]·x + m[4]·y + m[5]
 * ```
 *
 * A typed array rather than a tuple, because a transform fitted to a face is derived from personal
 * data and must be wipeable in place.
 *
 * @public
 */
export type Affine2D = Float64Array;

/** A new affine transform from its six coefficients. @public */
export function affine(m00: number, m01: number, m02: number, m10: number, m11: number, m12: number): Affine2D {
  return Float64Array.of(m00, m01, m02, m10, m11, m12);
}

/** The identity transform. @public */
export function identityAffine(): Affine2D {
  return affine(1, 0, 0, 0, 1, 0);
}

/**
 * A similarity transform: rotate by `angle` (radians, counter-clockwise in a y-up frame, which is
 * clockwise on screen), scale uniformly by `scale`, then translate by (tx, ty).
 *
 * @public
 */
export function similarityAffine(scale: number, angle: number, tx: number, ty: number): Affine2D {
  const c = scale * Math.cos(angle);
  const s = scale * Math.sin(angle);
  return affine(c, -s, tx, s, c, ty);
}

/** `outer ∘ inner`: the transform that applies `inner` first, then `outer`. @public */
export function composeAffine(outer: Affine2D, inner: Affine2D): Affine2D {
  const [a0, a1, a2, a3, a4, a5] = outer as unknown as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4, b5] = inner as unknown as [number, number, number, number, number, number];
  return affine(
    a0 * b0 + a1 * b3,
    a0 * b1 + a1 * b4,
    a0 * b2 + a1 * b5 + a2,
    a3 * b0 + a4 * b3,
    a3 * b1 + a4 * b4,
    a3 * b2 + a4 * b5 + a5,
  );
}

/**
 * The inverse transform. Returns `undefined` for a singular matrix (determinant ~0), which a
 * caller must treat as a degenerate fit rather than divide by zero.
 *
 * @public
 */
export function invertAffine(m: Affine2D): Affine2D | undefined {
  const [a, b, c, d, e, f] = m as unknown as [number, number, number, number, number, number];
  const det = a * e - b * d;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return undefined;
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return affine(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f));
}

/**
 * Apply `m` to interleaved points `[x0, y0, x1, y1, …]` (stride 2) or to x, y of points with a
 * larger `stride` (3 for x, y, z meshes). Writes into `out` (default: a new Float32Array of the
 * same layout with z copied through).
 *
 * @public
 */
export function transformPoints<T extends Float32Array | Float64Array>(
  m: Affine2D,
  points: T,
  stride = 2,
  out?: T,
): T {
  const target = out ?? (points.slice() as T);
  const [m0, m1, m2, m3, m4, m5] = m as unknown as [number, number, number, number, number, number];
  for (let i = 0; i + 1 < points.length; i += stride) {
    const x = points[i]!;
    const y = points[i + 1]!;
    target[i] = m0 * x + m1 * y + m2;
    target[i + 1] = m3 * x + m4 * y + m5;
  }
  return target;
}

/** Uniform scale factor of an affine map (square root of the absolute determinant). @public */
export function affineScale(m: Affine2D): number {
  return Math.sqrt(Math.abs(m[0]! * m[4]! - m[1]! * m[3]!));
}

/**
 * Rotation angle of the linear part of an affine map, in radians, measured like
 * {@link similarityAffine}'s `angle` (from the x axis towards the y axis). Exact for a similarity;
 * for a general affine map it is the angle of the image of the x axis.
 *
 * @public
 */
export function affineRotation(m: Affine2D): number {
  return Math.atan2(m[3]!, m[0]!);
}
