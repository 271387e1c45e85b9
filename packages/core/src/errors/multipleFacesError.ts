import { VopopError } from './vopopError';

/**
 * Thrown when the photo holds several faces and the face policy says to refuse rather than pick
 * one (`multiple: 'reject'`).
 *
 * @public
 */
export class MultipleFacesError extends VopopError {
  readonly code = 'MULTIPLE_FACES' as const;

  constructor(
    /** How many faces were found. */
    readonly count: number,
  ) {
    super(
      `The photo holds ${count} faces, and this app accepts only photos of one person. ` +
        'Use a photo with a single face, or crop it to one face.',
    );
    this.name = 'MultipleFacesError';
  }
}
