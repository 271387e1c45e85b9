import { isVopopError } from '@vopop/core';

/**
 * Exit codes by error family, so that scripts can tell "bad photo" from "bad template" without
 * parsing messages. Documented in the CLI's `--help`.
 *
 * @public
 */
export const exitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  input: 3,
  face: 4,
  model: 5,
  template: 6,
  render: 7,
  consent: 8,
  output: 9,
  tempStore: 10,
  server: 11,
  aborted: 130,
} as const;

const familyOf: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: exitCodes.usage,
  IMAGE_DECODE: exitCodes.input,
  IMAGE_TOO_LARGE: exitCodes.input,
  INPUT_FILE: exitCodes.input,
  NO_FACE: exitCodes.face,
  MULTIPLE_FACES: exitCodes.face,
  FACE_TOO_SMALL: exitCodes.face,
  POSE_OUT_OF_RANGE: exitCodes.face,
  MODEL_INTEGRITY: exitCodes.model,
  TEMPLATE_INVALID: exitCodes.template,
  RENDER_FAILED: exitCodes.render,
  ENCODER_UNAVAILABLE: exitCodes.render,
  RENDER_SERVICE: exitCodes.render,
  CONSENT_REQUIRED: exitCodes.consent,
  OUTPUT_WRITE: exitCodes.output,
  TEMP_STORE_UNSAFE: exitCodes.tempStore,
  SERVER_LISTEN: exitCodes.server,
  ABORTED: exitCodes.aborted,
};

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  return isVopopError(error) ? (familyOf[error.code] ?? exitCodes.unexpected) : exitCodes.unexpected;
}

/** The error as the one JSON object `--json` prints, or a line for humans. */
export function describeError(error: unknown): { code: string; message: string } {
  if (isVopopError(error)) return { code: error.code, message: error.message };
  // A system error's message quotes the path it was about, which may name a person: keep only
  // the operation and the code.
  const system = error as { syscall?: unknown; code?: unknown } | null;
  if (error instanceof Error && typeof system?.syscall === 'string') {
    return { code: 'UNEXPECTED', message: `a file operation failed (${system.syscall}: ${String(system.code ?? 'error')})` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNEXPECTED', message };
}

/** Exit-code table for `--help` texts. */
export const exitCodeHelp = `Exit codes: 0 ok, 2 usage, 3 photo or video missing, not a file, unreadable or too large,
4 face policy (no face, several, too small, turned away), 5 model integrity, 6 template,
7 render/encode, 8 consent missing,
9 output file refused or not written (exists without --force, a link or device, disk full),
10 temp directory not private (another user's, a link, or open to others),
11 vopop serve could not listen (port taken or not permitted, host not this machine's),
130 aborted (Ctrl-C), 1 anything unexpected.
`;
