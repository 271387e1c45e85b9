/**
 * Output files (issue 17, item 7): `vopop generate -o` and `vopop template build -o` check the
 * target before any work, write through an exclusive 0600 temporary file that is renamed over
 * the target only when complete, and on a full disk or a file-size limit wipe and remove the
 * partial file, leaving the target as it was. Links, folders, devices and pipes are refused and
 * never replaced; an existing file needs `--force`. Each case runs the real commands (in-process,
 * or in a child process for the file-size limit) on real files, a real device node, a real FIFO
 * and, where the system lets us mount one, a real 64 KiB tmpfs.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputWriteError } from '@vopop/core';
import type { CliIo } from '../cliIo';
import { exitCodes } from '../exitCodes';
import { generateCommand } from '../generateCommand';
import { templateCommand } from '../templateBuildCommand';
import { checkOutputTarget, writeOutputFile } from '@vopop/node-adapter';
import { commitTemplateOutput, planTemplateOutput } from '../../../node-adapter/src/templateBuild/templateOutput';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const work = mkdtempSync(join(tmpdir(), 'vopop-output-'));
const photo = join(faces, 'astronaut.png');
// A photo that does not exist: a command that checks its output first fails on the output,
// one that reads the photo first fails on the photo. This is how the tests see the order.
const absentPhoto = join(work, 'absent-photo.png');
// The first bytes of an MP4: enough for `template build` to plan its output, not to decode.
const mp4Head = Uint8Array.from([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0, 1, 2, 3, 4]);
const mounts: string[] = [];

afterAll(() => {
  for (const mount of mounts) execFileSync('umount', [mount]);
  rmSync(work, { recursive: true, force: true });
});

function captureIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false } as CliIo & { out: string; err: string };
  Object.assign(io, {
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  });
  return io;
}

async function generate(...args: string[]): Promise<{ exit: number; error?: { code: string; message: string } }> {
  const io = captureIo();
  const exit = await generateCommand([...args, '--json'], io);
  const parsed = JSON.parse(io.out.trim()) as { error?: { code: string; message: string } };
  return { exit, ...(parsed.error ? { error: parsed.error } : {}) };
}

async function templateBuild(...args: string[]): Promise<{ exit: number; error?: { code: string; message: string } }> {
  const io = captureIo();
  const exit = await templateCommand(['build', ...args, '--json'], io);
  const parsed = JSON.parse(io.out.trim()) as { error?: { code: string; message: string } };
  return { exit, ...(parsed.error ? { error: parsed.error } : {}) };
}

function folder(name: string): string {
  const path = join(work, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** A private character device with /dev/full's numbers, so that old code cannot harm the real one. */
function fullDevice(at: string): string {
  const path = join(at, 'full');
  try {
    execFileSync('mknod', [path, 'c', '1', '7'], { stdio: 'ignore' });
    return path;
  } catch {
    return '/dev/full'; // not root: refused before anything is written, so the real one is safe
  }
}

function canMountTmpfs(): boolean {
  const probe = folder('mount-probe');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const tmpfsAllowed = canMountTmpfs();

describe('vopop generate -o: refused before any work', () => {
  it.each([
    ['a character device', (at: string) => fullDevice(at), 'not-a-file'],
    ['a FIFO', (at: string) => (execFileSync('mkfifo', [join(at, 'pipe.mp4')]), join(at, 'pipe.mp4')), 'not-a-file'],
    ['a folder', (at: string) => folder(join(at.slice(work.length + 1), 'folder.mp4')), 'not-a-file'],
    ['a symlink', (at: string) => (writeFileSync(join(at, 'real.mp4'), 'keep'), symlinkSync(join(at, 'real.mp4'), join(at, 'link.mp4')), join(at, 'link.mp4')), 'symlink'],
  ])('%s, even with --force; it is left as it was', async (name, make, reason) => {
    const at = folder(`refuse-${name.replace(/\W+/g, '-')}`);
    const target = make(at);
    const before = lstatSync(target);
    for (const force of [[], ['--force']]) {
      const { exit, error } = await generate(absentPhoto, '--consent', '-o', target, ...force);
      expect(exit).toBe(exitCodes.output);
      expect(error?.code).toBe('OUTPUT_WRITE');
      expect(error?.message).not.toContain(target);
    }
    const after = lstatSync(target);
    expect([after.ino, after.mode, after.rdev, after.size]).toEqual([before.ino, before.mode, before.rdev, before.size]);
    if (name === 'a symlink') expect(readFileSync(join(at, 'real.mp4'), 'utf8')).toBe('keep');
    await expect(checkOutputTarget(target, { subject: 'video', force: true })).rejects.toMatchObject({ reason });
  });

  it('an existing file without --force, untouched', async () => {
    const at = folder('exists');
    const target = join(at, 'jane_doe.mp4');
    writeFileSync(target, 'an earlier video');
    const { exit, error } = await generate(absentPhoto, '--consent', '-o', target);
    expect(exit).toBe(exitCodes.output);
    expect(error?.code).toBe('OUTPUT_WRITE');
    expect(error?.message).not.toContain('jane_doe');
    expect(readFileSync(target, 'utf8')).toBe('an earlier video');
  });

  it('a folder that cannot be made, or one this user may not write to', async () => {
    const at = folder('no-folder');
    writeFileSync(join(at, 'file'), '');
    const { exit, error } = await generate(absentPhoto, '--consent', '-o', join(at, 'file', 'sub', 'out.mp4'));
    expect([exit, error?.code]).toEqual([exitCodes.output, 'OUTPUT_WRITE']);
    await expect(checkOutputTarget(join(at, 'file', 'out.mp4'), { subject: 'video' })).rejects.toMatchObject({ reason: 'no-folder' });
    // A folder that does not exist yet passes, and the check leaves no folder behind.
    await expect(checkOutputTarget(join(at, 'new', 'deeper', 'out.mp4'), { subject: 'video' })).resolves.toMatchObject({
      missingFolders: [join(at, 'new'), join(at, 'new', 'deeper')],
    });
    // Root may write anywhere; a read-only folder is refused only for other users.
    if (process.getuid?.() !== 0) {
      const locked = folder('locked');
      chmodSync(locked, 0o500);
      await expect(checkOutputTarget(join(locked, 'out.mp4'), { subject: 'video' })).rejects.toMatchObject({ reason: 'not-writable' });
    }
    expect(readdirSync(at)).toEqual(['file']);
  });
});

describe('vopop generate -o: the write', () => {
  it('--force replaces an existing file with the whole video, mode 0600, nothing else left; folders are made', async () => {
    const at = folder('force');
    const target = join(at, 'out.mp4');
    writeFileSync(target, 'an earlier video', { mode: 0o644 });
    const { exit } = await generate(photo, '--consent', '-o', target, '--force');
    expect(exit).toBe(exitCodes.ok);
    const bytes = readFileSync(target);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(at)).toEqual(['out.mp4']);

    const nested = join(at, 'new', 'deeper', 'out.mp4');
    await writeOutputFile(await checkOutputTarget(nested, { subject: 'video' }), bytes);
    expect(readFileSync(nested).equals(bytes)).toBe(true);
    expect(statSync(nested).mode & 0o777).toBe(0o600);
  }, 300_000);

  it.skipIf(!tmpfsAllowed)('a full disk (a real 64 KiB tmpfs): typed error, no partial file, the target as it was', async () => {
    const mount = folder('tmpfs');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mount]);
    mounts.push(mount);
    const target = join(mount, 'out.mp4');
    writeFileSync(target, 'an earlier video');
    const { exit, error } = await generate(photo, '--consent', '-o', target, '--force');
    expect(exit).toBe(exitCodes.output);
    expect(error?.code).toBe('OUTPUT_WRITE');
    expect(error?.message).toMatch(/disk is full/);
    expect(readdirSync(mount)).toEqual(['out.mp4']);
    expect(readFileSync(target, 'utf8')).toBe('an earlier video');

    // The same through the writer: new folders it made are gone again, and the space is free.
    const nested = join(mount, 'made', 'here', 'big.mp4');
    const failure = await writeOutputFile(await checkOutputTarget(nested, { subject: 'video' }), new Uint8Array(200_000).fill(7)).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(OutputWriteError);
    expect(failure).toMatchObject({ reason: 'no-space', systemCode: 'ENOSPC' });
    expect(readdirSync(mount)).toEqual(['out.mp4']);
  }, 300_000);

  it('the file-size limit (ulimit -f in a child process): typed error, exit code, no partial file', async () => {
    const at = folder('ulimit');
    const target = join(at, 'out.mp4');
    const command =
      `ulimit -f 40; exec "${process.execPath}" --conditions=@vopop/source --import tsx ` +
      `"${join(here, '..', 'main.ts')}" generate "${photo}" --consent --json -o "${target}"`;
    const result = await run('bash', ['-c', command], { cwd: repoRoot, timeout: 300_000 }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(result.code).toBe(exitCodes.output);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ error: { code: 'OUTPUT_WRITE' } });
    expect(JSON.parse(result.stdout.trim()).error.message).toMatch(/file-size limit/);
    expect(readdirSync(at)).toEqual([]);
  }, 300_000);
});

describe('vopop template build -o', () => {
  it.each([
    ['a character device', (at: string) => fullDevice(at)],
    ['a FIFO', (at: string) => (execFileSync('mkfifo', [join(at, 'pipe.json')]), join(at, 'pipe.json'))],
    ['a symlink', (at: string) => (writeFileSync(join(at, 'real.json'), 'keep'), symlinkSync(join(at, 'real.json'), join(at, 'link.json')), join(at, 'link.json'))],
  ])('refuses %s before decoding, even with --force, and leaves it as it was', async (name, make) => {
    const at = folder(`build-${name.replace(/\W+/g, '-')}`);
    const video = join(at, 'clip.mp4');
    writeFileSync(video, mp4Head);
    const target = make(at);
    const before = lstatSync(target);
    for (const force of [[], ['--force']]) {
      const { exit, error } = await templateBuild(video, '-o', target, ...force);
      expect(exit).toBe(exitCodes.output);
      expect(error?.code).toBe('OUTPUT_WRITE');
    }
    const after = lstatSync(target);
    expect([after.ino, after.mode, after.rdev]).toEqual([before.ino, before.mode, before.rdev]);
    expect(existsSync(join(dirname(target), 'clip.mp4'))).toBe(true);
  });

  it('a device that appears after the plan is not renamed over; the copied video is removed again', async () => {
    const at = folder('build-late-device');
    const plan = await planTemplateOutput(mp4Head, join(at, 'template.json'), 'clip');
    const device = fullDevice(at);
    if (device === '/dev/full') return; // needs mknod (root): the real /dev/full must not be the target here
    execFileSync('mv', [device, join(at, 'template.json')]);
    const before = lstatSync(join(at, 'template.json'));
    await expect(commitTemplateOutput(plan, mp4Head, '{}\n')).rejects.toMatchObject({ code: 'OUTPUT_WRITE', reason: 'not-a-file' });
    const after = lstatSync(join(at, 'template.json'));
    expect(after.isCharacterDevice() && after.rdev === before.rdev && after.ino === before.ino).toBe(true);
    expect(readdirSync(at)).toEqual(['template.json']);
  });

  it('refuses an existing manifest without --force, and a link under the background copy\'s name', async () => {
    const at = folder('build-exists');
    const video = join(at, 'clip.mp4');
    writeFileSync(video, mp4Head);
    writeFileSync(join(at, 'template.json'), '{"earlier":true}');
    const exists = await templateBuild(video, '-o', join(at, 'template.json'));
    expect([exists.exit, exists.error?.code]).toEqual([exitCodes.output, 'OUTPUT_WRITE']);
    expect(readFileSync(join(at, 'template.json'), 'utf8')).toBe('{"earlier":true}');

    const out = folder('build-exists/out');
    symlinkSync(video, join(out, 'mine.mp4'));
    const link = await templateBuild(video, '-o', join(out, 'template.json'), '--id', 'mine', '--force');
    expect([link.exit, link.error?.code]).toEqual([exitCodes.output, 'OUTPUT_WRITE']);
    expect(readdirSync(out)).toEqual(['mine.mp4']);
  });
});
