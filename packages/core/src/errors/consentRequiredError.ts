import { VopopError } from './vopopError';

/**
 * Why a consent record was refused: no record; a record that is not well-formed; one for another
 * processing mode; one that does not name the remote service's origin; one given under a notice
 * version the app no longer accepts; one without the age confirmation the app requires, or with
 * a lower age than it requires.
 *
 * @public
 */
export type ConsentRefusalReason =
  | 'missing'
  | 'invalid-record'
  | 'mode-mismatch'
  | 'origin-not-named'
  | 'notice-version-not-accepted'
  | 'age-not-confirmed'
  | 'age-below-limit';

/**
 * Thrown before any work starts when no valid consent record was given (P8). The message says
 * which field was missing or wrong; nothing about the photo has been read at that point.
 *
 * @public
 */
export class ConsentRequiredError extends VopopError {
  readonly code = 'CONSENT_REQUIRED' as const;

  constructor(
    /** What was wrong with the consent record, e.g. `'missing'` or `'purpose'`. */
    readonly problem: string,
    /** The kind of refusal, for the app to choose what to show (ask again, ask for age, …). */
    readonly reason: ConsentRefusalReason = problem === 'missing' ? 'missing' : 'invalid-record',
  ) {
    super(
      problem === 'missing'
        ? 'A consent record is required before a photo can be processed: show your notice, ' +
            'record the person\'s agreement and pass it as `consent`.'
        : `The consent record is not valid (${problem}); record the person's agreement again ` +
            'with the current notice and pass it as `consent`.',
    );
    this.name = 'ConsentRequiredError';
  }
}
