import { describe, expect, it } from 'vitest';
import { canonicalDenseFace } from '../geometry/canonicalDenseFace';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { EphemeralScope } from '../purge/ephemeralScope';
import { createMeshMotion } from '../render/mesh/meshMotion';
import { faceMotionAt } from '../render/mesh/motionTimeline';
import { applySimilarity3D, fitSimilarity3D, invertSimilarity3D } from '../render/mesh/similarity3d';

/** The mean face as a 468-point mesh of `side` px with a dome of depth, offset by (`x`, `y`). */
function meanFace(side: number, x = 0, y = 0, stretch = 1): Float32Array {
  const mesh = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    const u = canonicalDenseFace[i * 2]!;
    const v = canonicalDenseFace[i * 2 + 1]!;
    mesh[i * 3] = x + u * side * stretch;
    mesh[i * 3 + 1] = y + v * side;
    mesh[i * 3 + 2] = -0.25 * side * Math.max(0, 1 - ((u - 0.5) / 0.4) ** 2 - ((v - 0.55) / 0.45) ** 2);
  }
  return mesh;
}

/** A similarity: scale `s`, rotation by `angle` about the unit `axis`, translation `t`. */
function similarity(s: number, axis: [number, number, number], angle: number, t: [number, number, number]): Float64Array {
  const [x, y, z] = axis;
  const c = Math.cos(angle);
  const n = Math.sin(angle);
  const k = 1 - c;
  const r = [
    c + x * x * k, x * y * k - z * n, x * z * k + y * n,
    y * x * k + z * n, c + y * y * k, y * z * k - x * n,
    z * x * k - y * n, z * y * k + x * n, c + z * z * k,
  ];
  return Float64Array.of(...r.map((v) => v * s), ...t);
}

function transformed(m: Float64Array, mesh: Float32Array): Float32Array {
  const out = new Float32Array(mesh.length);
  for (let i = 0; i < mesh.length / 3; i++) applySimilarity3D(m, mesh, i, out, i);
  return out;
}

const maxDistance = (a: Float32Array, b: Float32Array) => {
  let worst = 0;
  for (let i = 0; i < a.length; i += 3) worst = Math.max(worst, Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!, a[i + 2]! - b[i + 2]!));
  return worst;
};

describe('fitSimilarity3D', () => {
  it('recovers a known scale, 3-D rotation and translation, and inverts it', () => {
    const source = meanFace(300, 40, 60);
    const axis = [0.3, -0.8, 0.52].map((v, _, a) => v / Math.hypot(...a)) as [number, number, number];
    const truth = similarity(1.7, axis, 0.4, [12, -30, 5]);
    const target = transformed(truth, source);
    const fitted = new Float64Array(12);
    expect(fitSimilarity3D(source, target, new Float32Array(468).fill(1), 468, fitted)).toBe(true);
    for (let k = 0; k < 12; k++) expect(fitted[k]!).toBeCloseTo(truth[k]!, 3);
    const inverse = new Float64Array(12);
    expect(invertSimilarity3D(fitted, inverse)).toBe(true);
    expect(maxDistance(transformed(inverse, target), source)).toBeLessThan(1e-2);
  });

  it('refuses points that span nothing', () => {
    const flat = new Float32Array(468 * 3).fill(5);
    expect(fitSimilarity3D(flat, flat, new Float32Array(468).fill(1), 468, new Float64Array(12))).toBe(false);
  });
});

describe('retargeting a recorded mesh track', () => {
  const scope = new EphemeralScope({ label: 'retarget-test' });
  // The user: a narrower face, elsewhere in the photo. The template: the mean face.
  const user = meanFace(280, 100, 50, 0.85);
  const neutral = meanFace(400, 160, 300);
  const five = new Float32Array(10);

  it('gives the user’s own shape in the template’s pose (no expression: a similarity of the user’s face)', () => {
    const pose = similarity(1.1, [0, 1, 0], 0.25, [30, -20, 0]);
    const frame = transformed(pose, neutral);
    const motion = createMeshMotion({ photoMesh: user, photoFivePoints: five, scope, fps: 30, frameCount: 1, meshTrack: { pointCount: 468, neutral, frames: [frame] } });
    const target = new Float32Array(468 * 3);
    motion.targetAt(0, five, target);
    // The target is the user's mesh moved by one similarity: fitting one maps it exactly.
    const fitted = new Float64Array(12);
    expect(fitSimilarity3D(user, target, new Float32Array(468).fill(1), 468, fitted)).toBe(true);
    expect(maxDistance(transformed(fitted, user), target)).toBeLessThan(0.05);
    // …and it keeps the user's proportions, not the template's: width over height as the user's.
    const span = (m: Float32Array, axis: number) => {
      const values = [...m].filter((_, i) => i % 3 === axis);
      return Math.max(...values) - Math.min(...values);
    };
    expect(span(target, 0) / span(target, 1)).not.toBeCloseTo(span(frame, 0) / span(frame, 1), 2);
  });

  it('carries the template’s expression: a delta on the template moves the same points of the user', () => {
    const frame = neutral.slice();
    for (const i of [14, 17, 152]) frame[i * 3 + 1] = frame[i * 3 + 1]! + 20;
    const motion = createMeshMotion({ photoMesh: user, photoFivePoints: five, scope, fps: 30, frameCount: 2, meshTrack: { pointCount: 468, neutral, frames: [neutral, frame] } });
    const rest = new Float32Array(468 * 3);
    const moved = new Float32Array(468 * 3);
    motion.targetAt(0, five, rest);
    motion.targetAt(1, five, moved);
    for (const i of [14, 17, 152]) expect(moved[i * 3 + 1]! - rest[i * 3 + 1]!).toBeCloseTo(20, 0);
    expect(Math.abs(moved[10 * 3 + 1]! - rest[10 * 3 + 1]!)).toBeLessThan(0.5);
  });

  it('refuses a track that does not fit the clip with a typed error', () => {
    expect(() => createMeshMotion({ photoMesh: user, photoFivePoints: five, scope, fps: 30, frameCount: 3, meshTrack: { pointCount: 468, neutral, frames: [neutral] } })).toThrow(InvalidArgumentError);
    expect(() => createMeshMotion({ photoMesh: new Float32Array(9), photoFivePoints: five, scope, fps: 30, frameCount: 1 })).toThrow(InvalidArgumentError);
  });
});

describe('the motion preset', () => {
  it('blinks, smiles, talks, turns and nods within small bounds, smoothly', () => {
    const at = (s: number) => ({ ...faceMotionAt(s, { blink: 0, smile: 0, open: 0, yaw: 0, pitch: 0 }) });
    expect(at(0).blink).toBe(0);
    expect(at(1.0).blink).toBe(1);
    expect(at(2.0).smile).toBe(1);
    expect(at(0.3).open).toBeGreaterThan(0.6);
    let previous = at(0);
    for (let f = 1; f < 300; f++) {
      const m = at(f / 30);
      expect(Math.abs(m.yaw)).toBeLessThanOrEqual(0.12);
      expect(Math.abs(m.pitch)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(m.smile - previous.smile)).toBeLessThan(0.15);
      previous = m;
    }
  });
});
