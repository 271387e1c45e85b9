/**
 * Alignment cost: one face's similarity fit for 5 and for 468 points, beside a textbook
 * SVD-based Umeyama (the shape of most ports of scikit-image's `SimilarityTransform` /
 * InsightFace's `umeyama`) and the full affine fit, all in one interleaved run; and head pose.
 *
 * Inputs are synthetic meshes shaped like a face (the canonical dense face, placed by a random
 * similarity, with pixel noise): the cost depends on the point count, not on the values.
 */
import { alignFace } from '../packages/core/src/align/alignFace';
import { fivePointsFromMesh } from '../packages/core/src/align/fivePoints';
import { estimateHeadPose } from '../packages/core/src/align/headPose';
import type { FaceLandmarks } from '../packages/core/src/detect/faceLandmarks';
import { similarityAffine, transformPoints } from '../packages/core/src/geometry/affine2d';
import { canonicalDenseFace } from '../packages/core/src/geometry/canonicalDenseFace';
import { canonicalFivePoints } from '../packages/core/src/geometry/canonicalFace';
import { fitAffine } from '../packages/core/src/geometry/fitAffine';
import { fitSimilarity } from '../packages/core/src/geometry/fitSimilarity';
import type { BenchSuite } from './harness';
import { compareInterleaved, ratio, table } from './harness';

/** Calls per timed sample: single fits take microseconds, below a timer's useful resolution. */
const batch = 2000;

interface Pt {
  x: number;
  y: number;
}

/**
 * The naive baseline: point objects, generic 2×2 SVD by Jacobi rotations, reflection handling by
 * the sign of det(U)·det(V), as in Umeyama's paper and the usual ports of it.
 */
function naiveUmeyama(src: readonly Pt[], dst: readonly Pt[]): { m: number[]; rms: number } {
  const n = src.length;
  const mean = (ps: readonly Pt[]) => ps.reduce((a, p) => ({ x: a.x + p.x / n, y: a.y + p.y / n }), { x: 0, y: 0 });
  const ms = mean(src);
  const md = mean(dst);
  const sc = src.map((p) => ({ x: p.x - ms.x, y: p.y - ms.y }));
  const dc = dst.map((p) => ({ x: p.x - md.x, y: p.y - md.y }));
  const cov = [
    [0, 0],
    [0, 0],
  ];
  let varS = 0;
  for (let i = 0; i < n; i++) {
    cov[0]![0]! += (dc[i]!.x * sc[i]!.x) / n;
    cov[0]![1]! += (dc[i]!.x * sc[i]!.y) / n;
    cov[1]![0]! += (dc[i]!.y * sc[i]!.x) / n;
    cov[1]![1]! += (dc[i]!.y * sc[i]!.y) / n;
    varS += (sc[i]!.x ** 2 + sc[i]!.y ** 2) / n;
  }
  const { u, s, v } = svd2(cov);
  const d = Math.sign(det(u) * det(v)) < 0 ? [1, -1] : [1, 1];
  const r = matMul(matMul(u, [[d[0]!, 0], [0, d[1]!]]), transpose(v));
  const c = (s[0]! * d[0]! + s[1]! * d[1]!) / varS;
  const tx = md.x - c * (r[0]![0]! * ms.x + r[0]![1]! * ms.y);
  const ty = md.y - c * (r[1]![0]! * ms.x + r[1]![1]! * ms.y);
  const m = [c * r[0]![0]!, c * r[0]![1]!, tx, c * r[1]![0]!, c * r[1]![1]!, ty];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = src[i]!;
    const q = dst[i]!;
    sum += (m[0]! * p.x + m[1]! * p.y + m[2]! - q.x) ** 2 + (m[3]! * p.x + m[4]! * p.y + m[5]! - q.y) ** 2;
  }
  return { m, rms: Math.sqrt(sum / n) };
}

type M2 = number[][];
const det = (a: M2) => a[0]![0]! * a[1]![1]! - a[0]![1]! * a[1]![0]!;
const transpose = (a: M2): M2 => [
  [a[0]![0]!, a[1]![0]!],
  [a[0]![1]!, a[1]![1]!],
];
const matMul = (a: M2, b: M2): M2 =>
  [0, 1].map((i) => [0, 1].map((j) => a[i]![0]! * b[0]![j]! + a[i]![1]! * b[1]![j]!));

/** One-sided Jacobi SVD of a 2×2 matrix: A = U·diag(s)·Vᵀ. */
function svd2(a: M2): { u: M2; s: number[]; v: M2 } {
  let w = a.map((row) => row.slice());
  let v: M2 = [
    [1, 0],
    [0, 1],
  ];
  for (let sweep = 0; sweep < 10; sweep++) {
    const alpha = w[0]![0]! ** 2 + w[1]![0]! ** 2;
    const beta = w[0]![1]! ** 2 + w[1]![1]! ** 2;
    const gamma = w[0]![0]! * w[0]![1]! + w[1]![0]! * w[1]![1]!;
    if (Math.abs(gamma) < 1e-15 * Math.sqrt(alpha * beta)) break;
    const zeta = (beta - alpha) / (2 * gamma);
    const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
    const c = 1 / Math.sqrt(1 + t * t);
    const s = c * t;
    const rot: M2 = [
      [c, s],
      [-s, c],
    ];
    w = matMul(w, rot);
    v = matMul(v, rot);
  }
  const s = [Math.hypot(w[0]![0]!, w[1]![0]!), Math.hypot(w[0]![1]!, w[1]![1]!)];
  const u: M2 = [
    [w[0]![0]! / (s[0]! || 1), w[0]![1]! / (s[1]! || 1)],
    [w[1]![0]! / (s[0]! || 1), w[1]![1]! / (s[1]! || 1)],
  ];
  return { u, s, v };
}

function syntheticMesh(seed: number): FaceLandmarks {
  let a = seed;
  const random = () => ((a = (a * 1103515245 + 12345) >>> 0) / 4294967296);
  const placed = transformPoints(similarityAffine(300 + 200 * random(), random() - 0.5, 200, 150), Float64Array.from(canonicalDenseFace));
  const points = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) points.set([placed[2 * i]! + random() - 0.5, placed[2 * i + 1]! + random() - 0.5, 20 * random()], 3 * i);
  return { imageWidth: 800, imageHeight: 800, pointCount: 468, points, box: Float32Array.of(0, 0, 1, 1), score: Float32Array.of(1) };
}

const perCallUs = (medianMs: number) => (medianMs * 1000) / batch;
const fmt = (v: number) => v.toFixed(2);

const suite: BenchSuite = async () => {
  const face = syntheticMesh(42);
  const five = fivePointsFromMesh(face);
  const canon5 = Float64Array.from(canonicalFivePoints);
  const mesh = face.points.subarray(0, 468 * 3);
  const xy = new Float64Array(936);
  for (let i = 0; i < 468; i++) xy.set([mesh[3 * i]!, mesh[3 * i + 1]!], 2 * i);
  const toPts = (a: ArrayLike<number>) => Array.from({ length: a.length / 2 }, (_, i) => ({ x: a[2 * i]!, y: a[2 * i + 1]! }));
  const five5 = toPts(five);
  const canon5Pts = toPts(canon5);
  const dense = Float64Array.from(canonicalDenseFace);

  // Same answer before comparing speed.
  const ours = fitSimilarity(xy, dense);
  const naive = naiveUmeyama(toPts(xy), toPts(dense));
  const agree = ours.transform.every((v, i) => Math.abs(v - naive.m[i]!) < 1e-9 * (1 + Math.abs(v)));
  if (!agree) throw new Error('alignment bench: the naive baseline disagrees with fitSimilarity');

  let sink = 0;
  const loop = (fn: () => number) => () => {
    for (let i = 0; i < batch; i++) sink += fn();
  };
  const fits = await compareInterleaved(
    {
      alignFive: loop(() => alignFace(face, { cropSize: 256, points: 'five' }).rmsResidual),
      alignDense: loop(() => alignFace(face, { cropSize: 256, points: 'dense' }).rmsResidual),
      similarity5: loop(() => fitSimilarity(five, canon5).rmsResidual),
      naive5: loop(() => naiveUmeyama(five5, canon5Pts).rms),
      similarity468: loop(() => fitSimilarity(mesh, dense, { sourceStride: 3 }).rmsResidual),
      // The baseline gets its points as objects already: only the fit is timed.
      naive468: loop(() => naiveUmeyama(toPtsMesh, densePts).rms),
      affine468: loop(() => fitAffine(mesh, dense, { sourceStride: 3 }).rmsResidual),
      headPose: loop(() => estimateHeadPose(face).yaw),
    },
    { warmup: 3, runs: 15 },
  );
  if (!Number.isFinite(sink)) throw new Error('unreachable');

  const row = (name: string, key: keyof typeof fits, base?: keyof typeof fits) => [
    name,
    fmt(perCallUs(fits[key].median)),
    fmt(perCallUs(fits[key].min)),
    fmt(perCallUs(fits[key].p90)),
    base ? ratio(fits[key].median, fits[base].median) : '1.00',
  ];
  const body = table(
    ['case', 'median µs', 'min µs', 'p90 µs', 'ratio'],
    [
      row('`alignFace` five points (extract 5 from the mesh + fit + crop scaling)', 'alignFive', 'alignDense'),
      row('`alignFace` dense (468 mesh points, baseline of this pair)', 'alignDense'),
      row('`fitSimilarity`, 5 points', 'similarity5', 'naive5'),
      row('naive SVD Umeyama, 5 points (baseline of the row above)', 'naive5'),
      row('`fitSimilarity`, 468 points (stride 3)', 'similarity468', 'naive468'),
      row('naive SVD Umeyama, 468 points (baseline of the row above)', 'naive468'),
      row('`fitAffine`, 468 points (vs naive 468)', 'affine468', 'naive468'),
      row('`estimateHeadPose` (vs dense alignment)', 'headPose', 'alignDense'),
    ],
  );
  return [
    {
      title: 'Alignment: one face',
      markdown: [
        `Per-call cost, from ${batch} calls per sample, 15 samples interleaved with their baselines`,
        '(synthetic face-shaped meshes; the cost depends on the point count only). The naive',
        'baseline is a textbook SVD Umeyama on point objects; it returns the same transform',
        '(checked before timing). Goal: under 50 µs per face for 468 points.',
        '',
        body,
      ].join('\n'),
    },
  ];
};

// Built once, outside the timed loops.
const baseFace = syntheticMesh(42);
const toPtsMesh: Pt[] = Array.from({ length: 468 }, (_, i) => ({ x: baseFace.points[3 * i]!, y: baseFace.points[3 * i + 1]! }));
const densePts: Pt[] = Array.from({ length: 468 }, (_, i) => ({ x: canonicalDenseFace[2 * i]!, y: canonicalDenseFace[2 * i + 1]! }));

export default suite;
