import { VopopError } from './vopopError';

/**
 * Thrown when work stops because its `AbortSignal` fired. `cause` holds the signal's reason.
 *
 * @public
 */
export class AbortedError extends VopopError {
  readonly code = 'ABORTED' as const;

  constructor(reason?: unknown) {
    super('The operation was aborted; everything it held has been purged.', { cause: reason });
    this.name = 'AbortedError';
  }
}
