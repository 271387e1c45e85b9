import { VopopError } from './vopopError';

/**
 * Limits on head pose, in degrees (absolute values).
 *
 * @public
 */
export interface PoseLimits {
  readonly maxYawDeg: number;
  readonly maxPitchDeg: number;
  readonly maxRollDeg: number;
}

/**
 * Thrown when the face is turned or tilted further than the face policy allows: a face seen from
 * the side cannot be mapped onto a frontal template without visible distortion. The measured
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
    /** Measured roll in degrees (> 0: clockwise on screen), rounded to 0.1°. */
    readonly roll: number,
    /** The limits that were exceeded. */
    readonly limits: PoseLimits,
  ) {
    super(
      `The face is turned or tilted too far (allowed: yaw ±${limits.maxYawDeg}°, pitch ` +
        `±${limits.maxPitchDeg}°, roll ±${limits.maxRollDeg}°). Use a photo in which the face ` +
        'looks straight at the camera.',
    );
    this.name = 'PoseOutOfRangeError';
  }
}
