import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EphemeralHandle, EphemeralScope, TempFile, TempStore, WipeOutcome, Wiper } from '@vopop/core';
import { TempStoreUnsafeError, isAllZero } from '@vopop/core';

const filePattern = /^(\d+)-[0-9a-f]{16}\.tmp$/;

/** Undefined where there are no POSIX users (Windows): ownership and modes are not checked there. */
const currentUid: number | undefined = typeof process.getuid === 'function' ? process.getuid() : undefined;

/**
 * Opening flags for a file the store is about to overwrite: never through a symbolic link (a
 * planted `…-….tmp` link must not lead the zero-fill to another file), and without blocking on
 * a FIFO planted under a matching name (its type is then read from the descriptor and refused).
 */
const openForWipe = constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Whether the open file is one this store could have written: a regular file of this user's,
 * with no other name (a hard link elsewhere would make the zero-fill damage that other file).
 */
function isOwnPlainFile(fd: number): boolean {
  const stats = fstatSync(fd);
  return stats.isFile() && stats.nlink === 1 && (currentUid === undefined || stats.uid === currentUid);
}

/**
 * Overwrite the file at `path` with zeros in 1 MiB blocks, flush it to disk, read it back and
 * unlink it. Everything goes through one descriptor opened without following links; anything
 * but this user's own single-named regular file is left as it is (`'refused'`).
 */
function wipeFileAt(path: string): WipeOutcome | 'gone' | 'refused' {
  let fd: number;
  try {
    fd = openSync(path, openForWipe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'gone';
    // ELOOP (a symlink), EISDIR, EACCES…: not a file this store wrote.
    return 'refused';
  }
  let size: number;
  let verified = true;
  try {
    if (!isOwnPlainFile(fd)) return 'refused';
    size = fstatSync(fd).size;
    const block = new Uint8Array(Math.min(size, 1 << 20));
    for (let at = 0; at < size; at += block.length) {
      writeSync(fd, block, 0, Math.min(block.length, size - at), at);
    }
    fsyncSync(fd);
    for (let at = 0; at < size; at += block.length) {
      const read = readSync(fd, block, 0, Math.min(block.length, size - at), at);
      if (!isAllZero(block.subarray(0, read))) verified = false;
    }
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
  return { method: 'zero-overwrite+unlink', bytes: size, verified };
}

/** Overwrites, verifies and deletes a temp file. @internal */
const tempFileWiper: Wiper<TempFile> = {
  name: 'temp-file',
  matches: (value): value is TempFile =>
    typeof value === 'object' && value !== null && typeof (value as TempFile).path === 'string',
  measure: (value) => value.size,
  wipe: (value) => {
    const outcome = wipeFileAt(value.path);
    if (outcome === 'gone') return { method: 'zero-overwrite+unlink', bytes: 0, verified: true };
    // Swapped for a link, a FIFO or a hard link since it was written: not touched, and the
    // receipt says the wipe was not verified.
    if (outcome === 'refused') return { method: 'zero-overwrite+unlink', bytes: 0, verified: false };
    return outcome;
  },
};

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Throw unless `directory` is a real directory (not a link to one) owned by this user with mode
 * exactly 0700. The checks read the descriptor of the directory itself, opened without
 * following a link, so a planted link is seen as what it is; `justCreated` (made by this
 * process a moment ago) sets the mode the umask may have changed, on that same descriptor.
 */
function assertPrivateDirectory(directory: string, justCreated = false): void {
  if (currentUid === undefined) {
    // No POSIX owners or modes to check (Windows): refuse only what is plainly not a folder.
    const stats = lstatSync(directory);
    if (stats.isSymbolicLink()) throw new TempStoreUnsafeError('symlink', directory);
    if (!stats.isDirectory()) throw new TempStoreUnsafeError('not-a-directory', directory);
    return;
  }
  let fd: number;
  try {
    fd = openSync(directory, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Linux says ENOTDIR for a link opened with O_DIRECTORY | O_NOFOLLOW, other systems ELOOP.
    if (code !== 'ELOOP' && code !== 'ENOTDIR') throw error;
    throw new TempStoreUnsafeError(lstatSync(directory).isSymbolicLink() ? 'symlink' : 'not-a-directory', directory);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.uid !== currentUid) throw new TempStoreUnsafeError('wrong-owner', directory);
    if (justCreated) fchmodSync(fd, 0o700);
    else if ((stats.mode & 0o777) !== 0o700) throw new TempStoreUnsafeError('wrong-mode', directory);
  } finally {
    closeSync(fd);
  }
}

/**
 * Options for {@link NodeTempStore}.
 *
 * @public
 */
export interface NodeTempStoreOptions {
  /** The private directory. Default: `<os tmpdir>/vopop-<uid>`. Created with mode 0700. */
  readonly directory?: string;
}

/**
 * Temp files for Node: a private directory (this user's, mode 0700, not a link), files created
 * exclusively with mode 0600 and named after the owning process, so that
 * {@link NodeTempStore.sweep} can tell the files of a dead process from those of a live one.
 *
 * The directory may sit in a folder other users can write (`/tmp`), so it is never trusted by
 * name: a directory someone else made, or one other users can enter, is refused with a
 * `TempStoreUnsafeError` before anything in it is read, written or deleted; files are opened
 * without following links, and only this user's single-named regular files are ever
 * overwritten.
 *
 * @public
 */
export class NodeTempStore implements TempStore {
  /** The private directory files are created in. */
  readonly directory: string;

  /** @throws `TempStoreUnsafeError` when the directory exists and is not this user's private one. */
  constructor(options: NodeTempStoreOptions = {}) {
    this.directory = options.directory ?? join(tmpdir(), `vopop-${currentUid ?? 'user'}`);
    this.#ensureDirectory();
  }

  /** Create the directory when it is missing (mode 0700) and check that it is private. */
  #ensureDirectory(): void {
    mkdirSync(dirname(this.directory), { recursive: true });
    let created = false;
    try {
      mkdirSync(this.directory, { mode: 0o700 });
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    assertPrivateDirectory(this.directory, created);
  }

  write(scope: EphemeralScope, label: string, bytes: Uint8Array): EphemeralHandle<TempFile> {
    scope.throwIfClosed();
    // Checked again: the directory may have been removed (an empty one, at another process's
    // dispose) or replaced since the store was made.
    this.#ensureDirectory();
    const path = join(this.directory, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    let fd: number;
    try {
      fd = openSync(path, flags, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Removed as empty by another process between the check and the open: make it again.
      this.#ensureDirectory();
      fd = openSync(path, flags, 0o600);
    }
    let written = false;
    try {
      for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at);
      written = true;
    } finally {
      closeSync(fd);
      if (!written) wipeFileAt(path);
    }
    return scope.hold<TempFile>({ path, size: bytes.byteLength }, { kind: 'temp-file', label, wiper: tempFileWiper });
  }

  /**
   * Overwrite and delete the files of processes that ended without purging. Only names the
   * store makes (`<pid>-<16 hex>.tmp`) of processes no longer running are considered, and of
   * those only this user's single-named regular files: a link, a FIFO, a folder or a hard link
   * under such a name is left alone.
   *
   * @throws `TempStoreUnsafeError` when the directory is not this user's private one (nothing is
   * touched).
   */
  sweep(): number {
    let names: string[];
    try {
      assertPrivateDirectory(this.directory);
      names = readdirSync(this.directory);
    } catch (error) {
      // Another process's `removeIfEmpty` may take the empty folder away between our checks:
      // a folder that is gone holds nothing to sweep.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let swept = 0;
    for (const name of names) {
      const match = filePattern.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || processIsAlive(pid)) continue;
      try {
        if (typeof wipeFileAt(join(this.directory, name)) === 'object') swept++;
      } catch {
        // Removed concurrently by another sweeper: fine.
      }
    }
    return swept;
  }

  /**
   * Remove the directory if it is empty, so that a run leaves no empty folder behind; a
   * directory still holding files (another process's) stays. Returns whether it was removed.
   */
  removeIfEmpty(): boolean {
    try {
      assertPrivateDirectory(this.directory);
      rmdirSync(this.directory);
      return true;
    } catch {
      // Not empty, already gone, or not ours: leave it.
      return false;
    }
  }
}
