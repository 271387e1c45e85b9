import { VopopError } from './vopopError';

/**
 * Thrown when the face is too small in the photo for a sharp result: the distance between the eye
 * centres, in photo pixels, is below the policy's minimum. Upscaling a tiny face makes a blurred
 * video, so the SDK refuses early. The measured value is a field, never part of the message, so
 * that logs and `toJSON()` carry no measurement of the face.
 *
 * @public
 */
export class FaceTooSmallError extends VopopError {
  readonly code = 'FACE_TOO_SMALL' as const;

  constructor(
    /** Measured distance between the eye centres, in photo pixels (rounded to 0.1 px). */
    readonly measured: number,
    /** The policy's minimum, in photo pixels. */
    readonly minimum: number,
  ) {
    super(
      `The face is too small in the photo (fewer than ${minimum} px between the eyes). ` +
        'Use a closer or higher-resolution photo.',
    );
    this.name = 'FaceTooSmallError';
  }
}
