import { InvalidArgumentError } from '../../errors/invalidArgumentError';

/**
 * Points in a face mesh: 468 (face mesh) or 478 (attention mesh: the same 468 plus 5 points per
 * iris, 468–472 right iris, 473–477 left iris). Only the first 468 are triangulated.
 *
 * @public
 */
export type MeshPointCount = 468 | 478;

/**
 * A template's face as a dense mesh per frame: what the mesh renderer follows for head pose and
 * expression. Template data, not personal data (it describes the template's actor or a synthetic
 * face), so it is not held in an ephemeral handle.
 *
 * Every mesh is a `Float32Array` of `pointCount * 3` numbers, `x, y, z` per point, in the
 * template's frame pixels (`x` right, `y` down, `z` relative depth on the same scale as `x`,
 * smaller = nearer the camera, as the detector reports it). Points are in MediaPipe's canonical
 * face-mesh order, so index `i` is the same place on the face in every frame and in the user's
 * mesh.
 *
 * Produced by the template parser (format v2 `mesh` face track) and consumed by the mesh
 * renderer, which retargets: `target_t = pose_t · (userNeutral + (frames[t] − neutral))`.
 *
 * @public
 */
export interface MeshTrack {
  /** 468 or 478; the same for `neutral` and every frame. */
  readonly pointCount: MeshPointCount;
  /**
   * The template face at rest (eyes open, mouth closed, looking at the camera), in frame pixels:
   * the reference that expressions are measured against. Usually one of the frames.
   */
  readonly neutral: Float32Array;
  /** One mesh per template frame (`frames.length === template.frameCount`). */
  readonly frames: readonly Float32Array[];
}

/**
 * Check that `track` is a well-formed {@link MeshTrack} for a clip of `frameCount` frames: a
 * point count of 468 or 478, a neutral mesh and exactly `frameCount` frame meshes, each a
 * `Float32Array` of `pointCount * 3` finite numbers.
 *
 * @throws {@link InvalidArgumentError} naming the first thing wrong.
 * @public
 */
export function assertMeshTrack(track: unknown, frameCount: number): asserts track is MeshTrack {
  if (typeof track !== 'object' || track === null) {
    throw new InvalidArgumentError('A mesh track must be an object { pointCount, neutral, frames }.');
  }
  const { pointCount, neutral, frames } = track as Partial<MeshTrack>;
  if (pointCount !== 468 && pointCount !== 478) {
    throw new InvalidArgumentError('A mesh track needs pointCount 468 or 478.');
  }
  const length = pointCount * 3;
  const meshProblem = (mesh: unknown): string | undefined => {
    if (!(mesh instanceof Float32Array) || mesh.length !== length) {
      return `must be a Float32Array of ${length} numbers (x, y, z per point)`;
    }
    for (let i = 0; i < length; i++) if (!Number.isFinite(mesh[i]!)) return `has a non-finite number at ${i}`;
    return undefined;
  };
  const neutralProblem = meshProblem(neutral);
  if (neutralProblem) throw new InvalidArgumentError(`The mesh track's neutral mesh ${neutralProblem}.`);
  if (!Array.isArray(frames) || frames.length !== frameCount) {
    throw new InvalidArgumentError(`A mesh track needs exactly ${frameCount} frame meshes (one per frame).`);
  }
  for (let f = 0; f < frames.length; f++) {
    const problem = meshProblem(frames[f]);
    if (problem) throw new InvalidArgumentError(`The mesh of frame ${f} ${problem}.`);
  }
}
