/**
 * The one bounded reader behind the photo, the template manifest and template images: type and
 * size from the open descriptor before any byte is read, chunked reads that stop on abort, and
 * one buffer of exactly the file's size as the result.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortedError, ImageTooLargeError, InputFileError } from '@vopop/core';
import { readBoundedFile } from '../files/readBoundedFile';
import { readPhotoFile } from '../files/readPhotoFile';

const work = mkdtempSync(join(tmpdir(), 'vopop-bounded-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bytes = Uint8Array.from({ length: 9 << 20 }, (_, i) => (i * 31 + 7) & 255);
const file = join(work, 'data.bin');
writeFileSync(file, bytes);

describe('readBoundedFile', () => {
  it('returns the whole file as one buffer of exactly its size, read in several chunks', async () => {
    const read = await readBoundedFile(file, { subject: 'photo', maxBytes: bytes.length });
    expect(read.byteLength).toBe(bytes.length);
    expect(read.buffer.byteLength).toBe(bytes.length);
    expect(Buffer.from(read).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses a file over the limit from its size alone, with the caller’s error when given', async () => {
    await expect(readBoundedFile(file, { subject: 'photo', maxBytes: bytes.length - 1 })).rejects.toMatchObject({
      code: 'INPUT_FILE',
      problem: 'too-large',
    });
    await expect(readPhotoFile(file, { maxBytes: 1000 })).rejects.toBeInstanceOf(ImageTooLargeError);
  });

  it('refuses a folder, a FIFO, a device, and (with noFollow) a symbolic link, without blocking', async () => {
    const folder = join(work, 'folder');
    mkdirSync(folder);
    const fifo = join(work, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const link = join(work, 'link');
    symlinkSync(file, link);
    for (const path of [folder, fifo, '/dev/zero']) {
      await expect(readBoundedFile(path, { subject: 'photo', maxBytes: 1 << 30 })).rejects.toMatchObject({
        problem: 'not-a-file',
      });
    }
    await expect(readBoundedFile(link, { subject: 'photo', maxBytes: 1 << 30, noFollow: true })).rejects.toMatchObject({
      problem: 'not-a-file',
    });
    // Followed by default: a linked photo is normal.
    expect((await readBoundedFile(link, { subject: 'photo', maxBytes: 1 << 30 })).byteLength).toBe(bytes.length);
  });

  it('says a missing file is missing, and never puts the path in the message', async () => {
    const error = await readBoundedFile(join(work, 'jane_doe_passport.jpg'), { subject: 'photo', maxBytes: 10 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputFileError);
    expect(error).toMatchObject({ problem: 'missing', details: { systemCode: 'ENOENT' } });
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('jane_doe');
  });

  it('stops on abort: before opening, and once the read has started', async () => {
    const aborted = AbortSignal.abort(new Error('stop'));
    await expect(readBoundedFile(file, { subject: 'photo', maxBytes: bytes.length, signal: aborted })).rejects.toBeInstanceOf(
      AbortedError,
    );
    const controller = new AbortController();
    const reading = readBoundedFile(file, { subject: 'photo', maxBytes: bytes.length, signal: controller.signal });
    controller.abort(new Error('Ctrl-C'));
    await expect(reading).rejects.toBeInstanceOf(AbortedError);
  });
});
