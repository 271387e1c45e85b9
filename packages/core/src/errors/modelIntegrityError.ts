import { VopopError } from './vopopError';

/**
 * Why a model file was refused.
 *
 * - `mismatch`: its size or SHA-256 differs from the pinned value (corrupted, truncated or
 *   replaced).
 * - `not-pinned`: a graph referenced a file that the manifest does not list.
 * - `unreadable`: the file could not be read at all (missing, or the source failed).
 *
 * @public
 */
export type ModelIntegrityReason = 'mismatch' | 'not-pinned' | 'unreadable';

/**
 * Thrown when a model file does not match its pinned SHA-256 (or size), is not pinned at all, or
 * cannot be read. It is raised before tfjs sees any byte of the model, so no tensor exists.
 *
 * The fix is on the app's side: reinstall or re-copy the model files shipped with
 * `@vopop/models` (the SDK never downloads a replacement).
 *
 * @public
 */
export class ModelIntegrityError extends VopopError {
  readonly code = 'MODEL_INTEGRITY' as const;

  constructor(
    /** The model file name, as pinned in the manifest (never a user-supplied path). */
    readonly file: string,
    /** What went wrong. */
    readonly reason: ModelIntegrityReason,
    /** Pinned SHA-256, lowercase hex; empty when the file is not pinned. */
    readonly expectedSha256: string,
    /** SHA-256 of the bytes received, lowercase hex; empty when nothing could be read. */
    readonly actualSha256: string,
    /** Pinned size in bytes; -1 when the file is not pinned. */
    readonly expectedBytes: number,
    /** Size of the bytes received; -1 when nothing could be read. */
    readonly actualBytes: number,
    options?: { cause?: unknown },
  ) {
    super(ModelIntegrityError.#describe(file, reason, expectedBytes, actualBytes), options);
    this.name = 'ModelIntegrityError';
  }

  static #describe(file: string, reason: ModelIntegrityReason, expected: number, actual: number): string {
    switch (reason) {
      case 'mismatch':
        return (
          `The model file '${file}' does not match its pinned SHA-256` +
          (expected !== actual ? ` (${actual} bytes, expected ${expected})` : '') +
          '; it is corrupted or was replaced. Reinstall @vopop/models or re-copy its files.'
        );
      case 'not-pinned':
        return (
          `A model graph refers to '${file}', which is not in the pinned manifest; ` +
          'only the files listed in @vopop/models can be loaded.'
        );
      case 'unreadable':
        return (
          `The model file '${file}' could not be read. Check that the files from ` +
          '@vopop/models are installed (Node) or served from your own origin (web).'
        );
    }
  }
}
