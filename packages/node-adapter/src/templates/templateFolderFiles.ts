import { lstat, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { AbortedError, TemplateInvalidError } from '@vopop/core';

/** The errno-style code of a file-system error (`ENOENT`), or a neutral word. */
export function fileErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/**
 * The real path of `relativePath` in `folder` (itself a real path), which must be a regular file
 * inside it: `realpath` follows every symlink, so neither a symlinked file nor a symlinked
 * folder can lead out; a file with more than one name (a hard link) is refused, as its other
 * name may lie anywhere on the same disk. Failures are `TemplateInvalidError`s at `field`,
 * worded with `noun` (`'the background image'`).
 */
export async function resolveInFolder(folder: string, relativePath: string, field: string, noun: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path.resolve(folder, relativePath));
  } catch (error) {
    throw TemplateInvalidError.at(field, `${noun} is missing next to the manifest (could not be found: ${fileErrorCode(error)})`, error);
  }
  const relative = path.relative(folder, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw TemplateInvalidError.at(field, `${noun} resolves outside the template folder (through a symbolic link); copy the file into the folder`);
  }
  const stats = await lstat(real);
  if (!stats.isFile()) throw TemplateInvalidError.at(field, `${noun} is not a regular file`);
  // realpath cannot see a hard link: it is the file's own name, so a link to a file elsewhere
  // (another user's photo) would pass as inside. A second name is all there is to see of it;
  // comparing devices or inodes with the folder's cannot (a hard link never crosses devices, and
  // an inode does not say where its other names are). A file with more than one name is refused.
  if (stats.nlink > 1) {
    throw TemplateInvalidError.at(field, `${noun} is a hard link (the file has ${stats.nlink} names); copy the file into the folder instead`);
  }
  return real;
}

/**
 * The whole of `file`, refused unless it is a regular file of at most `maxBytes`. Type and size
 * come from the opened descriptor, not the name, so a file swapped in after
 * {@link resolveInFolder} cannot slip past; it is read in chunks and given up as soon as it
 * passes the cap (it may have grown since `fstat`). Failures are `TemplateInvalidError`s at
 * `field`, worded with `noun`; an abort is an `AbortedError`. The file is closed on every path.
 */
export async function readCappedFile(
  file: string,
  options: { readonly maxBytes: number; readonly field: string; readonly noun: string; readonly signal?: AbortSignal | undefined },
): Promise<Uint8Array> {
  const { maxBytes, field, noun, signal } = options;
  if (signal?.aborted) throw new AbortedError(signal.reason);
  const tooLarge = () => TemplateInvalidError.at(field, `${noun} is larger than ${maxBytes} bytes`);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw TemplateInvalidError.at(field, `${noun} could not be opened (${fileErrorCode(error)})`, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw TemplateInvalidError.at(field, `${noun} is not a regular file`);
    if (stats.size > maxBytes) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      if (signal?.aborted) throw new AbortedError(signal.reason);
      // Sized from fstat (+1 to notice growth), so a file that did not change is read in one go.
      const chunk = new Uint8Array(Math.min(Math.max(stats.size + 1 - length, 64 * 1024), maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) throw tooLarge();
    }
    if (chunks.length === 1) return chunks[0]!;
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  } catch (error) {
    if (error instanceof TemplateInvalidError || error instanceof AbortedError) throw error;
    throw TemplateInvalidError.at(field, `${noun} could not be read (${fileErrorCode(error)})`, error);
  } finally {
    await handle.close();
  }
}
