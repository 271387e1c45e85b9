import { VopopError } from './vopopError';

/**
 * Thrown when an API is called with an argument it cannot accept (wrong type, out of range).
 * The message names the argument and what was expected.
 *
 * @public
 */
export class InvalidArgumentError extends VopopError {
  readonly code = 'INVALID_ARGUMENT' as const;

  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
  }
}
