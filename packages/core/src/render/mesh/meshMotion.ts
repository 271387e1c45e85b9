import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import { fitSimilarity } from '../../geometry/fitSimilarity';
import { expressionBasis } from './expressionPresets';
import { faceRegions } from './faceRegions';
import { gazeDelta, gazeLength, gazeOffsets } from './gaze';
import { meshPointCount } from './faceTopology';
import type { MeshTrack } from './meshTrack';
import { assertMeshTrack } from './meshTrack';
import { faceMotionAt } from './motionTimeline';
import type { FaceMotion } from './motionTimeline';
import { applySimilarity3D, fitSimilarity3D, invertSimilarity3D } from './similarity3d';

/**
 * How to create a {@link MeshMotion}.
 *
 * @internal
 */
export interface MeshMotionOptions {
  /** The photo's face mesh (468 points or more, x, y, z in photo pixels): the user's own shape. */
  readonly photoMesh: Float32Array;
  /** The photo's five alignment points (x, y interleaved), for built-in templates' placement. */
  readonly photoFivePoints: Float32Array;
  /** Holds the bases and per-frame scratch derived from the face. */
  readonly scope: EphemeralScope;
  /** Frames per second of the template, to run the motion preset in real time. */
  readonly fps: number;
  /** Frames in the template. */
  readonly frameCount: number;
  /**
   * The template's recorded face (format v2). With it the face follows the template's head and
   * expression by retargeting; without it the built-in motion preset drives the face.
   */
  readonly meshTrack?: MeshTrack;
}

/**
 * Where the user's face mesh goes in each frame: the target the mesh compositor warps onto.
 *
 * - With a recorded mesh track: expression retargeting, not shape copying. In a canonical,
 *   Procrustes-aligned space, `target_t = pose_t · (userNeutral + (templateMesh_t −
 *   templateNeutral))`: the user keeps their own face shape and takes the template's head pose
 *   and expression.
 * - Without one (built-in templates): the same path, driven by a preset instead of a recording —
 *   expression deltas on the user's own neutral mesh (blink, smile, talk) and a small 3-D turn
 *   and nod, placed by the template's five-point track.
 *
 * @internal
 */
export interface MeshMotion {
  /**
   * Write the target mesh of frame `frameIndex` (468 points, x, y, z in frame pixels) into `out`.
   * `framePoints` are the template's five target points of that frame (used by the preset path).
   */
  targetAt(frameIndex: number, framePoints: Float32Array, out: Float32Array): void;
  /**
   * Where the template's eyes look in frame `frameIndex`, relative to its neutral (see
   * `gazeDelta`), into `out` (4 numbers). False (and `out` zeroed) where the template has no
   * irises: a built-in template, or a 468-point track.
   */
  gazeAt(frameIndex: number, out: Float32Array): boolean;
}

/** Points that move with the head but not with expressions: the upper face, without eyes and brows. */
function stableWeights(mesh: Float32Array): Float32Array {
  const r = faceRegions;
  const moving = new Set<number>([
    ...r.imageLeftUpperLid, ...r.imageLeftLowerLid, ...r.imageRightUpperLid, ...r.imageRightLowerLid,
    ...r.imageLeftLidCrease, ...r.imageRightLidCrease, ...r.imageLeftBrow, ...r.imageRightBrow,
  ]);
  // Below the nose's base (between nose tip 1 and upper lip 0) the jaw and lips move.
  const cut = (mesh[1 * 3 + 1]! + mesh[0 * 3 + 1]!) / 2;
  const up = mesh[152 * 3 + 1]! > mesh[10 * 3 + 1]! ? 1 : -1;
  const weights = new Float32Array(meshPointCount);
  for (let i = 0; i < meshPointCount; i++) {
    if (!moving.has(i) && (mesh[i * 3 + 1]! - cut) * up < 0) weights[i] = 1;
  }
  return weights;
}

/**
 * Create the motion of one generation. Everything derived from the face is held in `scope`.
 *
 * @throws {@link InvalidArgumentError} for a mesh that is not 468 finite points, a bad fps or
 *   frame count, or a mesh track that does not fit the clip (see `assertMeshTrack`).
 * @internal
 */
export function createMeshMotion(options: MeshMotionOptions): MeshMotion {
  const { photoMesh, photoFivePoints, scope, fps, frameCount, meshTrack } = options;
  if (!(photoMesh instanceof Float32Array) || photoMesh.length < meshPointCount * 3) {
    throw new InvalidArgumentError('The photo mesh must be a Float32Array of at least 468 points (x, y, z).');
  }
  if (!(fps > 0) || !Number.isInteger(frameCount) || frameCount < 1) {
    throw new InvalidArgumentError('fps must be positive and frameCount a positive integer.');
  }
  if (meshTrack !== undefined) assertMeshTrack(meshTrack, frameCount);
  const motion = scope.child('mesh-motion');
  try {
    const user = motion.hold(photoMesh.slice(0, meshPointCount * 3), { kind: 'landmarks', label: 'motion.user' });
    return meshTrack
      ? new RetargetedMotion(motion, user, meshTrack)
      : new PresetMotion(motion, user, photoFivePoints, fps);
  } catch (error) {
    motion.purge();
    throw error;
  }
}

/** Recorded template: retarget its expression and pose onto the user's shape. */
class RetargetedMotion implements MeshMotion {
  readonly #track: MeshTrack;
  readonly #weights: Float32Array;
  /** The user's neutral in the template neutral's pose and scale. */
  readonly #userInTemplate: EphemeralHandle<Float32Array>;
  /** `[pose ×12, inverse ×12]`. */
  readonly #pose: EphemeralHandle<Float64Array>;
  readonly #scratch: EphemeralHandle<Float32Array>;
  /** The template neutral's iris offsets (template data), when its track has irises. */
  readonly #neutralGaze: Float32Array | undefined;

  constructor(scope: EphemeralScope, user: EphemeralHandle<Float32Array>, track: MeshTrack) {
    this.#track = track;
    const neutralGaze = new Float32Array(gazeLength);
    this.#neutralGaze = track.pointCount === 478 && gazeOffsets(track.neutral, neutralGaze) ? neutralGaze : undefined;
    const neutral = track.neutral;
    this.#weights = stableWeights(neutral);
    this.#pose = scope.hold(new Float64Array(24), { kind: 'face-transform', label: 'motion.pose' });
    const toTemplate = this.#pose.value.subarray(0, 12);
    if (!fitSimilarity3D(user.value, neutral, this.#weights, meshPointCount, toTemplate)) {
      throw new InvalidArgumentError('The face mesh or the template neutral mesh spans no area; they cannot be aligned.');
    }
    this.#userInTemplate = scope.hold(new Float32Array(meshPointCount * 3), { kind: 'landmarks', label: 'motion.user-in-template' });
    for (let i = 0; i < meshPointCount; i++) applySimilarity3D(toTemplate, user.value, i, this.#userInTemplate.value, i);
    this.#scratch = scope.hold(new Float32Array(new ArrayBuffer(12)), { kind: 'landmarks', label: 'motion.scratch' });
  }

  gazeAt(frameIndex: number, out: Float32Array): boolean {
    const frame = this.#track.frames[frameIndex];
    if (!frame || !this.#neutralGaze) {
      out.fill(0, 0, gazeLength);
      return false;
    }
    return gazeDelta(frame, this.#neutralGaze, out);
  }

  targetAt(frameIndex: number, _framePoints: Float32Array, out: Float32Array): void {
    const frame = this.#track.frames[frameIndex];
    if (!frame) throw new InvalidArgumentError(`frameIndex must be an integer from 0 to ${this.#track.frames.length - 1}.`);
    const neutral = this.#track.neutral;
    const pose = this.#pose.value.subarray(0, 12);
    const inverse = this.#pose.value.subarray(12, 24);
    const user = this.#userInTemplate.value;
    const p = this.#scratch.value;
    if (!fitSimilarity3D(neutral, frame, this.#weights, meshPointCount, pose) || !invertSimilarity3D(pose, inverse)) {
      // A degenerate frame (no face): keep the user's face where the neutral was.
      out.set(user);
      return;
    }
    for (let i = 0; i < meshPointCount; i++) {
      // expression = pose⁻¹(frame) − neutral, in the neutral's space; then back through the pose.
      applySimilarity3D(inverse, frame, i, p, 0);
      for (let c = 0; c < 3; c++) p[c] = user[i * 3 + c]! + p[c]! - neutral[i * 3 + c]!;
      applySimilarity3D(pose, p, 0, out, i);
    }
  }
}

/** Built-in template: the motion preset on the user's own face, placed by five points. */
class PresetMotion implements MeshMotion {
  readonly #fps: number;
  readonly #user: EphemeralHandle<Float32Array>;
  readonly #photoFive: EphemeralHandle<Float32Array>;
  /** `[blink, smile, open]` bases, 468 × 3 each. */
  readonly #basis: EphemeralHandle<Float32Array>;
  /** The expressive mesh of the current frame, before placement. */
  readonly #posed: EphemeralHandle<Float32Array>;
  /** `[pivot x, y, z, iod, ex x, ex y]`: where the head turns about, and the face's axes. */
  readonly #frame: EphemeralHandle<Float64Array>;
  readonly #motion: FaceMotion = { blink: 0, smile: 0, open: 0, yaw: 0, pitch: 0 };

  constructor(scope: EphemeralScope, user: EphemeralHandle<Float32Array>, photoFive: Float32Array, fps: number) {
    if (!(photoFive instanceof Float32Array) || photoFive.length < 10 || !photoFive.subarray(0, 10).every(Number.isFinite)) {
      throw new InvalidArgumentError('photoFivePoints must be 5 finite points (x, y interleaved).');
    }
    this.#fps = fps;
    this.#user = user;
    // Small typed arrays get buffers of their own: V8 keeps ones of 64 bytes or less inside its
    // heap, where the collector may move them and leave an unwiped copy behind (P3).
    const five = new Float32Array(new ArrayBuffer(40));
    five.set(photoFive.subarray(0, 10));
    this.#photoFive = scope.hold(five, { kind: 'landmarks', label: 'motion.photo-points5' });
    const n = meshPointCount * 3;
    const basis = expressionBasis(user.value);
    const all = new Float32Array(3 * n);
    all.set(basis.blink, 0);
    all.set(basis.smile, n);
    all.set(basis.open, 2 * n);
    basis.blink.fill(0);
    basis.smile.fill(0);
    basis.open.fill(0);
    this.#basis = scope.hold(all, { kind: 'landmarks', label: 'motion.basis' });
    this.#posed = scope.hold(new Float32Array(n), { kind: 'landmarks', label: 'motion.posed' });
    const u = user.value;
    const [lx, ly, rx, ry] = [photoFive[0]!, photoFive[1]!, photoFive[2]!, photoFive[3]!];
    const iod = Math.hypot(rx - lx, ry - ly) || 1;
    let cx = 0;
    let cy = 0;
    let cz = 0;
    for (let i = 0; i < meshPointCount; i++) {
      cx += u[i * 3]!;
      cy += u[i * 3 + 1]!;
      cz += u[i * 3 + 2]!;
    }
    // The head turns about a point behind the face, near the neck's axis.
    const axes = new Float64Array(new ArrayBuffer(48));
    axes.set([cx / meshPointCount, cy / meshPointCount, cz / meshPointCount + 1.2 * iod, iod, (rx - lx) / iod, (ry - ly) / iod]);
    this.#frame = scope.hold(axes, { kind: 'face-transform', label: 'motion.frame' });
  }

  gazeAt(_frameIndex: number, out: Float32Array): boolean {
    out.fill(0, 0, gazeLength);
    return false;
  }

  targetAt(frameIndex: number, framePoints: Float32Array, out: Float32Array): void {
    const m = faceMotionAt(frameIndex / this.#fps, this.#motion);
    const user = this.#user.value;
    const basis = this.#basis.value;
    const posed = this.#posed.value;
    const n = meshPointCount * 3;
    for (let k = 0; k < n; k++) {
      posed[k] = user[k]! + m.blink * basis[k]! + m.smile * basis[n + k]! + m.open * basis[2 * n + k]!;
    }
    const [px, py, pz, , exX, exY] = this.#frame.value as unknown as number[];
    // Rotation R = R_yaw(about the face's vertical axis ey) · R_pitch(about its horizontal ex).
    const ey = [-exY!, exX!, 0];
    const ex = [exX!, exY!, 0];
    const rotate = (axis: number[], angle: number, v: number[]): number[] => {
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      const [ax, ay, az] = axis as [number, number, number];
      const dot = ax * v[0]! + ay * v[1]! + az * v[2]!;
      const cross = [ay * v[2]! - az * v[1]!, az * v[0]! - ax * v[2]!, ax * v[1]! - ay * v[0]!];
      return [0, 1, 2].map((i) => v[i]! * c + cross[i]! * s + axis[i]! * dot * (1 - c));
    };
    // The rotation's matrix, from its action on the unit vectors (once per frame).
    const columns = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ].map((e) => rotate(ey, m.yaw, rotate(ex, m.pitch, e)));
    const r = (row: number, col: number) => columns[col]![row]!;
    const fit = fitSimilarity(this.#photoFive.value, framePoints);
    const a = fit.transform;
    for (let i = 0; i < meshPointCount; i++) {
      const x = posed[i * 3]! - px!;
      const y = posed[i * 3 + 1]! - py!;
      const z = posed[i * 3 + 2]! - pz!;
      const rx = r(0, 0) * x + r(0, 1) * y + r(0, 2) * z + px!;
      const ry = r(1, 0) * x + r(1, 1) * y + r(1, 2) * z + py!;
      const rz = r(2, 0) * x + r(2, 1) * y + r(2, 2) * z + pz!;
      out[i * 3] = a[0]! * rx + a[1]! * ry + a[2]!;
      out[i * 3 + 1] = a[3]! * rx + a[4]! * ry + a[5]!;
      out[i * 3 + 2] = rz * fit.scale;
    }
    fit.transform.fill(0);
    fit.inverse.fill(0);
  }
}
