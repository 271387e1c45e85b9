import { VopopError } from './vopopError';

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
