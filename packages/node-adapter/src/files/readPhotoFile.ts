import { ImageTooLargeError, photoDecodeLimits } from '@vopop/core';
import { readBoundedFile } from './readBoundedFile';

/**
 * Options of {@link readPhotoFile}.
 *
 * @public
 */
export interface ReadPhotoFileOptions {
  /** Largest file accepted. Default: the decoders' own default (`photoDecodeLimits.maxBytes`). */
  readonly maxBytes?: number;
  /** Stops the read between chunks; the error is then an `AbortedError`. */
  readonly signal?: AbortSignal;
}

/**
 * Read a photo file for `generateVideo`, refusing before reading what the decoder would refuse
 * after: a file over the byte limit (`ImageTooLargeError`, limit `'bytes'`), and anything that
 * is not a regular file: a folder, a device such as `/dev/zero` that never ends, or a FIFO that
 * would hold the read (and Ctrl-C) until someone writes to it (`InputFileError`). Type and size
 * come from the open descriptor; a symbolic link to a photo is followed. The read honours
 * `signal` between chunks.
 *
 * The result is the only copy of the bytes (no buffer left behind for the garbage collector),
 * so the generation's purge wipes exactly what was read. Messages never contain the path: a
 * file name can name a person.
 *
 * @example
 * ```ts
 * const photo = await readPhotoFile('me.jpg', { signal });
 * const result = await generateVideo({ photo, consent, signal }, platform);
 * ```
 * @throws `InputFileError` (missing, not a regular file, not permitted, unreadable),
 * `ImageTooLargeError`, `AbortedError`.
 * @public
 */
export function readPhotoFile(file: string, options: ReadPhotoFileOptions = {}): Promise<Uint8Array> {
  return readBoundedFile(file, {
    subject: 'photo',
    maxBytes: options.maxBytes ?? photoDecodeLimits.maxBytes,
    signal: options.signal,
    tooLarge: (size, maxBytes) => new ImageTooLargeError('bytes', size, maxBytes),
  });
}
