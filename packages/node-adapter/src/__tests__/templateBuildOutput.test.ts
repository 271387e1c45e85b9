/**
 * Where `buildTemplateFromVideo` puts the manifest and the background video, without decoding:
 * container sniffing, copy-or-reuse, name clashes, and atomic writes that leave nothing behind.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, RenderFailedError } from '@vopop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitTemplateOutput, planTemplateOutput, sniffVideoContainer } from '../templateBuild/templateOutput';

const mp4 = Uint8Array.from([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 1, 2, 3, 4, 5, 6]);
const mov = Uint8Array.from([0, 0, 0, 20, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20, 9, 9]);
const webm = Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]);

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'vopop-template-output-'));
});
afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('sniffVideoContainer', () => {
  it('reads the container from magic bytes, not the name', () => {
    expect(sniffVideoContainer(mp4)).toBe('mp4');
    expect(sniffVideoContainer(mov)).toBe('mov');
    expect(sniffVideoContainer(webm)).toBe('webm');
    expect(sniffVideoContainer(new TextEncoder().encode('GIF89a and more bytes'))).toBeUndefined();
    expect(sniffVideoContainer(new Uint8Array(0))).toBeUndefined();
  });
});

describe('planTemplateOutput and commitTemplateOutput', () => {
  it('bytes: copied as <id>.<container> next to the manifest, atomically, nothing else left', async () => {
    const folder = path.join(temp, 'bytes', 'deep');
    const plan = await planTemplateOutput(webm, path.join(folder, 'template.json'), 'clip');
    expect(plan).toMatchObject({ assetPath: 'clip.webm', copy: true, videoPath: path.join(folder, 'clip.webm') });
    expect(await readdir(path.join(temp, 'bytes')).catch(() => [])).toEqual([]);
    await commitTemplateOutput(plan, webm, '{"manifest":1}\n');
    expect((await readdir(folder)).sort()).toEqual(['clip.webm', 'template.json']);
    expect(new Uint8Array(await readFile(path.join(folder, 'clip.webm')))).toEqual(webm);
    // Built again from the same bytes: the manifest needs `force`, the identical copy is reused.
    await expect(planTemplateOutput(webm, path.join(folder, 'template.json'), 'clip')).rejects.toMatchObject({ reason: 'exists' });
    expect(await planTemplateOutput(webm, path.join(folder, 'template.json'), 'clip', true)).toMatchObject({ copy: false });
  });

  it('a video already inside the folder under a usable name is used in place', async () => {
    const folder = path.join(temp, 'inside');
    await mkdir(path.join(folder, 'media'), { recursive: true });
    await writeFile(path.join(folder, 'media', 'take_1.mov'), mov);
    const plan = await planTemplateOutput(path.join(folder, 'media', 'take_1.mov'), path.join(folder, 't.json'), 'x');
    expect(plan).toMatchObject({ assetPath: 'media/take_1.mov', copy: false });
  });

  it('a name a manifest cannot use, or a file outside the folder, is copied under the id', async () => {
    const folder = path.join(temp, 'rename');
    await mkdir(folder);
    await writeFile(path.join(folder, 'My Take.MP4'), mp4);
    const inside = await planTemplateOutput(path.join(folder, 'My Take.MP4'), path.join(folder, 't.json'), 'take');
    expect(inside).toMatchObject({ assetPath: 'take.mp4', copy: true });
    const outside = await planTemplateOutput(path.join(folder, 'My Take.MP4'), path.join(folder, 'sub', 't.json'), 'take');
    expect(outside).toMatchObject({ assetPath: 'take.mp4', copy: true });
    await commitTemplateOutput(outside, path.join(folder, 'My Take.MP4'), '{}\n');
    expect((await readdir(path.join(folder, 'sub'))).sort()).toEqual(['t.json', 'take.mp4']);
    expect(new Uint8Array(await readFile(path.join(folder, 'sub', 'take.mp4')))).toEqual(mp4);
  });

  it('refuses a different file under the copy name, a manifest that would overwrite the video, and non-videos', async () => {
    const folder = path.join(temp, 'clash');
    await mkdir(folder);
    await writeFile(path.join(folder, 'clip.mp4'), mp4.subarray(0, 16));
    await expect(planTemplateOutput(mp4, path.join(folder, 'template.json'), 'clip')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(planTemplateOutput(mp4, path.join(folder, 'other.mp4'), 'other')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(planTemplateOutput(path.join(folder, 'clip.mp4'), path.join(folder, 'clip.mp4'), 'c')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await writeFile(path.join(folder, 'notes.mp4'), 'plain text, not a video');
    await expect(planTemplateOutput(path.join(folder, 'notes.mp4'), path.join(folder, 't.json'), 'n')).rejects.toBeInstanceOf(
      RenderFailedError,
    );
    await expect(planTemplateOutput(path.join(folder, 'missing.mp4'), path.join(folder, 't.json'), 'n')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect((await readdir(folder)).sort()).toEqual(['clip.mp4', 'notes.mp4']);
  });

  it('when the manifest cannot be written, the copied video is removed and no partial file remains', async () => {
    const folder = path.join(temp, 'fail');
    await mkdir(folder);
    const plan = await planTemplateOutput(mp4, path.join(folder, 'template.json'), 'clip');
    // A folder appears where the manifest should go after the plan: the write refuses it.
    await mkdir(path.join(folder, 'template.json'));
    await expect(commitTemplateOutput(plan, mp4, '{}\n')).rejects.toMatchObject({ code: 'OUTPUT_WRITE', reason: 'not-a-file' });
    expect(await readdir(folder)).toEqual(['template.json']);
    expect(await readdir(path.join(folder, 'template.json'))).toEqual([]);
  });

  it('the mesh data file goes beside the manifest as <id>.mesh.bin, and is removed with the copy when the manifest fails', async () => {
    const folder = path.join(temp, 'mesh', 'new');
    const mesh = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const plan = await planTemplateOutput(mp4, path.join(folder, 'template.json'), 'clip');
    expect(plan).toMatchObject({ meshAssetPath: 'clip.mesh.bin', meshPath: path.join(folder, 'clip.mesh.bin') });
    await commitTemplateOutput(plan, mp4, '{}\n', mesh);
    expect((await readdir(folder)).sort()).toEqual(['clip.mesh.bin', 'clip.mp4', 'template.json']);
    expect(new Uint8Array(await readFile(path.join(folder, 'clip.mesh.bin')))).toEqual(mesh);
    // An existing mesh file is replaced only with force, like the manifest.
    await rm(path.join(folder, 'template.json'));
    await expect(planTemplateOutput(mp4, path.join(folder, 'template.json'), 'clip')).rejects.toMatchObject({ reason: 'exists' });
    expect(await planTemplateOutput(mp4, path.join(folder, 'template.json'), 'clip', true)).toMatchObject({ copy: false });
    await expect(planTemplateOutput(mp4, path.join(folder, 'clip.mesh.bin'), 'clip', true)).rejects.toBeInstanceOf(InvalidArgumentError);

    const failing = path.join(temp, 'mesh', 'fail');
    const failPlan = await planTemplateOutput(mp4, path.join(failing, 'template.json'), 'clip');
    await mkdir(path.join(failing, 'template.json'), { recursive: true });
    await expect(commitTemplateOutput(failPlan, mp4, '{}\n', mesh)).rejects.toMatchObject({ code: 'OUTPUT_WRITE' });
    expect(await readdir(failing)).toEqual(['template.json']);
  });
});
