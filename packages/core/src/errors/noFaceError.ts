import { VopopError } from './vopopError';

/**
 * Thrown when the photo holds no face the detector could find. Usual causes: the face is too
 * small in the frame (the detector is tuned for faces that fill a good part of a selfie), turned
 * far away, covered, or the photo is very dark or blurred.
 *
 * @public
 */
export class NoFaceError extends VopopError {
  readonly code = 'NO_FACE' as const;

  constructor(
    message = 'No face was found in the photo. Use a photo in which one face, seen from the front, ' +
      'fills a good part of the picture, in even light.',
  ) {
    super(message);
    this.name = 'NoFaceError';
  }
}
