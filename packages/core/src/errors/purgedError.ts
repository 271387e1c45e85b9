import { VopopError } from './vopopError';

/**
 * Thrown when a handle or scope is used after it was purged or moved. Seeing it means code
 * kept a reference to personal data past its lifetime, which is exactly what purging prevents.
 *
 * @public
 */
export class PurgedError extends VopopError {
  readonly code = 'PURGED' as const;

  constructor(
    message = 'This ephemeral value has been purged; it cannot be read again.',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PurgedError';
  }
}
