import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInTemplates, InvalidArgumentError, TemplateInvalidError } from '@vopop/core';
import { loadTemplateFile } from '../templates/loadTemplateFile';

let root: string;
let folder: string;

/** A manifest whose background is these image frames, one per frame. */
function framesManifest(frames: string[]): Record<string, unknown> {
  const base = structuredClone(builtInTemplates[0]!) as Record<string, any>;
  const faceTrack = { kind: 'keyframes', interpolation: 'linear', keyframes: [{ frame: 0, x: 360, y: 560, scale: 400, angle: 0 }] };
  return { ...base, id: 'on-disk', frameCount: frames.length, background: { kind: 'frames', frames }, faceTrack };
}

async function writeManifest(name: string, manifest: unknown): Promise<string> {
  const file = path.join(folder, name);
  await writeFile(file, typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<TemplateInvalidError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateInvalidError);
    return error as TemplateInvalidError;
  }
  throw new Error('expected loadTemplateFile to reject');
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'vopop-template-test-')));
  folder = path.join(root, 'template');
  await mkdir(path.join(folder, 'frames'), { recursive: true });
  await writeFile(path.join(folder, 'frames', 'a.png'), 'not really a png');
  await writeFile(path.join(folder, 'frames', 'b.png'), 'not really a png');
  await writeFile(path.join(root, 'secret.png'), 'outside the template folder');
  await mkdir(path.join(folder, 'frames', 'dir.png'));
  await mkdir(path.join(root, 'elsewhere'));
  await writeFile(path.join(root, 'elsewhere', 'c.png'), 'outside');
  await symlink(path.join(root, 'secret.png'), path.join(folder, 'frames', 'escape.png'));
  await symlink(path.join(root, 'elsewhere'), path.join(folder, 'linked'));
  await symlink(path.join(folder, 'frames', 'a.png'), path.join(folder, 'frames', 'inside.png'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadTemplateFile', () => {
  it('loads a valid manifest and resolves its assets to real paths inside the folder', async () => {
    const file = await writeManifest('ok.json', framesManifest(['frames/a.png', 'frames/inside.png']));
    const loaded = await loadTemplateFile(file);
    expect(loaded.template.id).toBe('on-disk');
    expect(loaded.folder).toBe(folder);
    expect(loaded.files.map((a) => [a.manifestPath, a.absolutePath])).toEqual([
      ['background.frames[0]', path.join(folder, 'frames', 'a.png')],
      // A symlink that stays inside the folder is fine; the real path is what comes back.
      ['background.frames[1]', path.join(folder, 'frames', 'a.png')],
    ]);
    const procedural = await loadTemplateFile(await writeManifest('builtin.json', builtInTemplates[1]));
    expect(procedural.files).toEqual([]);
  });

  it('rejects a symlinked file that escapes the folder, naming the manifest path and asset', async () => {
    const error = await rejection(loadTemplateFile(await writeManifest('escape.json', framesManifest(['frames/a.png', 'frames/escape.png']))));
    expect(error.issues[0]?.path).toBe('background.frames[1]');
    expect(error.message).toContain('background.frames[1]');
    expect(error.message).toContain('frames/escape.png');
    expect(error.message).toContain('outside the template folder');
  });

  it('rejects a symlinked folder that escapes, and a video behind one', async () => {
    const error = await rejection(loadTemplateFile(await writeManifest('dirlink.json', framesManifest(['linked/c.png']))));
    expect(error.issues[0]?.path).toBe('background.frames[0]');
    const video = { ...framesManifest(['a.png']), background: { kind: 'video', path: 'linked/c.mp4' } };
    await writeFile(path.join(root, 'elsewhere', 'c.mp4'), 'outside');
    const videoError = await rejection(loadTemplateFile(await writeManifest('video.json', video)));
    expect(videoError.issues[0]?.path).toBe('background.path');
  });

  it('rejects string-level escapes before touching the disk', async () => {
    for (const bad of ['../secret.png', '/etc/passwd.png', 'frames\\a.png', 'file:secret.png']) {
      const error = await rejection(loadTemplateFile(await writeManifest('bad.json', framesManifest([bad]))));
      expect(error.issues[0]?.path, bad).toBe('background.frames[0]');
    }
  });

  it('rejects missing assets and assets that are folders', async () => {
    const missing = await rejection(loadTemplateFile(await writeManifest('missing.json', framesManifest(['frames/nope.png']))));
    expect(missing.issues[0]).toMatchObject({ path: 'background.frames[0]' });
    expect(missing.message).toContain('could not be found');
    const folderAsset = await rejection(loadTemplateFile(await writeManifest('dir.json', framesManifest(['frames/dir.png']))));
    expect(folderAsset.message).toContain('not a regular file');
    // Checking can be skipped for manifests whose assets are not there yet.
    const unchecked = await loadTemplateFile(path.join(folder, 'missing.json'), { checkAssets: false });
    expect(unchecked.files[0]?.absolutePath).toBe(path.join(folder, 'frames', 'nope.png'));
  });

  it('rejects oversized, non-JSON, non-UTF-8, missing and non-file manifests with (file)', async () => {
    const latin1 = path.join(folder, 'latin1.json');
    await writeFile(latin1, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    const big = await writeManifest('big.json', ' '.repeat(2048));
    const broken = await writeManifest('broken.json', '{"format": ');
    const deep = await writeManifest('deep.json', '['.repeat(200_000));
    // Thunks: each load starts only when awaited, so no rejection goes unhandled.
    const cases: [() => Promise<unknown>, string][] = [
      [() => loadTemplateFile(big, { maxBytes: 1024 }), 'larger than 1024'],
      [() => loadTemplateFile(broken), 'not valid JSON'],
      [() => loadTemplateFile(deep), 'not valid JSON'],
      [() => loadTemplateFile(path.join(folder, 'absent.json')), 'does not exist'],
      [() => loadTemplateFile(path.join(folder, 'frames')), 'not a regular file'],
      [() => loadTemplateFile(latin1), 'not UTF-8'],
    ];
    for (const [load, text] of cases) {
      const error = await rejection(load());
      expect(error.issues[0]?.path).toBe('(file)');
      expect(error.message).toContain(text);
      // File names stay out of messages: they may be chosen by whoever runs the app.
      expect(error.message).not.toContain(root);
    }
  });

  it('refuses a nonsensical size cap', async () => {
    await expect(loadTemplateFile(path.join(folder, 'ok.json'), { maxBytes: -1 })).rejects.toThrow(InvalidArgumentError);
  });

  it('passes manifest errors through with their manifest paths', async () => {
    const bad = { ...framesManifest(['frames/a.png']), extra: 1 };
    const error = await rejection(loadTemplateFile(await writeManifest('extra.json', bad)));
    expect(error.issues[0]?.path).toBe('extra');
  });
});
