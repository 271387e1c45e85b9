import { VopopError } from './vopopError';

/**
 * Why an input file could not be read.
 * - `missing`: nothing exists at the path (or a folder on the way is missing).
 * - `not-a-file`: a directory, a device, a pipe or a socket: only regular files are read, so
 *   that nothing can stall the read or feed it without end.
 * - `not-permitted`: the file exists but this user may not read it.
 * - `too-large`: larger than the limit, measured before reading.
 * - `unreadable`: the system could not read it (an I/O error).
 *
 * @public
 */
export type InputFileProblem = 'missing' | 'not-a-file' | 'not-permitted' | 'too-large' | 'unreadable';

/**
 * Thrown when an input file (a photo, a video, a manifest) cannot be read. The message names
 * what the file was for (`'photo'`) and what is wrong, never the path: a file name can name a
 * person (`jane_doe_passport.jpg`). The system's error code (`ENOENT`) is a field; the
 * system's own error, which quotes the path, is not kept.
 *
 * @public
 */
export class InputFileError extends VopopError {
  readonly code = 'INPUT_FILE' as const;

  constructor(
    /** What was wrong. */
    readonly problem: InputFileProblem,
    /** What the file was for, in words written by code: `'photo'`, `'video'`. */
    readonly subject: string,
    /** Extra facts: the system's error code, and the size and limit for `too-large`. */
    readonly details: { readonly systemCode?: string; readonly size?: number; readonly maxBytes?: number } = {},
  ) {
    super(InputFileError.#message(problem, subject, details));
    this.name = 'InputFileError';
  }

  static #message(problem: InputFileProblem, subject: string, details: InputFileError['details']): string {
    switch (problem) {
      case 'missing':
        return `The ${subject} file does not exist. Check the path (it is not repeated here: a file name can name a person).`;
      case 'not-a-file':
        return `The ${subject} is not a regular file (a folder, a device or a pipe). Give the path of a ${subject} file.`;
      case 'not-permitted':
        return `The ${subject} file cannot be read: permission denied.`;
      case 'too-large':
        return `The ${subject} file is larger than ${details.maxBytes ?? 'the limit of'} bytes, the most accepted; nothing was read.`;
      case 'unreadable':
        return `The ${subject} file could not be read (${details.systemCode ?? 'I/O error'}).`;
    }
  }
}
