import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { AbortedError, InputFileError } from '@vopop/core';

/**
 * How `openRegularFile` and {@link readBoundedFile} treat a file.
 *
 * @public
 */
export interface BoundedFileOptions {
  /** What the file is for, in words written by code (`'photo'`): the messages say it, never the path. */
  readonly subject: string;
  /** Largest accepted size in bytes, checked on the open descriptor before anything is read. */
  readonly maxBytes: number;
  /** Refuse a symbolic link instead of following it. Default `false`: a linked photo is normal. */
  readonly noFollow?: boolean;
  /** Stops the read between chunks; the error is then an `AbortedError`. */
  readonly signal?: AbortSignal | undefined;
  /** The error for a file over `maxBytes`; default an `InputFileError` (`'too-large'`). */
  readonly tooLarge?: (size: number, maxBytes: number) => Error;
}

/** Read at most this much per call, so that an abort is noticed between chunks of a large file. */
const chunkBytes = 4 << 20;

/** The error for a failed `open`, by the system's code; the system's message (it quotes the path) is dropped. */
function openError(error: unknown, subject: string): InputFileError {
  const systemCode = (error as NodeJS.ErrnoException | null)?.code ?? 'unknown';
  switch (systemCode) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new InputFileError('missing', subject, { systemCode });
    case 'EACCES':
    case 'EPERM':
      return new InputFileError('not-permitted', subject, { systemCode });
    case 'ELOOP':
    case 'EISDIR':
    case 'ENXIO':
      return new InputFileError('not-a-file', subject, { systemCode });
    default:
      return new InputFileError('unreadable', subject, { systemCode });
  }
}

/**
 * Open a file for reading and make sure it is a regular file of at most `maxBytes`, judged from
 * the open descriptor (`fstat`), so that nothing swapped in after a check by name can slip past.
 * It is opened non-blocking: a FIFO would otherwise hold the open (and Ctrl-C with it) until a
 * writer appears; it is refused by its type instead, as are folders and devices (`/dev/zero`
 * would never end). The caller closes the handle; on a refusal it is closed here.
 *
 * @throws `InputFileError` (missing, not a regular file, not permitted, too large, unreadable), or
 * the `tooLarge` error.
 * @internal
 */
export async function openRegularFile(
  file: string,
  options: BoundedFileOptions,
): Promise<{ readonly handle: FileHandle; readonly size: number }> {
  const { subject, maxBytes } = options;
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
  let handle: FileHandle;
  try {
    handle = await open(file, flags);
  } catch (error) {
    throw openError(error, subject);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new InputFileError('not-a-file', subject);
    if (stats.size > maxBytes) {
      throw options.tooLarge?.(stats.size, maxBytes) ?? new InputFileError('too-large', subject, { size: stats.size, maxBytes });
    }
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** `handle.read` with the system's error (it can quote the path) replaced by an `InputFileError`. */
async function readChunk(handle: FileHandle, into: Uint8Array, offset: number, length: number, subject: string): Promise<number> {
  try {
    return (await handle.read(into, offset, length, null)).bytesRead;
  } catch (error) {
    throw new InputFileError('unreadable', subject, { systemCode: (error as NodeJS.ErrnoException).code ?? 'unknown' });
  }
}

/**
 * The whole of a regular file of at most `maxBytes`, read in chunks that honour `signal`.
 * Type and size are checked on the open descriptor before anything is read
 * (`openRegularFile`); a file that grows past the cap while it is read is given up as
 * soon as it does. The result is one buffer of exactly the file's length, the only copy: any
 * buffer outgrown on the way, and the partial bytes of a read that fails or is aborted, are
 * zero-filled, since the file may be a photo. The file is closed on every path.
 *
 * @throws `InputFileError`, the `tooLarge` error, or `AbortedError`.
 * @public
 */
export async function readBoundedFile(file: string, options: BoundedFileOptions): Promise<Uint8Array> {
  const { subject, maxBytes, signal } = options;
  const tooLarge = (size: number) =>
    options.tooLarge?.(size, maxBytes) ?? new InputFileError('too-large', subject, { size, maxBytes });
  if (signal?.aborted) throw new AbortedError(signal.reason);
  const { handle, size } = await openRegularFile(file, options);
  let buffer = new Uint8Array(size);
  let length = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw new AbortedError(signal.reason);
      if (length === buffer.length) {
        // Full: the file has ended, or grown since fstat. A one-byte probe tells which.
        const probe = new Uint8Array(1);
        if ((await readChunk(handle, probe, 0, 1, subject)) === 0) break;
        if (length + 1 > maxBytes) throw tooLarge(length + 1);
        const grown = new Uint8Array(Math.min(Math.max(2 * buffer.length, 64 * 1024), maxBytes));
        grown.set(buffer.subarray(0, length));
        grown[length++] = probe[0]!;
        probe.fill(0);
        buffer.fill(0);
        buffer = grown;
        continue;
      }
      const bytesRead = await readChunk(handle, buffer, length, Math.min(buffer.length - length, chunkBytes), subject);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
  } catch (error) {
    buffer.fill(0);
    throw error;
  } finally {
    await handle.close();
  }
  // Shrunk while read: a view of the bytes read (the rest of the buffer was never written).
  return length === buffer.length ? buffer : buffer.subarray(0, length);
}
