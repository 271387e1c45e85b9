import { VopopError } from './vopopError';

/**
 * Thrown by `generateVideo` when a stage fails in a way no more specific error describes (a
 * platform port throwing something unexpected). `stage` says where; `cause` holds the original.
 * As with every error from a generation, everything it held was purged first.
 *
 * @public
 */
export class GenerationFailedError extends VopopError {
  readonly code = 'GENERATION_FAILED' as const;

  constructor(
    /** The stage that failed. */
    readonly stage: string,
    options: { cause: unknown },
  ) {
    super(
      `The ${stage} stage failed unexpectedly; everything the generation held has been purged. ` +
        'Retry; if it keeps failing, report the cause (error.cause).',
      options,
    );
    this.name = 'GenerationFailedError';
  }
}
