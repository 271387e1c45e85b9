import type { TemplateIssue, VopopErrorCode } from '@vopop/core';
import {
  AbortedError,
  ConsentRequiredError,
  EncoderUnavailableError,
  FaceTooSmallError,
  GenerationFailedError,
  ImageDecodeError,
  ImageTooLargeError,
  InvalidArgumentError,
  ModelIntegrityError,
  MultipleFacesError,
  NoFaceError,
  PoseOutOfRangeError,
  PurgeFailedError,
  PurgedError,
  RenderFailedError,
  RenderServiceError,
  TemplateInvalidError,
  VopopError,
  isVopopError,
} from '@vopop/core';
import type { SerializedVopopError } from './workerProtocol';

type Field = SerializedVopopError['fields'][string];

/** A template issue's path and message: short strings written by the SDK. */
function isPlainIssue(value: unknown): value is TemplateIssue {
  if (typeof value !== 'object' || value === null) return false;
  const { path, message } = value as Partial<TemplateIssue>;
  return typeof path === 'string' && path.length <= 200 && typeof message === 'string' && message.length <= 300;
}

/** A scalar the SDK measured or chose: a number, a boolean, null, or a short string. */
function isPlainScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 200);
}

/**
 * A flat object of scalars (a `RenderServiceError`'s `details`: status, problem code, attempts),
 * which the revived error's getters read.
 */
function plainRecord(value: unknown): Readonly<Record<string, string | number | boolean | null>> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length > 16 || !entries.every(([, entry]) => isPlainScalar(entry))) return undefined;
  return Object.fromEntries(entries) as Record<string, string | number | boolean | null>;
}

/** Fields an error may carry across: measured values only. `cause` and `stack` never cross. */
function plainField(value: unknown): Field | undefined {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length <= 200 ? value : undefined;
  if (Array.isArray(value) && value.length <= 16 && value.every((v) => typeof v === 'number' || (typeof v === 'string' && v.length <= 64))) {
    return value as (string | number)[];
  }
  // A TemplateInvalidError's issues (at most 50), so the page can point at the manifest field.
  if (Array.isArray(value) && value.length > 0 && value.length <= 50 && value.every(isPlainIssue)) {
    return value.map(({ path, message }) => ({ path, message }));
  }
  return plainRecord(value);
}

/**
 * Flatten an error for `postMessage`. An SDK error keeps its code, message and plain fields; any
 * other error becomes `UNKNOWN` with its name only (its message may quote anything).
 *
 * @internal
 */
export function serializeError(error: unknown): SerializedVopopError {
  if (!isVopopError(error)) {
    const name = error instanceof Error ? error.name : typeof error;
    return { code: 'UNKNOWN', name, message: `The generation failed in the worker (${name}).`, fields: {} };
  }
  const fields: Record<string, Field> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'code' || key === 'name' || key === 'message' || key === 'cause' || key === 'stack') continue;
    const field = plainField(value);
    if (field !== undefined) fields[key] = field;
  }
  return { code: error.code, name: error.name, message: error.message, fields };
}

type ErrorClass = abstract new (...args: never[]) => VopopError;

/** By code, not by class name: bundlers may rename classes, never string literals. */
const classByCode: Readonly<Partial<Record<VopopErrorCode, ErrorClass>>> = {
  ABORTED: AbortedError,
  CONSENT_REQUIRED: ConsentRequiredError,
  ENCODER_UNAVAILABLE: EncoderUnavailableError,
  FACE_TOO_SMALL: FaceTooSmallError,
  GENERATION_FAILED: GenerationFailedError,
  IMAGE_DECODE: ImageDecodeError,
  IMAGE_TOO_LARGE: ImageTooLargeError,
  INVALID_ARGUMENT: InvalidArgumentError,
  MODEL_INTEGRITY: ModelIntegrityError,
  MULTIPLE_FACES: MultipleFacesError,
  NO_FACE: NoFaceError,
  POSE_OUT_OF_RANGE: PoseOutOfRangeError,
  PURGE_FAILED: PurgeFailedError,
  PURGED: PurgedError,
  RENDER_FAILED: RenderFailedError,
  RENDER_SERVICE: RenderServiceError,
  TEMPLATE_INVALID: TemplateInvalidError,
};

/**
 * Rebuild an SDK error on the page: an instance of the same core class (so `instanceof
 * NoFaceError` and `isVopopError` work there), with the same code, message and fields. The
 * worker-side stack is not carried.
 *
 * @internal
 */
export function reviveError(serialized: SerializedVopopError): Error {
  const errorClass =
    serialized.code === 'UNKNOWN' ? undefined : (classByCode[serialized.code] ?? (VopopError as ErrorClass));
  const error: Error = errorClass
    ? (Object.create(errorClass.prototype as object) as Error)
    : new Error(serialized.message);
  Object.defineProperty(error, 'message', { value: serialized.message, writable: true, configurable: true });
  Object.defineProperty(error, 'name', { value: serialized.name, writable: true, configurable: true });
  Object.defineProperty(error, 'stack', {
    value: `${serialized.name}: ${serialized.message}\n    at (vopop worker)`,
    writable: true,
    configurable: true,
  });
  if (serialized.code !== 'UNKNOWN') {
    Object.defineProperty(error, 'code', { value: serialized.code, enumerable: true });
  }
  for (const [key, value] of Object.entries(serialized.fields)) {
    Object.defineProperty(error, key, { value, enumerable: true });
  }
  return error;
}
