import { VopopError } from '@vopop/core';

/**
 * Thrown when the person did not allow what an explicit SDK call needed: today, adding the
 * video to the photo library. Nothing was written, and the temporary file is already deleted.
 *
 * @public
 */
export class PermissionDeniedError extends VopopError {
  readonly code = 'PERMISSION_DENIED' as const;

  constructor(
    /** What was refused. */
    readonly permission: 'photo-library-add',
    /** Whether the system would show the question again (`false`: only the Settings app can change it). */
    readonly canAskAgain: boolean,
  ) {
    super(
      canAskAgain
        ? 'Saving to the photo library was not allowed. Ask again when the person chooses to save.'
        : 'Saving to the photo library is turned off for this app; the person can allow it in Settings.',
    );
    this.name = 'PermissionDeniedError';
  }
}
