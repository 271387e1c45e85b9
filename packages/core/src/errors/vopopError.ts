/**
 * Every failure the SDK reports, as a literal code. Apps switch on `error.code`; the union
 * grows as stages are added, and a code is never reused for a different meaning.
 *
 * @public
 */
export type VopopErrorCode =
  | 'PURGED'
  | 'PURGE_FAILED'
  | 'INVALID_ARGUMENT'
  | 'ABORTED'
  | 'NO_FACE'
  | 'MULTIPLE_FACES'
  | 'FACE_TOO_SMALL'
  | 'POSE_OUT_OF_RANGE'
  | 'IMAGE_DECODE'
  | 'IMAGE_TOO_LARGE'
  | 'MODEL_INTEGRITY'
  | 'TEMPLATE_INVALID'
  | 'CONSENT_REQUIRED'
  | 'RENDER_FAILED'
  | 'ENCODER_UNAVAILABLE'
  | 'RENDER_SERVICE'
  | 'GENERATION_FAILED'
  | 'TEMP_STORE_UNSAFE'
  | 'INPUT_FILE'
  | 'OUTPUT_WRITE'
  | 'MODEL_LOAD'
  | 'INFERENCE_FAILED'
  | 'PERMISSION_DENIED'
  | 'SERVER_LISTEN';

/**
 * Base class of every error the SDK throws on purpose. `code` is a literal so that
 * `switch (error.code)` narrows to the subclass's extra fields.
 *
 * Messages say what was wrong and what to do; they never contain personal data (no pixel
 * values, no landmark coordinates, no file names supplied by end users).
 *
 * @public
 */
export abstract class VopopError extends Error {
  /** The machine-readable failure kind. */
  abstract readonly code: VopopErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // `new.target.name` keeps the subclass name after minification only if the bundler keeps
    // class names; set it explicitly in each subclass instead of relying on it.
    this.name = 'VopopError';
  }

  /** A plain object for logs and `--json` output: the code and message, nothing else. */
  toJSON(): { code: VopopErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * True when `value` is an error thrown on purpose by the SDK. Works across duplicate copies of
 * the package (ESM and CJS loaded side by side), where `instanceof` would not.
 *
 * @public
 */
export function isVopopError(value: unknown): value is VopopError {
  return (
    value instanceof VopopError ||
    (value instanceof Error &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { toJSON?: unknown }).toJSON === 'function' &&
      (value as Error).name.endsWith('Error'))
  );
}
