import { VopopError } from './vopopError';

/**
 * Limits on head pose, in degrees (absolute values). There is no roll limit: alignment turns a
 * rolled face upright.
 *
 * @public
 */
export interface PoseLimits {
  readonly maxYawDeg: number;
  readonly maxPitchDeg: number;
}

/**
 * Thrown when the face is turned sideways (yaw) or tilted up or down (pitch) further than the face
 * policy allows: a face seen from the side cannot be mapped onto a frontal template without
 * visible distortion. Roll (rotation in the image plane) is never refused: alignment undoes it.
 * The measured
 * angles are fields, never part of the message, so that logs and `toJSON()` carry no measurement
 * of the face.
 *
 * @public
 */
export class PoseOutOfRangeError extends VopopError {
  readonly code = 'POSE_OUT_OF_RANGE' as const;

  constructor(
    /** Measured yaw in degrees (> 0: turned towards the image's right), rounded to 0.1°. */
    readonly yaw: number,
    /** Measured pitch in degrees (> 0: chin up), rounded to 0.1°. */
    readonly pitch: number,
    /** The limits that were exceeded. */
    readonly limits: PoseLimits,
  ) {
    super(
      `The face is turned too far sideways or up or down (allowed: yaw ±${limits.maxYawDeg}°, ` +
        `pitch ±${limits.maxPitchDeg}°). Use a photo in which the face looks straight at the camera.`,
    );
    this.name = 'PoseOutOfRangeError';
  }
}
