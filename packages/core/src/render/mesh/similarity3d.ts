/**
 * A 3-D similarity `p ↦ s·R·p + t`, stored as 12 numbers: the 3×3 matrix `s·R` row by row, then
 * `t`. Used to take a face mesh's pose out of (and put one back into) its points.
 *
 * @internal
 */
export type Similarity3D = Float64Array;

/** Apply `m` to point `i` of `points` (x, y, z per point), writing into `out` at point `j`. */
export function applySimilarity3D(m: Similarity3D, points: Float32Array, i: number, out: Float32Array, j: number): void {
  const x = points[i * 3]!;
  const y = points[i * 3 + 1]!;
  const z = points[i * 3 + 2]!;
  out[j * 3] = m[0]! * x + m[1]! * y + m[2]! * z + m[9]!;
  out[j * 3 + 1] = m[3]! * x + m[4]! * y + m[5]! * z + m[10]!;
  out[j * 3 + 2] = m[6]! * x + m[7]! * y + m[8]! * z + m[11]!;
}

/**
 * Write into `out` the inverse of `m` (a similarity, so its inverse is `Rᵀ/s` and `−Rᵀt/s`).
 * Returns false for a degenerate one.
 */
export function invertSimilarity3D(m: Similarity3D, out: Similarity3D): boolean {
  const s2 = m[0]! * m[0]! + m[3]! * m[3]! + m[6]! * m[6]!;
  if (!(s2 > 1e-20)) return false;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] = m[c * 3 + r]! / s2;
  for (let r = 0; r < 3; r++) out[9 + r] = -(out[r * 3]! * m[9]! + out[r * 3 + 1]! * m[10]! + out[r * 3 + 2]! * m[11]!);
  return true;
}

/**
 * Fit the weighted least-squares similarity (scale, rotation, translation) that maps `source`
 * onto `target` (x, y, z per point, the first `count` points), by Horn's closed form: the
 * rotation is the unit quaternion that maximises the weighted correlation, the eigenvector of a
 * symmetric 4×4 matrix, found by Jacobi sweeps. Writes into `out`; allocates only a few small
 * arrays per call (called once per frame). Returns false when the points span no area.
 *
 * @internal
 */
export function fitSimilarity3D(
  source: Float32Array,
  target: Float32Array,
  weights: Float32Array,
  count: number,
  out: Similarity3D,
): boolean {
  let w = 0;
  const cs = [0, 0, 0];
  const ct = [0, 0, 0];
  for (let i = 0; i < count; i++) {
    const wi = weights[i]!;
    if (wi === 0) continue;
    w += wi;
    for (let k = 0; k < 3; k++) {
      cs[k]! += wi * source[i * 3 + k]!;
      ct[k]! += wi * target[i * 3 + k]!;
    }
  }
  if (!(w > 0)) return false;
  for (let k = 0; k < 3; k++) {
    cs[k]! /= w;
    ct[k]! /= w;
  }
  // Cross-covariance M[a][b] = Σ w (s_a − cs_a)(t_b − ct_b), and the source's spread.
  const m = new Float64Array(9);
  let spread = 0;
  for (let i = 0; i < count; i++) {
    const wi = weights[i]!;
    if (wi === 0) continue;
    const sx = source[i * 3]! - cs[0]!;
    const sy = source[i * 3 + 1]! - cs[1]!;
    const sz = source[i * 3 + 2]! - cs[2]!;
    const tx = target[i * 3]! - ct[0]!;
    const ty = target[i * 3 + 1]! - ct[1]!;
    const tz = target[i * 3 + 2]! - ct[2]!;
    m[0]! += wi * sx * tx;
    m[1]! += wi * sx * ty;
    m[2]! += wi * sx * tz;
    m[3]! += wi * sy * tx;
    m[4]! += wi * sy * ty;
    m[5]! += wi * sy * tz;
    m[6]! += wi * sz * tx;
    m[7]! += wi * sz * ty;
    m[8]! += wi * sz * tz;
    spread += wi * (sx * sx + sy * sy + sz * sz);
  }
  if (!(spread > 1e-12)) return false;
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = m as unknown as number[];
  const n = Float64Array.of(
    sxx! + syy! + szz!, syz! - szy!, szx! - sxz!, sxy! - syx!,
    syz! - szy!, sxx! - syy! - szz!, sxy! + syx!, szx! + sxz!,
    szx! - sxz!, sxy! + syx!, -sxx! + syy! - szz!, syz! + szy!,
    sxy! - syx!, szx! + sxz!, syz! + szy!, -sxx! - syy! + szz!,
  );
  const q = largestEigenvector4(n);
  const [q0, q1, q2, q3] = [q[0]!, q[1]!, q[2]!, q[3]!];
  const r = [
    q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3, 2 * (q1 * q2 - q0 * q3), 2 * (q1 * q3 + q0 * q2),
    2 * (q2 * q1 + q0 * q3), q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3, 2 * (q2 * q3 - q0 * q1),
    2 * (q3 * q1 - q0 * q2), 2 * (q3 * q2 + q0 * q1), q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3,
  ];
  // Scale: Σ w t·(R s) / Σ w |s|².
  let dot = 0;
  for (let i = 0; i < count; i++) {
    const wi = weights[i]!;
    if (wi === 0) continue;
    const sx = source[i * 3]! - cs[0]!;
    const sy = source[i * 3 + 1]! - cs[1]!;
    const sz = source[i * 3 + 2]! - cs[2]!;
    for (let k = 0; k < 3; k++) {
      const rs = r[k * 3]! * sx + r[k * 3 + 1]! * sy + r[k * 3 + 2]! * sz;
      dot += wi * rs * (target[i * 3 + k]! - ct[k]!);
    }
  }
  const s = dot / spread;
  for (let k = 0; k < 9; k++) out[k] = s * r[k]!;
  for (let k = 0; k < 3; k++) {
    out[9 + k] = ct[k]! - (out[k * 3]! * cs[0]! + out[k * 3 + 1]! * cs[1]! + out[k * 3 + 2]! * cs[2]!);
  }
  // The intermediate moments describe the face as much as the result does.
  m.fill(0);
  n.fill(0);
  q.fill(0);
  return Number.isFinite(s) && s > 0;
}

/** Eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (row-major), by Jacobi. */
function largestEigenvector4(a: Float64Array): Float64Array {
  const v = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
  try {
    return largestEigenvectorOf(a, v);
  } finally {
    v.fill(0);
  }
}

function largestEigenvectorOf(a: Float64Array, v: Float64Array): Float64Array {
  for (let sweep = 0; sweep < 30; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += a[p * 4 + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < 4; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = a[p * 4 + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * 4 + q]! - a[p * 4 + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = a[k * 4 + p]!;
          const akq = a[k * 4 + q]!;
          a[k * 4 + p] = c * akp - s * akq;
          a[k * 4 + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[p * 4 + k]!;
          const aqk = a[q * 4 + k]!;
          a[p * 4 + k] = c * apk - s * aqk;
          a[q * 4 + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[k * 4 + p]!;
          const vkq = v[k * 4 + q]!;
          v[k * 4 + p] = c * vkp - s * vkq;
          v[k * 4 + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let k = 1; k < 4; k++) if (a[k * 5]! > a[best * 5]!) best = k;
  // A buffer of its own, as for every small typed array that holds a face-derived value (P3).
  const out = new Float64Array(new ArrayBuffer(32));
  let norm = 0;
  for (let k = 0; k < 4; k++) {
    out[k] = v[k * 4 + best]!;
    norm += out[k]! ** 2;
  }
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < 4; k++) out[k]! /= norm;
  return out;
}
