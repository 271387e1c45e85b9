import type { FaceLandmarks } from '../detect/faceLandmarks';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import { FaceTooSmallError } from '../errors/faceTooSmallError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { MultipleFacesError } from '../errors/multipleFacesError';
import { NoFaceError } from '../errors/noFaceError';
import { PoseOutOfRangeError } from '../errors/poseOutOfRangeError';
import { estimateHeadPose } from '../align/headPose';
import { fivePointsFromMesh } from '../align/fivePoints';
import type { FacePolicy } from './facePolicy';
import { resolveFacePolicy } from './facePolicy';

/**
 * Pick the one face a generation will use, and check it against the face policy.
 *
 * `selectFace` takes charge of every handle passed in. On success it returns the chosen face's
 * handle, still live, and has purged all the others: a bystander's face is personal data that
 * nothing downstream needs, so it is destroyed at the earliest moment rather than when the
 * generation's scope ends. When it throws (no face, several under `'reject'`, face too small,
 * pose out of range, bad policy or bad input), it has purged every handle passed in, so a refused
 * photo leaves no face data behind. Purging an already-purged handle is harmless, so callers
 * whose scope also owns the handles lose nothing.
 *
 * With `multiple: 'largest'` the face with the largest box area wins (ties: the higher detector
 * score). The eye distance is measured between the eye-contour centres that alignment uses.
 *
 * @throws {@link NoFaceError} for an empty list; {@link MultipleFacesError} (`count`) for several
 * faces under `'reject'`; {@link FaceTooSmallError} (`measured`, `minimum`);
 * {@link PoseOutOfRangeError} (`yaw`, `pitch`, `limits`; roll is never refused); {@link InvalidArgumentError}
 * for a bad policy, a purged handle or a value that is not a 468/478-point mesh.
 * @public
 */
export function selectFace(
  faces: readonly EphemeralHandle<FaceLandmarks>[],
  policy: FacePolicy = {},
): EphemeralHandle<FaceLandmarks> {
  if (!Array.isArray(faces)) {
    throw new InvalidArgumentError('selectFace: faces must be an array of face handles.');
  }
  let chosen: EphemeralHandle<FaceLandmarks> | undefined;
  try {
    const limits = resolveFacePolicy(policy);
    if (faces.length === 0) throw new NoFaceError();
    for (const face of faces) {
      if (!face?.isLive) {
        throw new InvalidArgumentError('selectFace: every face handle must be live (one was purged or moved).');
      }
    }
    if (faces.length > 1 && limits.multiple === 'reject') throw new MultipleFacesError(faces.length);

    let bestArea = -Infinity;
    let bestScore = -Infinity;
    for (const face of faces) {
      const { box, score } = face.value;
      const area = Math.max(0, box[2]! - box[0]!) * Math.max(0, box[3]! - box[1]!);
      const s = score[0] ?? 0;
      if (area > bestArea || (area === bestArea && s > bestScore)) {
        chosen = face;
        bestArea = area;
        bestScore = s;
      }
    }
    const landmarks = (chosen as EphemeralHandle<FaceLandmarks>).value;

    const five = fivePointsFromMesh(landmarks);
    const interOcular = Math.hypot(five[2]! - five[0]!, five[3]! - five[1]!);
    five.fill(0);
    if (!(interOcular >= limits.minInterOcularPx)) {
      throw new FaceTooSmallError(round1(interOcular), limits.minInterOcularPx);
    }

    const pose = estimateHeadPose(landmarks);
    // Roll is not limited: the alignment's similarity turns a rolled face upright.
    if (Math.abs(pose.yaw) > limits.maxYawDeg || Math.abs(pose.pitch) > limits.maxPitchDeg) {
      throw new PoseOutOfRangeError(round1(pose.yaw), round1(pose.pitch), {
        maxYawDeg: limits.maxYawDeg,
        maxPitchDeg: limits.maxPitchDeg,
      });
    }
  } catch (error) {
    // The refusal is what the caller needs to see; a wiper failure here still purged the rest.
    purgeAll(faces, undefined);
    throw error;
  }
  const failure = purgeAll(faces, chosen);
  if (failure !== undefined) {
    // A bystander's face could not be wiped: fail closed, with the chosen face purged as well.
    purgeAll(faces, undefined);
    throw failure;
  }
  return chosen as EphemeralHandle<FaceLandmarks>;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Purge every handle except `keep`, carrying on past a failing wiper; returns the first failure. */
function purgeAll(
  faces: readonly EphemeralHandle<FaceLandmarks>[],
  keep: EphemeralHandle<FaceLandmarks> | undefined,
): unknown {
  let failure: unknown;
  for (const face of faces) {
    if (face === keep || typeof face?.purge !== 'function') continue;
    try {
      face.purge();
    } catch (error) {
      failure ??= error;
    }
  }
  return failure;
}
