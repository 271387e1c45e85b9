import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  transformPoints,
} from '@vopop/core';
import { affineRotation, affineScale, composeAffine, similarityAffine } from '../geometry/affine2d';
import { fitAffine } from '../geometry/fitAffine';
import { fitSimilarity } from '../geometry/fitSimilarity';

/** mulberry32: a tiny seeded PRNG, so that fast-check controls (and shrinks) every random draw. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

interface Cloud {
  readonly points: Float64Array;
  readonly cx: number;
  readonly cy: number;
  /** RMS distance of the points from their centroid. */
  readonly radius: number;
  /** Smallest eigenvalue of Σ (p − c)(p − c)ᵀ. */
  readonly lambdaMin: number;
}

function cloud(n: number, seed: number, spread: number, cx: number, cy: number): Cloud {
  const random = rng(seed);
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    points[2 * i] = cx + (random() * 2 - 1) * spread;
    points[2 * i + 1] = cy + (random() * 2 - 1) * spread;
  }
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[2 * i]! / n;
    my += points[2 * i + 1]! / n;
  }
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = points[2 * i]! - mx;
    const dy = points[2 * i + 1]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const half = (sxx + syy) / 2;
  const lambdaMin = half - Math.sqrt(((sxx - syy) / 2) ** 2 + sxy * sxy);
  return { points, cx: mx, cy: my, radius: Math.sqrt((sxx + syy) / n), lambdaMin };
}

function addNoise(points: Float64Array, sigma: number, seed: number): Float64Array {
  const random = rng(seed ^ 0x5bd1e995);
  return points.map((v) => v + sigma * gaussian(random));
}

function angleDiff(a: number, b: number): number {
  const d = Math.atan2(Math.sin(a - b), Math.cos(a - b));
  return Math.abs(d);
}

const similarityCase = fc.record({
  n: fc.constantFrom(5, 468),
  seed: fc.integer(),
  scale: fc.double({ min: 0.2, max: 5, noNaN: true }),
  angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
  tx: fc.double({ min: -1000, max: 1000, noNaN: true }),
  ty: fc.double({ min: -1000, max: 1000, noNaN: true }),
  spread: fc.double({ min: 20, max: 300, noNaN: true }),
  cx: fc.double({ min: -400, max: 400, noNaN: true }),
  cy: fc.double({ min: -400, max: 400, noNaN: true }),
  // Noise as a fraction of the mapped spread: up to 5 %, a badly detected face.
  noise: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.05, noNaN: true })),
});

describe('fitSimilarity', () => {
  it('recovers a random similarity from noisy 5- and 468-point sets (tolerances scale with the noise)', () => {
    fc.assert(
      fc.property(similarityCase, (c) => {
        const src = cloud(c.n, c.seed, c.spread, c.cx, c.cy);
        const truth = similarityAffine(c.scale, c.angle, c.tx, c.ty);
        const sigma = c.noise * c.scale * c.spread;
        const target = addNoise(transformPoints(truth, src.points), sigma, c.seed);
        const fit = fitSimilarity(src.points, target);

        // Least-squares standard errors: angle and relative scale ≈ σ / (s·R·√n), the mapped
        // centroid ≈ σ / √n per axis. 6 standard errors, plus float64 rounding.
        const paramTol = (6 * sigma) / (c.scale * src.radius * Math.sqrt(c.n)) + 1e-9;
        expect(Math.abs(fit.scale / c.scale - 1)).toBeLessThanOrEqual(paramTol);
        expect(angleDiff(fit.angle, c.angle)).toBeLessThanOrEqual(paramTol);
        expect(Math.abs(affineScale(fit.transform) / c.scale - 1)).toBeLessThanOrEqual(paramTol);

        // Translation: error at the centroid plus the lever of the linear-part error.
        const lever = Math.hypot(src.cx, src.cy) * c.scale * 2 * paramTol;
        const transTol = (6 * sigma * Math.SQRT2) / Math.sqrt(c.n) + lever + 1e-8 * (1 + Math.hypot(c.tx, c.ty));
        expect(Math.hypot(fit.transform[2]! - c.tx, fit.transform[5]! - c.ty)).toBeLessThanOrEqual(transTol);

        // The residual is the noise, not more: E[rms] ≈ σ·√2·√(1 − 4/(2n)).
        expect(fit.rmsResidual).toBeLessThanOrEqual(3 * sigma * Math.SQRT2 + 1e-7 * c.scale * c.spread);

        // Inverse composes to the identity both ways.
        for (const m of [composeAffine(fit.inverse, fit.transform), composeAffine(fit.transform, fit.inverse)]) {
          expect(m[0]).toBeCloseTo(1, 9);
          expect(m[1]).toBeCloseTo(0, 9);
          expect(m[3]).toBeCloseTo(0, 9);
          expect(m[4]).toBeCloseTo(1, 9);
          expect(Math.abs(m[2]!) + Math.abs(m[5]!)).toBeLessThan(1e-7 * (1 + Math.hypot(c.tx, c.ty)));
        }
      }),
      { numRuns: 600 },
    );
  });

  it('recovers a similarity exactly without noise, from Float32 mesh input with stride 3', () => {
    const src = cloud(468, 7, 150, 300, 400);
    const mesh = new Float32Array(468 * 3);
    for (let i = 0; i < 468; i++) {
      mesh[3 * i] = src.points[2 * i]!;
      mesh[3 * i + 1] = src.points[2 * i + 1]!;
      mesh[3 * i + 2] = 1e6; // z must be ignored
    }
    const truth = similarityAffine(0.37, -2.5, 56, 12);
    // The target is built from the float32 values the fit will read.
    const xy = new Float64Array(936);
    for (let i = 0; i < 468; i++) {
      xy[2 * i] = mesh[3 * i]!;
      xy[2 * i + 1] = mesh[3 * i + 1]!;
    }
    const exact = transformPoints(truth, xy);
    const fit = fitSimilarity(mesh, exact, { sourceStride: 3 });
    expect(fit.scale).toBeCloseTo(0.37, 12);
    expect(fit.angle).toBeCloseTo(-2.5, 12);
    expect(fit.transform[2]).toBeCloseTo(56, 9);
    expect(fit.transform[5]).toBeCloseTo(12, 9);
    expect(fit.rmsResidual).toBeLessThan(1e-9);
    expect(fit.pointCount).toBe(468);
  });

  it('never reflects: a mirrored target gets a proper rotation and a large residual', () => {
    const src = cloud(5, 3, 100, 0, 0);
    const mirrored = src.points.map((v, i) => (i % 2 === 0 ? -v : v));
    const fit = fitSimilarity(src.points, mirrored);
    const det = fit.transform[0]! * fit.transform[4]! - fit.transform[1]! * fit.transform[3]!;
    expect(det).toBeGreaterThan(0);
    expect(fit.rmsResidual).toBeGreaterThan(10);
    expect(() => fitAffine(src.points, mirrored)).not.toThrow();
    const affineDet = fitAffine(src.points, mirrored).transform;
    expect(affineDet[0]! * affineDet[4]! - affineDet[1]! * affineDet[3]!).toBeLessThan(0);
  });

  it('honours weights: a zero-weight outlier does not move the fit, a weighted one does', () => {
    const src = cloud(6, 11, 80, 10, 20);
    const truth = similarityAffine(2, 0.3, 5, -7);
    const target = transformPoints(truth, src.points);
    target[10] = target[10]! + 500; // point 5 is an outlier
    const ignored = fitSimilarity(src.points, target, { weights: [1, 1, 1, 1, 1, 0] });
    expect(ignored.scale).toBeCloseTo(2, 10);
    expect(ignored.angle).toBeCloseTo(0.3, 10);
    expect(ignored.rmsResidual).toBeLessThan(1e-9);
    const counted = fitSimilarity(src.points, target);
    expect(Math.abs(counted.scale - 2)).toBeGreaterThan(1e-3);
  });

  it('rejects degenerate input with InvalidArgumentError', () => {
    const one = Float64Array.of(1, 2);
    const same = Float64Array.of(3, 4, 3, 4, 3, 4);
    const good = Float64Array.of(0, 0, 1, 0, 0, 1);
    expect(() => fitSimilarity(one, one)).toThrow(InvalidArgumentError);
    expect(() => fitSimilarity(same, good)).toThrow(/coincide/);
    expect(() => fitSimilarity(good, same)).toThrow(/coincide/);
    expect(() => fitSimilarity(Float64Array.of(0, 0, 1, Number.NaN), Float64Array.of(0, 0, 1, 1))).toThrow(/finite/);
    expect(() => fitSimilarity(Float64Array.of(0, 0, 1, Infinity), Float64Array.of(0, 0, 1, 1))).toThrow(/finite/);
    expect(() => fitSimilarity(good, Float64Array.of(0, 0, 1, 1))).toThrow(/3 points but target has 2/);
    expect(() => fitSimilarity(good, good, { weights: [1, -1, 1] })).toThrow(/weights/);
    expect(() => fitSimilarity(good, good, { weights: [0, 0, 0] })).toThrow(/positive/);
    expect(() => fitSimilarity(good, good, { weights: [1, 1] })).toThrow(/one weight per point/);
    expect(() => fitSimilarity(Float64Array.of(0, 0, 1), good)).toThrow(/whole points/);
    expect(() => fitSimilarity(good, good, { sourceStride: 4 as 2 })).toThrow(/sourceStride/);
    expect(() => fitSimilarity([0, 0, 1, 1] as unknown as Float64Array, good)).toThrow(InvalidArgumentError);
  });
});

describe('fitAffine', () => {
  it('recovers a random affine map from noisy 5- and 468-point sets', () => {
    fc.assert(
      fc.property(
        similarityCase,
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        (c, shear, aspect) => {
          const src = cloud(c.n, c.seed, c.spread, c.cx, c.cy);
          const sim = similarityAffine(c.scale, c.angle, c.tx, c.ty);
          const truth = composeAffine(sim, Float64Array.of(aspect, shear, 0, 0, 1, 0));
          const sigma = c.noise * c.scale * c.spread;
          const target = addNoise(transformPoints(truth, src.points), sigma, c.seed);
          const fit = fitAffine(src.points, target);
          // Each linear coefficient has standard error σ·√((C⁻¹)ᵢᵢ) ≤ σ/√λmin(C).
          const linTol = (6 * sigma) / Math.sqrt(src.lambdaMin) + 1e-9 * (c.scale * (aspect + 1 + Math.abs(shear)));
          for (const i of [0, 1, 3, 4]) {
            expect(Math.abs(fit.transform[i]! - truth[i]!)).toBeLessThanOrEqual(linTol);
          }
          const mapped = transformPoints(fit.transform, Float64Array.of(src.cx, src.cy));
          const expected = transformPoints(truth, Float64Array.of(src.cx, src.cy));
          expect(Math.hypot(mapped[0]! - expected[0]!, mapped[1]! - expected[1]!)).toBeLessThanOrEqual(
            (6 * sigma * Math.SQRT2) / Math.sqrt(c.n) + 1e-7 * (1 + Math.hypot(c.tx, c.ty)),
          );
          const id = composeAffine(fit.inverse, fit.transform);
          expect(Math.abs(id[0]! - 1) + Math.abs(id[1]!) + Math.abs(id[3]!) + Math.abs(id[4]! - 1)).toBeLessThan(1e-8);
          // An affine fit has more freedom than a similarity: its residual is never larger.
          expect(fit.rmsResidual).toBeLessThanOrEqual(fitSimilarity(src.points, target).rmsResidual + 1e-9);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('recovers an exact affine map and reports a zero residual', () => {
    const src = cloud(5, 99, 60, 200, -100);
    const truth = Float64Array.of(1.5, 0.4, -30, -0.2, 0.8, 70);
    const fit = fitAffine(src.points, transformPoints(truth, src.points));
    for (let i = 0; i < 6; i++) expect(fit.transform[i]).toBeCloseTo(truth[i]!, 9);
    expect(fit.rmsResidual).toBeLessThan(1e-9);
    expect(affineRotation(fit.transform)).toBeCloseTo(Math.atan2(-0.2, 1.5), 9);
  });

  it('rejects fewer than 3 points and collinear points', () => {
    expect(() => fitAffine(Float64Array.of(0, 0, 1, 1), Float64Array.of(0, 0, 1, 1))).toThrow(/at least 3/);
    const line = Float64Array.of(0, 0, 1, 1, 2, 2, 3, 3);
    expect(() => fitAffine(line, line)).toThrow(/one line/);
    const square = Float64Array.of(0, 0, 1, 0, 0, 1, 1, 1);
    expect(() => fitAffine(square, line)).toThrow(/singular/);
    expect(() => fitAffine(square, Float64Array.of(0, 0, 1, 0, 0, 1, Number.NaN, 1))).toThrow(/finite/);
  });
});
