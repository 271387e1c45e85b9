import { VopopError } from '../errors/vopopError';

/**
 * Thrown when a verified model file could not be loaded by the platform's inference runtime
 * (a native TFLite interpreter refused it, or the runtime is missing). The bytes had already
 * passed their SHA-256 check; nothing of the photo exists yet when this is raised.
 *
 * @public
 */
export class ModelLoadError extends VopopError {
  readonly code = 'MODEL_LOAD' as const;

  constructor(
    /** The model file name, as pinned (never a user-supplied path). */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(`The inference runtime could not load the model '${file}'. Check that the native module is installed and linked.`, options);
    this.name = 'ModelLoadError';
  }
}
