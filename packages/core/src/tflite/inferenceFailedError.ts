import { VopopError } from '../errors/vopopError';

/**
 * Thrown when the platform's inference runtime failed while running a model on a photo, or
 * returned outputs of the wrong size. Every tensor the call made has been wiped by then.
 *
 * @public
 */
export class InferenceFailedError extends VopopError {
  readonly code = 'INFERENCE_FAILED' as const;

  constructor(
    /** The model file name, as pinned. */
    readonly file: string,
    /** What went wrong, in words written by code. */
    readonly reason: 'runtime-error' | 'bad-output',
    options?: { cause?: unknown },
  ) {
    super(
      reason === 'runtime-error'
        ? `The inference runtime failed while running '${file}'.`
        : `The model '${file}' returned outputs of an unexpected size; is it the pinned file?`,
      options,
    );
    this.name = 'InferenceFailedError';
  }
}
