import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alignFace,
  canonicalDenseFace,
  canonicalFivePoints,
  EphemeralHandle,
  estimateHeadPose,
  type FaceAlignment,
  faceAlignmentWiper,
  type FaceLandmarks,
  fivePointsFromMesh,
  InvalidArgumentError,
  transformPoints,
} from '@vopop/core';
import { composeAffine, similarityAffine } from '../geometry/affine2d';
import { fitSimilarity } from '../geometry/fitSimilarity';
import { meshIndices } from '../align/meshIndices';

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

/**
 * A synthetic frontal face in its own frame (pixels, y down, z away from the camera), centred on
 * the origin: eyes, nose, mouth, forehead and chin where a face has them, with the forehead and
 * chin at the same depth so that the frame is exactly frontal; other points fill an ellipse.
 */
function frontalFace(pointCount: 468 | 478 = 468, seed = 1): Float64Array {
  const random = rng(seed);
  const p = new Float64Array(pointCount * 3);
  for (let i = 0; i < pointCount; i++) {
    const x = (random() * 2 - 1) * 80;
    const y = (random() * 2 - 1) * 100;
    p.set([x, y, -20 * (1 - (x / 90) ** 2)], 3 * i);
  }
  const ring = (indices: readonly number[], cx: number) =>
    indices.forEach((index, k) => {
      const t = (2 * Math.PI * k) / indices.length;
      p.set([cx + 12 * Math.cos(t), -30 + 5 * Math.sin(t), 0], 3 * index);
    });
  ring(meshIndices.imageLeftEye, -40);
  ring(meshIndices.imageRightEye, 40);
  p.set([0, 15, -35], 3 * meshIndices.noseTip);
  p.set([-30, 50, -5], 3 * meshIndices.imageLeftMouth);
  p.set([30, 50, -5], 3 * meshIndices.imageRightMouth);
  p.set([0, -100, 0], 3 * meshIndices.forehead);
  p.set([0, 110, 0], 3 * meshIndices.chin);
  return p;
}

const rad = Math.PI / 180;

/** R = Rz(roll)·Ry(yaw)·Rx(pitch) with the SDK's sign conventions (see HeadPose). */
function rotation(yawDeg: number, pitchDeg: number, rollDeg: number): number[] {
  const [cy, sy] = [Math.cos(yawDeg * rad), Math.sin(yawDeg * rad)];
  const [cp, sp] = [Math.cos(pitchDeg * rad), Math.sin(pitchDeg * rad)];
  const [cr, sr] = [Math.cos(rollDeg * rad), Math.sin(rollDeg * rad)];
  const mul = (a: number[], b: number[]) =>
    Array.from({ length: 9 }, (_, k) => {
      const r = Math.floor(k / 3);
      const c = k % 3;
      return a[3 * r]! * b[c]! + a[3 * r + 1]! * b[3 + c]! + a[3 * r + 2]! * b[6 + c]!;
    });
  const P = [1, 0, 0, 0, cp, sp, 0, -sp, cp];
  const Y = [cy, 0, -sy, 0, 1, 0, sy, 0, cy];
  const Z = [cr, -sr, 0, sr, cr, 0, 0, 0, 1];
  return mul(Z, mul(Y, P));
}

/** Rotate, scale and place a face-frame mesh in a photo. */
function pose(face: Float64Array, yaw: number, pitch: number, roll: number, scale = 1, at = [400, 300, 0]): FaceLandmarks {
  const r = rotation(yaw, pitch, roll);
  const n = face.length / 3;
  const points = new Float32Array(face.length);
  for (let i = 0; i < n; i++) {
    const [x, y, z] = [face[3 * i]!, face[3 * i + 1]!, face[3 * i + 2]!];
    for (let k = 0; k < 3; k++) {
      points[3 * i + k] = scale * (r[3 * k]! * x + r[3 * k + 1]! * y + r[3 * k + 2]! * z) + at[k]!;
    }
  }
  return landmarks(points);
}

function landmarks(points: Float32Array): FaceLandmarks {
  return {
    imageWidth: 1000,
    imageHeight: 1000,
    pointCount: points.length / 3,
    points,
    box: Float32Array.of(0, 0, 100, 100),
    score: Float32Array.of(0.9),
  };
}

/** A photo-space mesh whose five points are exactly `T(canonicalFivePoints)`. */
function meshOnCanonicalFive(t: Float64Array, pointCount: 468 | 478 = 468): FaceLandmarks {
  const unit = frontalFace(pointCount).map((v) => v / 400 + 0.5);
  const c = canonicalFivePoints;
  const ring = (indices: readonly number[], cx: number, cy: number) =>
    indices.forEach((index, k) => {
      const a = (2 * Math.PI * k) / indices.length;
      unit.set([cx + 0.05 * Math.cos(a), cy + 0.02 * Math.sin(a)], 3 * index);
    });
  ring(meshIndices.imageLeftEye, c[0]!, c[1]!);
  ring(meshIndices.imageRightEye, c[2]!, c[3]!);
  unit.set([c[4]!, c[5]!], 3 * meshIndices.noseTip);
  unit.set([c[6]!, c[7]!], 3 * meshIndices.imageLeftMouth);
  unit.set([c[8]!, c[9]!], 3 * meshIndices.imageRightMouth);
  const points = new Float32Array(unit.length);
  for (let i = 0; i < pointCount; i++) {
    const x = unit[3 * i]!;
    const y = unit[3 * i + 1]!;
    points[3 * i] = t[0]! * x + t[1]! * y + t[2]!;
    points[3 * i + 1] = t[3]! * x + t[4]! * y + t[5]!;
    points[3 * i + 2] = unit[3 * i + 2]!;
  }
  return landmarks(points);
}

function maxDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i + 1 < a.length; i += 2) worst = Math.max(worst, Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!));
  return worst;
}

describe('fivePointsFromMesh', () => {
  it('reads eye-contour centres, nose tip and mouth corners in template order', () => {
    const face = pose(frontalFace(), 0, 0, 0);
    const five = fivePointsFromMesh(face);
    expect(Array.from(five)).toEqual([360, 270, 440, 270, 400, 315, 370, 350, 430, 350].map((v) => expect.closeTo(v, 3)));
    // image-left eye first: smaller x than the image-right eye
    expect(five[0]!).toBeLessThan(five[2]!);
  });

  it('ignores the iris points of the 478-point mesh (contour centres in both layouts)', () => {
    const f468 = pose(frontalFace(468), 5, -3, 7);
    const f478 = pose(frontalFace(478), 5, -3, 7);
    f478.points.set([0, 0, 0], 3 * meshIndices.imageLeftIris);
    expect(Array.from(fivePointsFromMesh(f478))).toEqual(Array.from(fivePointsFromMesh(f468)));
  });

  it('rejects what is not a 468/478-point mesh', () => {
    expect(() => fivePointsFromMesh(landmarks(new Float32Array(300)))).toThrow(InvalidArgumentError);
    const short = { ...landmarks(new Float32Array(30)), pointCount: 468 };
    expect(() => fivePointsFromMesh(short)).toThrow(/holds only 10/);
    expect(() => fivePointsFromMesh(pose(frontalFace(), 0, 0, 0), new Float32Array(4))).toThrow(/out/);
  });
});

describe('alignFace', () => {
  it('puts the five points exactly on the canonical positions when the face has template proportions', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 2000, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: -500, max: 1500, noNaN: true }),
        fc.double({ min: -500, max: 1500, noNaN: true }),
        fc.constantFrom(112, 256, 512),
        fc.constantFrom(468 as const, 478 as const),
        (scale, angle, tx, ty, cropSize, layout) => {
          const t = similarityAffine(scale, angle, tx, ty);
          const face = meshOnCanonicalFive(t, layout);
          const aligned = alignFace(face, { cropSize, points: 'five' });
          const mapped = transformPoints(aligned.photoToCrop, aligned.points);
          const expected = Float64Array.from(canonicalFivePoints, (v) => v * cropSize);
          // float32 photo coordinates limit the precision to ~1e-7 of the photo extent
          const tol = 1e-5 * cropSize * (1 + (Math.abs(tx) + Math.abs(ty)) / scale);
          expect(maxDistance(mapped, expected)).toBeLessThan(tol);
          expect(aligned.rmsResidual).toBeLessThan(tol);
          const id = composeAffine(aligned.cropToPhoto, aligned.photoToCrop);
          expect(maxDistance(transformPoints(id, aligned.points), aligned.points)).toBeLessThan(1e-6 * (scale + Math.abs(tx) + Math.abs(ty)));
          expect(aligned.points.length).toBe(10);
          expect(aligned.pointSet).toBe('five');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('dense alignment recovers the similarity from a mesh shaped like the canonical dense face', () => {
    const t = similarityAffine(640, 0.4, 120, -35);
    const mesh = new Float32Array(478 * 3);
    const placed = transformPoints(t, Float64Array.from(canonicalDenseFace));
    for (let i = 0; i < 468; i++) mesh.set([placed[2 * i]!, placed[2 * i + 1]!, 7], 3 * i);
    const aligned = alignFace(landmarks(mesh), { cropSize: 256, points: 'dense' });
    expect(aligned.points.length).toBe(936);
    expect(aligned.rmsResidual).toBeLessThan(1e-3);
    const roundTrip = composeAffine(aligned.photoToCrop, t);
    for (const [i, v] of [256, 0, 0, 0, 256, 0].entries()) expect(roundTrip[i]).toBeCloseTo(v, 2);
  });

  it('five-point and dense alignment agree on a real-shaped face to within a few percent of the crop', () => {
    const t = similarityAffine(300, -0.2, 50, 80);
    const mesh = new Float32Array(468 * 3);
    const placed = transformPoints(t, Float64Array.from(canonicalDenseFace));
    for (let i = 0; i < 468; i++) mesh.set([placed[2 * i]!, placed[2 * i + 1]!, 0], 3 * i);
    const five = alignFace(landmarks(mesh), { cropSize: 100, points: 'five' });
    const dense = alignFace(landmarks(mesh), { cropSize: 100, points: 'dense' });
    const probe = Float64Array.of(200, 100, 300, 200);
    expect(maxDistance(transformPoints(five.photoToCrop, probe), transformPoints(dense.photoToCrop, probe))).toBeLessThan(4);
  });

  it('places the dense face so that its own five points fit the canonical five by least squares', () => {
    const mesh = new Float32Array(468 * 3);
    for (let i = 0; i < 468; i++) mesh.set([canonicalDenseFace[2 * i]!, canonicalDenseFace[2 * i + 1]!, 0], 3 * i);
    const fit = fitSimilarity(fivePointsFromMesh(landmarks(mesh)), canonicalFivePoints as Float64Array);
    expect(fit.scale).toBeCloseTo(1, 3);
    expect(fit.angle).toBeCloseTo(0, 3);
    expect(fit.transform[2]).toBeCloseTo(0, 3);
    expect(fit.transform[5]).toBeCloseTo(0, 3);
  });

  it('rejects bad options and bad meshes with InvalidArgumentError', () => {
    const face = pose(frontalFace(), 0, 0, 0);
    for (const cropSize of [0, -1, Number.NaN, Infinity]) {
      expect(() => alignFace(face, { cropSize })).toThrow(/cropSize/);
    }
    expect(() => alignFace(face, { cropSize: 112, points: 'seven' as 'five' })).toThrow(/points/);
    expect(() => alignFace(landmarks(new Float32Array(99)), { cropSize: 112 })).toThrow(InvalidArgumentError);
    const broken = pose(frontalFace(), 0, 0, 0);
    broken.points[3 * meshIndices.noseTip] = Number.NaN;
    expect(() => alignFace(broken, { cropSize: 112 })).toThrow(/finite/);
    const flat = landmarks(new Float32Array(468 * 3).fill(5));
    expect(() => alignFace(flat, { cropSize: 112, points: 'dense' })).toThrow(/coincide/);
  });

  it('is wiped in place by faceAlignmentWiper', () => {
    const aligned = alignFace(pose(frontalFace(), 0, 0, 0), { cropSize: 112 });
    const parts = [aligned.photoToCrop, aligned.cropToPhoto, aligned.points];
    const handle = EphemeralHandle.hold<FaceAlignment>(aligned, {
      kind: 'face-transform',
      label: 'face.alignment',
      wiper: faceAlignmentWiper,
    });
    expect(handle.byteLength).toBe(48 + 48 + 40);
    const record = handle.purge();
    expect(record).toMatchObject({ method: 'zero-fill', bytes: 136, verified: true, outcome: 'wiped' });
    for (const part of parts) expect(part.every((v) => v === 0)).toBe(true);
  });
});

describe('estimateHeadPose', () => {
  it('reads a frontal face as zero', () => {
    const p = estimateHeadPose(pose(frontalFace(), 0, 0, 0));
    expect(Math.abs(p.yaw) + Math.abs(p.pitch) + Math.abs(p.roll)).toBeLessThan(1e-3);
  });

  it('gives back known yaw, pitch and roll of a rotated mesh (both layouts, any scale and place)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -70, max: 70, noNaN: true }),
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.constantFrom(468 as const, 478 as const),
        (yaw, pitch, roll, scale, layout) => {
          const p = estimateHeadPose(pose(frontalFace(layout), yaw, pitch, roll, scale, [500, 400, -30]));
          expect(p.yaw).toBeCloseTo(yaw, 1);
          expect(p.pitch).toBeCloseTo(pitch, 1);
          expect(p.roll).toBeCloseTo(roll, 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays within a few degrees when every landmark carries a pixel of noise', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.integer(),
        (yaw, pitch, roll, seed) => {
          const face = pose(frontalFace(), yaw, pitch, roll);
          const random = rng(seed);
          for (let i = 0; i < face.points.length; i++) face.points[i] = face.points[i]! + (random() * 2 - 1);
          const p = estimateHeadPose(face);
          expect(Math.abs(p.yaw - yaw)).toBeLessThan(3);
          expect(Math.abs(p.pitch - pitch)).toBeLessThan(3);
          expect(Math.abs(p.roll - roll)).toBeLessThan(3);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('follows the documented signs, checked on what the viewer sees', () => {
    const eyesMid = (f: FaceLandmarks) => {
      const five = fivePointsFromMesh(f);
      return [(five[0]! + five[2]!) / 2, (five[1]! + five[3]!) / 2, five] as const;
    };
    // yaw > 0: the nose tip moves to the image's right of the eye midpoint
    const turned = pose(frontalFace(), 20, 0, 0);
    const [mx] = eyesMid(turned);
    expect(turned.points[3 * meshIndices.noseTip]!).toBeGreaterThan(mx + 5);
    expect(estimateHeadPose(turned).yaw).toBeGreaterThan(15);
    // pitch > 0 (chin up): the nose tip rises towards the eyes
    const frontal = pose(frontalFace(), 0, 0, 0);
    const up = pose(frontalFace(), 0, 20, 0);
    const gap = (f: FaceLandmarks) => f.points[3 * meshIndices.noseTip + 1]! - eyesMid(f)[1];
    expect(gap(up)).toBeLessThan(gap(frontal) - 5);
    expect(estimateHeadPose(up).pitch).toBeGreaterThan(15);
    // roll > 0: clockwise on screen, the image-right eye sits lower (larger y)
    const tilted = pose(frontalFace(), 0, 0, 20);
    const five = eyesMid(tilted)[2];
    expect(five[3]!).toBeGreaterThan(five[1]! + 5);
    expect(estimateHeadPose(tilted).roll).toBeGreaterThan(15);
  });

  it('rejects meshes with no eye line or no face height', () => {
    expect(() => estimateHeadPose(landmarks(new Float32Array(468 * 3)))).toThrow(/eye line/);
    const bad = pose(frontalFace(), 0, 0, 0);
    bad.points.set(bad.points.subarray(3 * meshIndices.forehead, 3 * meshIndices.forehead + 3), 3 * meshIndices.chin);
    expect(() => estimateHeadPose(bad)).toThrow(/forehead-to-chin/);
    expect(() => estimateHeadPose(landmarks(new Float32Array(12)))).toThrow(InvalidArgumentError);
  });
});
