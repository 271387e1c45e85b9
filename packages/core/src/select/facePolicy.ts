import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalidArgumentError';

/**
 * Which face to use and which faces to refuse, passed to {@link selectFace}. Every field is
 * optional; {@link defaultFacePolicy} says what an omitted field means.
 *
 * @public
 */
export interface FacePolicy {
  /**
   * What to do when the photo holds several faces: `'largest'` uses the face with the largest
   * box and purges the others; `'reject'` throws {@link MultipleFacesError}. Default `'largest'`:
   * the app's own consent step decides whose face it is (a selfie app asks its user). Where
   * consent is recorded for "the person in the photo" without seeing it, as the `vopop` CLI's
   * `--consent` does, use `'reject'` (the CLI's default), so that nobody is picked out of a group.
   */
  readonly multiple?: 'largest' | 'reject';
  /** Smallest accepted distance between the eye centres, in photo pixels. Default 32. */
  readonly minInterOcularPx?: number;
  /** Largest accepted |yaw| in degrees (0…90). Default 30. */
  readonly maxYawDeg?: number;
  /** Largest accepted |pitch| in degrees (0…90). Default 30. */
  readonly maxPitchDeg?: number;
  // No roll limit: roll is rotation in the image plane, which alignment undoes exactly, so a
  // tilted head or a sideways photo whose EXIF orientation was lost is turned upright instead.
}

/** A {@link FacePolicy} with every field filled in. @public */
export type ResolvedFacePolicy = Required<FacePolicy>;

/**
 * The defaults, and why:
 * - `minInterOcularPx: 32`: the canonical crop puts the eyes 31 % of its side apart (35 px in the
 *   112 px ArcFace crop), so below ~32 px even the smallest standard crop must be upscaled and the
 *   video turns soft. Stricter apps raise it (80 px suits a 256 px crop); the demo photo measures
 *   about 43 px, so 40 would sit too close to it for detector noise.
 * - `maxYawDeg: 30`, `maxPitchDeg: 30`: beyond about 30° one side of the face is foreshortened
 *   (cos 30° = 0.87) and hides part of itself, which a 2-D similarity onto a frontal template
 *   cannot undo; the mesh's own accuracy also drops. Real frontal fixtures measure within ±14°
 *   of pitch (the mesh reads a few degrees of bias, see {@link estimateHeadPose}).
 * - no roll limit: roll is rotation in the image plane, which the alignment's similarity removes
 *   exactly, and the detector also looks at a photo turned by 90°, 180° and 270° when it is not
 *   sure of an upright face, so a tilted head or a sideways photo without its EXIF orientation
 *   comes out upright.
 *
 * @public
 */
export const defaultFacePolicy: Readonly<ResolvedFacePolicy> = Object.freeze({
  multiple: 'largest',
  minInterOcularPx: 32,
  maxYawDeg: 30,
  maxPitchDeg: 30,
});

const facePolicySchema = z.strictObject({
  multiple: z.enum(['largest', 'reject']).default(defaultFacePolicy.multiple),
  minInterOcularPx: z.number().min(0).max(100_000).default(defaultFacePolicy.minInterOcularPx),
  maxYawDeg: z.number().min(0).max(90).default(defaultFacePolicy.maxYawDeg),
  maxPitchDeg: z.number().min(0).max(90).default(defaultFacePolicy.maxPitchDeg),
});

/**
 * Validate a face policy and fill in the defaults.
 *
 * @throws {@link InvalidArgumentError} naming each bad field (unknown keys included, so that a
 * misspelt limit is not silently ignored).
 * @public
 */
export function resolveFacePolicy(policy: FacePolicy = {}): ResolvedFacePolicy {
  const parsed = facePolicySchema.safeParse(policy);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'policy'}: ${issue.message}`)
      .join('; ');
    throw new InvalidArgumentError(`Invalid face policy (${problems}).`);
  }
  return parsed.data;
}
