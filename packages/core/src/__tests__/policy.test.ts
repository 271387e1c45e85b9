import { describe, expect, it } from 'vitest';
import {
  defaultFacePolicy,
  EphemeralHandle,
  EphemeralScope,
  type FaceLandmarks,
  faceLandmarksWiper,
  FaceTooSmallError,
  InvalidArgumentError,
  MultipleFacesError,
  NoFaceError,
  PoseOutOfRangeError,
  selectFace,
} from '@vopop/core';
import { meshIndices } from '../align/meshIndices';
import { resolveFacePolicy } from '../select/facePolicy';

const rad = Math.PI / 180;

/**
 * A synthetic face mesh: eyes `eyeDistance` px apart, rotated by yaw/pitch/roll (R = Rz·Ry·Rx,
 * the SDK's conventions), centred at (cx, cy), with the given box.
 */
function face(options: { eyeDistance?: number; yaw?: number; pitch?: number; roll?: number; box?: number[]; score?: number } = {}): FaceLandmarks {
  const { eyeDistance = 80, yaw = 0, pitch = 0, roll = 0, box = [300, 200, 500, 450], score = 0.9 } = options;
  const k = eyeDistance / 80;
  const local = new Float64Array(468 * 3);
  for (let i = 0; i < 468; i++) local.set([((i % 20) - 10) * 6 * k, (Math.floor(i / 20) - 12) * 8 * k, 0], 3 * i);
  const ring = (indices: readonly number[], cx: number) =>
    indices.forEach((index, j) => {
      const t = (2 * Math.PI * j) / indices.length;
      local.set([(cx + 12 * Math.cos(t)) * k, (-30 + 5 * Math.sin(t)) * k, 0], 3 * index);
    });
  ring(meshIndices.imageLeftEye, -40);
  ring(meshIndices.imageRightEye, 40);
  local.set([0, 15 * k, -35 * k], 3 * meshIndices.noseTip);
  local.set([-30 * k, 50 * k, -5 * k], 3 * meshIndices.imageLeftMouth);
  local.set([30 * k, 50 * k, -5 * k], 3 * meshIndices.imageRightMouth);
  local.set([0, -100 * k, 0], 3 * meshIndices.forehead);
  local.set([0, 110 * k, 0], 3 * meshIndices.chin);
  const [cy, sy, cp, sp, cr, sr] = [yaw, yaw, pitch, pitch, roll, roll].map((a, i) => (i % 2 ? Math.sin : Math.cos)(a * rad)) as number[];
  // Rz(roll)·Ry(yaw)·Rx(pitch), written out.
  const r = [
    cr! * cy!, cr! * sy! * sp! - sr! * cp!, cr! * sy! * -cp! + -sr! * sp!,
    sr! * cy!, sr! * sy! * sp! + cr! * cp!, sr! * sy! * -cp! + cr! * sp!,
    sy!, -cy! * sp!, cy! * cp!,
  ];
  const points = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) {
    const [x, y, z] = [local[3 * i]!, local[3 * i + 1]!, local[3 * i + 2]!];
    points[3 * i] = r[0]! * x + r[1]! * y + r[2]! * z + 400;
    points[3 * i + 1] = r[3]! * x + r[4]! * y + r[5]! * z + 300;
    points[3 * i + 2] = r[6]! * x + r[7]! * y + r[8]! * z;
  }
  return { imageWidth: 800, imageHeight: 600, pointCount: 468, points, box: Float32Array.from(box), score: Float32Array.of(score) };
}

function hold(scope: EphemeralScope, value: FaceLandmarks, i: number): EphemeralHandle<FaceLandmarks> {
  return scope.hold(value, { kind: 'landmarks', label: `face.${i}`, wiper: faceLandmarksWiper });
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('selectFace', () => {
  it('returns the one face of a good photo, still live', () => {
    using scope = new EphemeralScope({ label: 'policy' });
    const only = hold(scope, face(), 0);
    expect(selectFace([only])).toBe(only);
    expect(only.isLive).toBe(true);
  });

  it("picks the largest box under 'largest' (ties by score) and purges the others", () => {
    using scope = new EphemeralScope({ label: 'policy' });
    const small = face({ box: [0, 0, 100, 100] });
    const faces = [
      hold(scope, small, 0),
      hold(scope, face({ box: [0, 0, 200, 200], score: 0.5 }), 1),
      hold(scope, face({ box: [50, 50, 250, 250], score: 0.8 }), 2),
    ];
    const chosen = selectFace(faces);
    expect(chosen).toBe(faces[2]);
    expect(faces.map((f) => f.isLive)).toEqual([false, false, true]);
    // the bystanders' landmarks were zero-filled, not just dropped
    expect(small.points.every((v) => v === 0)).toBe(true);
    expect(faces[0]!.record).toMatchObject({ outcome: 'wiped', verified: true });
  });

  it('throws NoFaceError for no face', () => {
    expect(() => selectFace([])).toThrow(NoFaceError);
    expect((thrown(() => selectFace([])) as NoFaceError).code).toBe('NO_FACE');
  });

  it("throws MultipleFacesError with the count under 'reject', and purges every face", () => {
    using scope = new EphemeralScope({ label: 'policy' });
    const faces = [0, 1, 2].map((i) => hold(scope, face(), i));
    const error = thrown(() => selectFace(faces, { multiple: 'reject' }));
    expect(error).toBeInstanceOf(MultipleFacesError);
    expect(error).toMatchObject({ code: 'MULTIPLE_FACES', count: 3, name: 'MultipleFacesError' });
    expect(faces.some((f) => f.isLive)).toBe(false);
    // one face is fine under 'reject'
    const single = hold(scope, face(), 9);
    expect(selectFace([single], { multiple: 'reject' })).toBe(single);
  });

  it('throws FaceTooSmallError with the measured eye distance and the minimum', () => {
    using scope = new EphemeralScope({ label: 'policy' });
    const tiny = hold(scope, face({ eyeDistance: 20 }), 0);
    const error = thrown(() => selectFace([tiny]));
    expect(error).toBeInstanceOf(FaceTooSmallError);
    expect(error).toMatchObject({ code: 'FACE_TOO_SMALL', measured: 20, minimum: defaultFacePolicy.minInterOcularPx });
    expect(tiny.isLive).toBe(false);
    // the measurement stays out of the message (and so out of logs and toJSON)
    expect((error as Error).message).not.toContain('20');
    // a stricter minimum rejects a face the default accepts
    const medium = hold(scope, face({ eyeDistance: 60 }), 1);
    expect(thrown(() => selectFace([medium], { minInterOcularPx: 64 }))).toMatchObject({ measured: 60, minimum: 64 });
  });

  it.each([
    ['yaw', { yaw: 40 }, { yaw: 40, pitch: 0, roll: 0 }],
    ['pitch', { pitch: -35 }, { yaw: 0, pitch: -35, roll: 0 }],
    ['pitch under any roll', { pitch: 40, roll: 120 }, { yaw: 0, pitch: 40, roll: 120 }],
    ['yaw upside down', { yaw: -45, roll: 180 }, { yaw: -45, pitch: 0, roll: 180 }],
  ])('throws PoseOutOfRangeError for %s beyond the limits, with the measured angles', (_, angles, expected) => {
    using scope = new EphemeralScope({ label: 'policy' });
    const turned = hold(scope, face(angles), 0);
    const error = thrown(() => selectFace([turned]));
    expect(error).toBeInstanceOf(PoseOutOfRangeError);
    const pose = error as PoseOutOfRangeError;
    expect(pose.code).toBe('POSE_OUT_OF_RANGE');
    expect(pose.yaw).toBeCloseTo(expected.yaw, 0);
    expect(pose.pitch).toBeCloseTo(expected.pitch, 0);
    expect(pose).not.toHaveProperty('roll');
    expect(pose.limits).toEqual({ maxYawDeg: 30, maxPitchDeg: 30 });
    expect(pose.message).not.toMatch(/roll/);
    expect(turned.isLive).toBe(false);
  });

  it.each([45, 90, 135, 180, -90, -150])('accepts a frontal face rolled by %d° (alignment turns it upright)', (roll) => {
    using scope = new EphemeralScope({ label: 'policy' });
    const rolled = hold(scope, face({ roll }), 0);
    expect(selectFace([rolled])).toBe(rolled);
  });

  it('accepts a pose inside custom limits and refuses it under tighter ones', () => {
    using scope = new EphemeralScope({ label: 'policy' });
    const a = hold(scope, face({ yaw: 20, pitch: 10, roll: 5 }), 0);
    expect(selectFace([a])).toBe(a);
    const b = hold(scope, face({ yaw: 20, pitch: 10, roll: 5 }), 1);
    expect(thrown(() => selectFace([b], { maxYawDeg: 15 }))).toMatchObject({ limits: { maxYawDeg: 15 } });
  });

  it('rejects a bad policy with InvalidArgumentError and purges the faces', () => {
    using scope = new EphemeralScope({ label: 'policy' });
    for (const policy of [
      { multiple: 'first' },
      { minInterOcularPx: -1 },
      { maxYawDeg: 91 },
      { maxPitchDeg: Number.NaN },
      { maxRollDeg: 45 },
      { maxYaw: 10 },
    ]) {
      const f = hold(scope, face(), 0);
      const error = thrown(() => selectFace([f], policy as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(/Invalid face policy/);
      expect(f.isLive).toBe(false);
    }
  });

  it('rejects purged handles and non-meshes with InvalidArgumentError, purging the rest', () => {
    using scope = new EphemeralScope({ label: 'policy' });
    const gone = hold(scope, face(), 0);
    gone.purge();
    const other = hold(scope, face(), 1);
    expect(() => selectFace([gone, other])).toThrow(/live/);
    expect(other.isLive).toBe(false);
    const notMesh = EphemeralHandle.hold(
      { ...face(), pointCount: 12, points: new Float32Array(36) },
      { kind: 'landmarks', label: 'odd', wiper: faceLandmarksWiper },
    );
    expect(() => selectFace([notMesh])).toThrow(InvalidArgumentError);
    expect(notMesh.isLive).toBe(false);
    expect(() => selectFace('face' as never)).toThrow(InvalidArgumentError);
  });
});

describe('resolveFacePolicy', () => {
  it('fills in the defaults and keeps given values', () => {
    expect(resolveFacePolicy()).toEqual(defaultFacePolicy);
    expect(resolveFacePolicy({ multiple: 'reject', maxPitchDeg: 10 })).toEqual({ ...defaultFacePolicy, multiple: 'reject', maxPitchDeg: 10 });
  });
});
