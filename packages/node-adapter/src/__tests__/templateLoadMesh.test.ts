/**
 * `loadTemplateFile` on format-2 templates: the mesh track's data file is resolved inside the
 * template folder, read, and checked (size, SHA-256, every point) at load; each refusal is a
 * TemplateInvalidError at the manifest field, and loading writes nothing.
 */
import { createHash } from 'node:crypto';
import { link, mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateInvalidError, builtInTemplates, encodeMeshTrack } from '@vopop/core';
import { loadTemplateFile } from '../templates/loadTemplateFile';

const frameCount = 24;
const pointCount = 478;
const imageLeftEye = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173];
const imageRightEye = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398];

let root: string;
let folder: string;

/** A face-shaped cloud of mesh points per frame, the eyes 100 px apart, drifting right. */
function meshValues(): Float32Array {
  const values = new Float32Array(frameCount * pointCount * 3);
  for (let f = 0; f < frameCount; f++) {
    const at = (p: number, x: number, y: number, z: number) => values.set([x, y, z], (f * pointCount + p) * 3);
    for (let p = 0; p < pointCount; p++) at(p, 180 + f + 80 * Math.cos(p), 320 + 110 * Math.sin(p * 1.7), 20 * Math.sin(p));
    for (const p of imageLeftEye) at(p, 130 + f, 290, -5);
    for (const p of imageRightEye) at(p, 230 + f, 290, -5);
  }
  return values;
}

/** A format-2 manifest over a video background, its mesh data described by `data`. */
function manifest(data: object, meshPath = 'clip.mesh.bin'): Record<string, unknown> {
  const base = structuredClone(builtInTemplates[0]!) as Record<string, unknown>;
  return {
    ...base,
    version: 2,
    id: 'mesh-on-disk',
    width: 360,
    height: 640,
    frameCount,
    background: { kind: 'video', path: 'clip.mp4' },
    faceTrack: { kind: 'mesh', pointCount, neutralFrame: 3, data: { path: meshPath, ...data }, regions: { mouth: 'frame', eyes: 'frame' } },
  };
}

/** Writes a template folder: the manifest, a stand-in video file (not decoded at load) and `mesh`. */
async function templateFolder(name: string, mesh: Uint8Array | undefined, data: object): Promise<string> {
  const dir = path.join(folder, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'clip.mp4'), 'a video, not decoded when loading');
  if (mesh) await writeFile(path.join(dir, 'clip.mesh.bin'), mesh);
  await writeFile(path.join(dir, 'template.json'), JSON.stringify(manifest(data)));
  return path.join(dir, 'template.json');
}

async function refusal(file: string): Promise<{ path: string; message: string }> {
  const folderBefore = (await readdir(path.dirname(file))).sort();
  const error = await loadTemplateFile(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemplateInvalidError);
  // Loading writes nothing, whatever it refuses.
  expect((await readdir(path.dirname(file))).sort()).toEqual(folderBefore);
  return (error as TemplateInvalidError).issues[0]!;
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'vopop-template-mesh-')));
  folder = path.join(root, 'templates');
  await mkdir(folder);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadTemplateFile, format 2', () => {
  it('loads the mesh track with the manifest and names its file among the assets', async () => {
    const { bytes, data } = encodeMeshTrack(meshValues());
    const file = await templateFolder('good', bytes, data);
    const loaded = await loadTemplateFile(file);
    expect(loaded.template.version).toBe(2);
    expect(loaded.files.map((f) => `${f.manifestPath}=${f.relativePath}`)).toEqual([
      'background.path=clip.mp4',
      'faceTrack.data.path=clip.mesh.bin',
    ]);
    const mesh = loaded.meshTrack!;
    expect(mesh.pointCount).toBe(pointCount);
    expect(mesh.frames).toHaveLength(frameCount);
    // Frame 3 is the neutral one; its image-right eye sits at x = 230 + 3.
    expect(mesh.neutral[3 * 263]).toBe(233);
    expect(mesh.frames[10]![3 * 263]).toBe(240);
    // Without asset checks, nothing is read and there is no mesh.
    expect((await loadTemplateFile(file, { checkAssets: false })).meshTrack).toBeUndefined();
  });

  it('refuses a missing, escaping or hard-linked mesh file at faceTrack.data.path', async () => {
    const { bytes, data } = encodeMeshTrack(meshValues());
    expect(await refusal(await templateFolder('missing', undefined, data))).toMatchObject({
      path: 'faceTrack.data.path',
      message: expect.stringContaining('missing next to the manifest'),
    });
    await writeFile(path.join(root, 'outside.mesh.bin'), bytes);
    const escaping = await templateFolder('escaping', undefined, data);
    await symlink(path.join(root, 'outside.mesh.bin'), path.join(folder, 'escaping', 'clip.mesh.bin'));
    expect(await refusal(escaping)).toMatchObject({ path: 'faceTrack.data.path', message: expect.stringContaining('outside the template folder') });
    const linked = await templateFolder('hard-linked', undefined, data);
    await link(path.join(root, 'outside.mesh.bin'), path.join(folder, 'hard-linked', 'clip.mesh.bin'));
    expect(await refusal(linked)).toMatchObject({ path: 'faceTrack.data.path', message: expect.stringContaining('hard link') });
  });

  it('refuses a changed, truncated or too long file, and a manifest whose frame count disagrees', async () => {
    const { bytes, data } = encodeMeshTrack(meshValues());
    const flipped = bytes.slice();
    flipped[123] = flipped[123]! ^ 0x40;
    expect((await refusal(await templateFolder('flipped', flipped, data))).path).toBe('faceTrack.data.sha256');
    expect(await refusal(await templateFolder('truncated', bytes.subarray(0, bytes.length - 100), data))).toMatchObject({
      path: 'faceTrack.data.path',
      message: expect.stringContaining('not a whole number of 478-point frames'),
    });
    const longer = new Uint8Array(bytes.length + pointCount * 6);
    longer.set(bytes);
    expect(await refusal(await templateFolder('longer', longer, data))).toEqual({
      path: 'faceTrack.data.path',
      message: `mesh data holds ${frameCount + 1} frames; the template has ${frameCount} (frameCount)`,
    });
  });

  it('refuses NaN in a float32le file even when its digest matches', async () => {
    const values = meshValues();
    values[(5 * pointCount + 7) * 3 + 1] = Number.NaN;
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    const data = { encoding: 'float32le', sha256: createHash('sha256').update(bytes).digest('hex') };
    expect(await refusal(await templateFolder('nan', bytes, data))).toEqual({
      path: 'faceTrack.data',
      message: 'frame 5: point 7 holds a number that is not finite (NaN or ±Infinity)',
    });
  });
});
