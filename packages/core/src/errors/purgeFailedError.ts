import type { PurgeReceipt } from '../purge/purgeReceipt';
import { VopopError } from './vopopError';

/**
 * Thrown after a purge in which one or more wipers failed. Every other handle was still wiped:
 * a failing wiper never stops the rest. `errors` holds each wiper's error and `receipt` the
 * full receipt, whose records mark the failed handles.
 *
 * @public
 */
export class PurgeFailedError extends VopopError {
  readonly code = 'PURGE_FAILED' as const;

  constructor(
    /** What each failing wiper threw, in purge order. */
    readonly errors: readonly unknown[],
    /** The receipt of the purge, complete for every handle. */
    readonly receipt: PurgeReceipt,
  ) {
    super(
      `${errors.length} of ${receipt.records.length} ephemeral values could not be wiped; ` +
        'the others were. See `errors` for the causes and `receipt` for which handles failed.',
    );
    this.name = 'PurgeFailedError';
  }
}
