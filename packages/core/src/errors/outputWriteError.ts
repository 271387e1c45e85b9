import { VopopError } from './vopopError';

/**
 * Why an output file was refused or could not be written.
 *
 * Refused before any work starts (nothing was generated):
 * - `exists`: a file is already there, and replacing it was not asked for (`--force`, `force: true`).
 * - `symlink`: the target is a symbolic link; it is never followed nor replaced.
 * - `not-a-file`: the target is a folder, a device (`/dev/full`), a pipe or a socket; only
 *   regular files are written or replaced.
 * - `no-folder`: the folder cannot exist there (a file stands where a folder on the way should be).
 * - `not-writable`: the folder does not let this user create a file (permissions, read-only disk).
 *
 * While writing (the partial file was zeroed and removed, the target left as it was):
 * - `no-space`: the disk or the user's quota is full.
 * - `too-large`: the file-size limit (`ulimit -f`) was reached.
 * - `failed`: any other error of the system while writing.
 *
 * @public
 */
export type OutputWriteReason =
  | 'exists'
  | 'symlink'
  | 'not-a-file'
  | 'no-folder'
  | 'not-writable'
  | 'no-space'
  | 'too-large'
  | 'failed';

/**
 * Thrown when an output file (a generated video, a template manifest or its background video)
 * is refused or cannot be written. Targets are checked before any work starts, so a bad one
 * fails in a second, with nothing read or generated; a write that fails midway leaves no partial
 * file (it is overwritten with zeros and removed) and the target as it was.
 *
 * The message says what the file was for and what is wrong, never the path: a file name can
 * name a person. The system's error code (`ENOSPC`) is a field; the system's own error, which
 * quotes the path, is not kept.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof OutputWriteError && e.reason === 'exists') askBeforeReplacing(); }
 * ```
 * @public
 */
export class OutputWriteError extends VopopError {
  readonly code = 'OUTPUT_WRITE' as const;

  constructor(
    /** What was wrong. */
    readonly reason: OutputWriteReason,
    /** What the file was for, in words written by code: `'video'`, `'template manifest'`. */
    readonly subject: string,
    /** The system's error code (`ENOSPC`, `EACCES`), when the system reported one. */
    readonly systemCode?: string,
  ) {
    super(OutputWriteError.#message(reason, subject, systemCode));
    this.name = 'OutputWriteError';
  }

  static #message(reason: OutputWriteReason, subject: string, systemCode: string | undefined): string {
    const code = systemCode ? ` (${systemCode})` : '';
    switch (reason) {
      case 'exists':
        return `The ${subject} output file already exists; nothing was generated. Choose another name, or pass --force (force: true) to replace it.`;
      case 'symlink':
        return `The ${subject} output path is a symbolic link; links are neither followed nor replaced. Give the path of a regular file.`;
      case 'not-a-file':
        return `The ${subject} output path is not a regular file (a folder, a device or a pipe); nothing was written there. Give a file path.`;
      case 'no-folder':
        return `The ${subject} output file's folder cannot be created${code}: something on the way is not a folder.`;
      case 'not-writable':
        return `The ${subject} output file cannot be created in its folder${code}: check the permissions, and that the disk is not read-only.`;
      case 'no-space':
        return `The ${subject} could not be written${code}: the disk is full. The partial file was wiped and removed.`;
      case 'too-large':
        return `The ${subject} could not be written${code}: it passed the file-size limit. The partial file was wiped and removed.`;
      case 'failed':
        return `The ${subject} could not be written${code}. The partial file was wiped and removed; the target was left as it was.`;
    }
  }
}
