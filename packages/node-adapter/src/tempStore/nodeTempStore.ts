import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EphemeralHandle, EphemeralScope, TempFile, TempStore, Wiper } from '@vopop/core';
import { isAllZero } from '@vopop/core';

const filePattern = /^(\d+)-[0-9a-f]{16}\.tmp$/;

/** Overwrite a file with zeros in 1 MiB blocks, flush it to disk, and read it back. */
function zeroFile(path: string, size: number): boolean {
  const block = new Uint8Array(Math.min(size, 1 << 20));
  const fd = openSync(path, 'r+');
  try {
    for (let at = 0; at < size; at += block.length) {
      writeSync(fd, block, 0, Math.min(block.length, size - at), at);
    }
    fsyncSync(fd);
    for (let at = 0; at < size; at += block.length) {
      const read = readSync(fd, block, 0, Math.min(block.length, size - at), at);
      if (!isAllZero(block.subarray(0, read))) return false;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Overwrites, verifies and deletes a temp file. @internal */
export const tempFileWiper: Wiper<TempFile> = {
  name: 'temp-file',
  matches: (value): value is TempFile =>
    typeof value === 'object' && value !== null && typeof (value as TempFile).path === 'string',
  measure: (value) => value.size,
  wipe: (value) => {
    let size = 0;
    try {
      size = statSync(value.path).size;
    } catch {
      // Already gone: nothing on disk to wipe.
      return { method: 'zero-overwrite+unlink', bytes: 0, verified: true };
    }
    const verified = zeroFile(value.path, size);
    unlinkSync(value.path);
    return { method: 'zero-overwrite+unlink', bytes: size, verified };
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
 * Options for {@link NodeTempStore}.
 *
 * @public
 */
export interface NodeTempStoreOptions {
  /** The private directory. Default: `<os tmpdir>/vopop-<uid>`. Created with mode 0700. */
  readonly directory?: string;
}

/**
 * Temp files for Node: a private directory (0700), files created exclusively with mode 0600 and
 * named after the owning process, so that {@link NodeTempStore.sweep} can tell the files of a
 * dead process from those of a live one.
 *
 * @public
 */
export class NodeTempStore implements TempStore {
  /** The private directory files are created in. */
  readonly directory: string;

  constructor(options: NodeTempStoreOptions = {}) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
    this.directory = options.directory ?? join(tmpdir(), `vopop-${uid}`);
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const mode = statSync(this.directory).mode & 0o777;
    if (mode & 0o077) {
      throw new Error(
        `The temp directory ${this.directory} is readable by other users (mode ${mode.toString(8)}); ` +
          'choose a private directory.',
      );
    }
  }

  write(scope: EphemeralScope, label: string, bytes: Uint8Array): EphemeralHandle<TempFile> {
    scope.throwIfClosed();
    const path = join(this.directory, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
    const fd = openSync(path, 'wx', 0o600);
    let written = false;
    try {
      for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at);
      written = true;
    } finally {
      closeSync(fd);
      if (!written) rmSync(path, { force: true });
    }
    return scope.hold<TempFile>({ path, size: bytes.byteLength }, { kind: 'temp-file', label, wiper: tempFileWiper });
  }

  sweep(): number {
    let swept = 0;
    for (const name of readdirSync(this.directory)) {
      const match = filePattern.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || processIsAlive(pid)) continue;
      const path = join(this.directory, name);
      try {
        tempFileWiper.wipe({ path, size: statSync(path).size });
        swept++;
      } catch {
        // Removed concurrently by another sweeper: fine.
      }
    }
    return swept;
  }
}
