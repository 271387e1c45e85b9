import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { InputFileError, TemplateInvalidError } from '@vopop/core';
import { readBoundedFile } from '../files/readBoundedFile';

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

/** A template file's read failure, worded for its author with `noun` (`'template file'`). */
function templateReadMessage(error: InputFileError, noun: string, maxBytes: number): string {
  switch (error.problem) {
    case 'missing':
      return `${noun} does not exist`;
    case 'not-a-file':
      return `${noun} is not a regular file`;
    case 'not-permitted':
      return `${noun} cannot be read (permission denied)`;
    case 'too-large':
      return `${noun} is larger than ${maxBytes} bytes`;
    case 'unreadable':
      return `${noun} could not be read (${error.details.systemCode ?? 'unknown error'})`;
  }
}

/**
 * The whole of `file`, refused unless it is a regular file of at most `maxBytes`: the
 * template-side face of {@link readBoundedFile} (type and size from the opened descriptor, so a
 * file swapped in after {@link resolveInFolder} cannot slip past; read in chunks, given up as
 * soon as it passes the cap). Failures are `TemplateInvalidError`s at `field`, worded with
 * `noun`; an abort is an `AbortedError`. The file is closed on every path.
 */
export async function readCappedFile(
  file: string,
  options: { readonly maxBytes: number; readonly field: string; readonly noun: string; readonly signal?: AbortSignal | undefined },
): Promise<Uint8Array> {
  const { maxBytes, field, noun, signal } = options;
  try {
    return await readBoundedFile(file, { subject: 'template', maxBytes, signal });
  } catch (error) {
    if (error instanceof InputFileError) throw TemplateInvalidError.at(field, templateReadMessage(error, noun, maxBytes));
    throw error;
  }
}
