import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, mkdir, open, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { OutputWriteReason } from '@vopop/core';
import { OutputWriteError } from '@vopop/core';

/**
 * An output path that passed {@link checkOutputTarget}: where the file goes, and which folders
 * on the way do not exist yet (created when it is written, removed again if that fails).
 *
 * @public
 */
export interface OutputTarget {
  /** Absolute path of the file to write. */
  readonly path: string;
  /** Its folder. */
  readonly folder: string;
  /** Folders to create before writing, outermost first (empty when the folder exists). */
  readonly missingFolders: readonly string[];
  /** Whether an existing regular file may be replaced. */
  readonly force: boolean;
  /** What the file is for, for messages: `'video'`, `'template manifest'`. */
  readonly subject: string;
}

/**
 * Options of {@link checkOutputTarget}.
 *
 * @public
 */
export interface OutputTargetOptions {
  /** What the file is for, in words for messages (`'video'`); never the path. */
  readonly subject: string;
  /** Replace an existing regular file (never a link, a folder or a device). Default false. */
  readonly force?: boolean;
}

/** Writes the content, a chunk at a time, into the temporary file. */
export type OutputChunkWriter = (write: (bytes: Uint8Array) => Promise<void>) => Promise<void>;

const temporaryPrefix = '.vopop-';
const temporarySuffix = '.partial';
// O_EXCL already refuses to follow a symlink at the name; O_NOFOLLOW says so twice.
const createExclusive = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const wipeChunk = 64 * 1024;

/** The system's error code (`ENOSPC`), or undefined for an error that is not the system's. */
function systemCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

function reasonFor(code: string | undefined): OutputWriteReason {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no-space';
    case 'EFBIG':
      return 'too-large';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'not-writable';
    case 'ENOTDIR':
    case 'EEXIST':
    case 'ELOOP':
    case 'ENAMETOOLONG':
      return 'no-folder';
    default:
      return 'failed';
  }
}

/** An `OutputWriteError` for a system error; the system's own error is dropped (it quotes the path). */
function outputError(error: unknown, subject: string, reason?: OutputWriteReason): unknown {
  if (error instanceof OutputWriteError) return error;
  const code = systemCode(error);
  if (code === undefined && reason === undefined) return error; // not the file system's: the caller's own
  return new OutputWriteError(reason ?? reasonFor(code), subject, code);
}

/** Refuse what a target may not be: a link, anything but a regular file, or an existing file without `force`. */
async function refuseExistingTarget(file: string, subject: string, force: boolean): Promise<void> {
  let stats;
  try {
    stats = await lstat(file);
  } catch (error) {
    if (systemCode(error) === 'ENOENT') return;
    throw outputError(error, subject);
  }
  if (stats.isSymbolicLink()) throw new OutputWriteError('symlink', subject);
  if (!stats.isFile()) throw new OutputWriteError('not-a-file', subject);
  if (!force) throw new OutputWriteError('exists', subject);
}

function temporaryPath(folder: string): string {
  // A neutral name: the target's own name may name a person.
  return path.join(folder, `${temporaryPrefix}${randomBytes(8).toString('hex')}${temporarySuffix}`);
}

/** Create `folders` (outermost first); returns those this call created, for {@link removeFolders}. */
async function createFolders(folders: readonly string[]): Promise<string[]> {
  const created: string[] = [];
  for (const folder of folders) {
    try {
      await mkdir(folder, { mode: 0o700 });
      created.push(folder);
    } catch (error) {
      if (systemCode(error) !== 'EEXIST' || !(await stat(folder).catch(() => undefined))?.isDirectory()) {
        await removeFolders(created);
        throw error;
      }
    }
  }
  return created;
}

/** Remove folders this process created, innermost first; one that is no longer empty stays. */
async function removeFolders(created: readonly string[]): Promise<void> {
  for (const folder of [...created].reverse()) await rmdir(folder).catch(() => undefined);
}

/**
 * Check, before any work starts, that `file` can be written: it is not a symbolic link, a
 * folder, a device, a pipe or a socket; it does not exist, or `force` allows replacing it; its
 * folder exists or can be created, and this user can create a file there (tried for real: a
 * file is created exclusively and removed at once, and folders made for the try are removed
 * again). Leaves the disk as it found it.
 *
 * @throws `OutputWriteError` with the reason; its message never contains the path.
 * @public
 */
export async function checkOutputTarget(file: string, options: OutputTargetOptions): Promise<OutputTarget> {
  const { subject } = options;
  const force = options.force === true;
  const target = path.resolve(file);
  await refuseExistingTarget(target, subject, force);
  const folder = path.dirname(target);

  const missingFolders: string[] = [];
  for (let at = folder; ; at = path.dirname(at)) {
    let stats;
    try {
      stats = await stat(at);
    } catch (error) {
      if (systemCode(error) !== 'ENOENT' || path.dirname(at) === at) throw outputError(error, subject);
      missingFolders.unshift(at);
      continue;
    }
    if (!stats.isDirectory()) throw new OutputWriteError('no-folder', subject);
    break;
  }

  let created: string[] = [];
  try {
    created = await createFolders(missingFolders);
    const probe = temporaryPath(folder);
    const handle = await open(probe, createExclusive, 0o600);
    await handle.close();
    await unlink(probe);
  } catch (error) {
    throw outputError(error, subject);
  } finally {
    await removeFolders(created);
  }
  return { path: target, folder, missingFolders, force, subject };
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

/**
 * Overwrite what reached the disk with zeros (P6): the partial file may hold a face. The
 * blocks are already allocated, so this works on a full disk and under a file-size limit.
 */
async function wipeFile(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  const zeros = new Uint8Array(Math.min(wipeChunk, size));
  for (let offset = 0; offset < size; offset += zeros.byteLength) {
    const length = Math.min(zeros.byteLength, size - offset);
    let done = 0;
    while (done < length) done += (await handle.write(zeros, done, length - done, offset + done)).bytesWritten;
  }
  await handle.sync();
}

/**
 * Write `content` to a target from {@link checkOutputTarget}, so that the target either gets the
 * whole content or stays as it was:
 *
 * 1. missing folders are created (mode 0700);
 * 2. the content goes into a new file next to the target, created exclusively (never through a
 *    link) with `mode` (default 0600: the file may show a face), then `fsync`ed;
 * 3. the target is checked again (still not a link, a folder or a device, and absent unless
 *    `force`) and the file is renamed over it, and the folder `fsync`ed.
 *
 * When anything fails (a full disk, the file-size limit, an I/O error, the caller's writer
 * throwing), the partial file is overwritten with zeros and removed, and folders this call
 * created are removed again.
 *
 * @param content - the bytes, or a function that writes them chunk by chunk (for a copy).
 * @throws `OutputWriteError` for a refused target or a failed write (the message never contains
 *   the path); an error thrown by `content` itself is rethrown after the clean-up.
 * @public
 */
export async function writeOutputFile(
  target: OutputTarget,
  content: Uint8Array | OutputChunkWriter,
  options: { readonly mode?: number } = {},
): Promise<void> {
  const { subject } = target;
  const mode = options.mode ?? 0o600;
  let created: string[] = [];
  let handle: FileHandle | undefined;
  let temporary: string | undefined;
  try {
    created = await createFolders(target.missingFolders);
    const name = temporaryPath(target.folder);
    handle = await open(name, createExclusive, mode);
    temporary = name; // only a file this call created is ever removed
    // The umask may have taken bits away from `mode`; the file gets exactly what was asked.
    await handle.chmod(mode);
    const file = handle;
    if (content instanceof Uint8Array) await writeAll(file, content);
    else await content((bytes) => writeAll(file, bytes));
    await file.sync();
    // Checked again just before the rename: the target may have changed during a long job.
    await refuseExistingTarget(target.path, subject, target.force);
    await rename(temporary, target.path);
    temporary = undefined;
    await file.close();
    handle = undefined;
  } catch (error) {
    if (handle !== undefined) {
      await wipeFile(handle).catch(() => undefined);
      await handle.close().catch(() => undefined);
    }
    if (temporary !== undefined) await unlink(temporary).catch(() => undefined);
    await removeFolders(created);
    throw outputError(error, subject);
  }
  await syncFolder(target.folder);
}

/** Make the rename itself durable; some systems cannot sync a folder, which is no failure. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // The file is complete under its name; only durability across a power cut is not assured.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
