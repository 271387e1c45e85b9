/**
 * A template whose background is a sequence of images (or one still) renders end to end in Node:
 * each output frame shows its own image. Images that leave the template folder (a symlink swapped
 * in after loading) or have another size are typed errors that leave nothing behind.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, TemplateInvalidError, builtInTemplates, generateVideo, type PurgeReceipt } from '@vopop/core';
import { createNodePlatform } from '../nodePlatform';
import { loadTemplateFile, type LoadedTemplateFile } from '../templates/loadTemplateFile';
import { NodeTemplateAssets } from '../templates/nodeTemplateAssets';
import { cornerColours, distinctColours, type Rgb } from './support/cornerColours';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';


const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-11-29T00:00:00Z' } as const;
const [width, height, frameCount] = [128, 160, 6];
const colours = distinctColours;
const root = mkdtempSync(join(tmpdir(), 'vopop-framesbg-'));
const store = join(root, 'store');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function solidPng([r, g, b]: Rgb, w = width, h = height): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
}

/** A template folder `name` with `images` as `frames/<i>.png` and its manifest. */
async function templateFolder(name: string, images: readonly Buffer[]): Promise<string> {
  const folder = join(root, name);
  mkdirSync(join(folder, 'frames'), { recursive: true });
  const frames = images.map((image, i) => {
    const path = `frames/${String(i).padStart(4, '0')}.png`;
    writeFileSync(join(folder, path), image);
    return path;
  });
  const manifest = {
    format: 'vopop-template',
    version: 1,
    id: `frames-bg-${name}`,
    title: 'Image background',
    licence: 'CC0-1.0',
    width,
    height,
    fps: 10,
    frameCount,
    background: { kind: 'frames', frames },
    faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ frame: 0, x: 64, y: 70, scale: 70, angle: 0 }] },
    mask: builtInTemplates[0]!.mask,
    colourMatch: { strength: 0 },
  };
  writeFileSync(join(folder, 'template.json'), JSON.stringify(manifest));
  return join(folder, 'template.json');
}

/** Render `manifest` and return the colour near the top-left corner of every output frame. */
async function renderCorners(manifest: string): Promise<Rgb[]> {
  const loaded = await loadTemplateFile(manifest);
  await using platform = await createNodePlatform({ tempDirectory: store });
  const result = await generateVideo({ photo: readFileSync(join(faces, 'astronaut.png')), consent, template: loaded }, platform);
  let corners: Rgb[];
  try {
    corners = await cornerColours(result.video.value);
  } finally {
    result.video.purge();
  }
  expect(readdirSync(platform.tempStore.directory)).toEqual([]);
  return corners;
}

/** Generate from `loaded`, expecting a failure; returns it with the receipt, the photo and the temp store's leftovers. */
async function failedGeneration(
  loaded: LoadedTemplateFile,
): Promise<{ error: unknown; receipt: PurgeReceipt | undefined; photo: Buffer; leftovers: string[] }> {
  await using platform = await createNodePlatform({ tempDirectory: store });
  const photo = readFileSync(join(faces, 'astronaut.png'));
  let receipt: PurgeReceipt | undefined;
  const error = await generateVideo({ photo, consent, template: loaded, onPurged: (r) => (receipt = r) }, platform).catch(
    (e: unknown) => e,
  );
  return { error, receipt, photo, leftovers: readdirSync(platform.tempStore.directory) };
}

const expectClose = (actual: Rgb, expected: Rgb, what: string) =>
  expected.forEach((channel, c) => expect(Math.abs(actual[c]! - channel), `${what} channel ${c}`).toBeLessThan(25));

let sequenceManifest: string;
let stillManifest: string;

beforeAll(async () => {
  sequenceManifest = await templateFolder('sequence', await Promise.all(colours.map((colour) => solidPng(colour))));
  stillManifest = await templateFolder('still', [await solidPng(colours[2]!)]);
}, 60_000);

describe('templates with an image background', () => {
  it('render each image under the face, in order', async () => {
    const corners = await renderCorners(sequenceManifest);
    expect(corners).toHaveLength(frameCount);
    corners.forEach((corner, i) => expectClose(corner, colours[i]!, `frame ${i}`));
  }, 120_000);

  it('render a single image as a still behind every frame', async () => {
    const corners = await renderCorners(stillManifest);
    expect(corners).toHaveLength(frameCount);
    corners.forEach((corner, i) => expectClose(corner, colours[2]!, `frame ${i}`));
  }, 120_000);

  it('refuse an image that was swapped for a symlink out of the folder, leaving nothing behind', async () => {
    const manifest = await templateFolder('escape', await Promise.all(colours.map((colour) => solidPng(colour))));
    const outside = join(root, 'outside.png');
    writeFileSync(outside, await solidPng(colours[0]!));
    // The manifest loads (its assets were fine then); the renderer checks again when it reads.
    const loadedFirst = await loadTemplateFile(manifest);
    expect(loadedFirst.files).toHaveLength(frameCount);
    const swapped = join(dirname(manifest), 'frames/0003.png');
    unlinkSync(swapped);
    symlinkSync(outside, swapped);
    const { error, receipt, photo, leftovers } = await failedGeneration(loadedFirst);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues[0]).toMatchObject({ path: 'background.frames[3]' });
    expect((error as TemplateInvalidError).message).toContain('outside the template folder');
    expect(receipt?.totals).toMatchObject({ failed: 0, moved: 0 });
    expect(photo.every((b) => b === 0)).toBe(true);
    expect(leftovers).toEqual([]);
  }, 120_000);

  it('refuse an image of another size, naming it, leaving nothing behind', async () => {
    const images = await Promise.all(colours.map((colour, i) => (i === 2 ? solidPng(colour, width, height - 2) : solidPng(colour))));
    const manifest = await templateFolder('wrong-size', images);
    const { error, receipt, photo, leftovers } = await failedGeneration(await loadTemplateFile(manifest));
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues[0]).toMatchObject({ path: 'background.frames[2]' });
    expect((error as TemplateInvalidError).message).toContain(`${width}×${height - 2}`);
    expect(receipt?.totals).toMatchObject({ failed: 0, moved: 0 });
    expect(receipt?.records.every((r) => r.outcome === 'wiped' && r.verified !== false)).toBe(true);
    expect(photo.every((b) => b === 0)).toBe(true);
    expect(leftovers).toEqual([]);
  }, 120_000);
});

/** The error `promise` rejects with; a test failure if it resolves. */
async function refused(promise: Promise<unknown>): Promise<TemplateInvalidError> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    return error as TemplateInvalidError;
  }
  throw new Error(`expected a refusal, got ${typeof result}`);
}

describe('NodeTemplateAssets', () => {
  it('reads files inside the folder and refuses missing, escaping and non-file paths by manifest field', async () => {
    const folder = join(root, 'assets');
    mkdirSync(join(folder, 'frames'), { recursive: true });
    writeFileSync(join(folder, 'frames/a.png'), 'image bytes');
    writeFileSync(join(root, 'secret.png'), 'outside');
    symlinkSync(join(root, 'secret.png'), join(folder, 'frames/link.png'));
    mkdirSync(join(folder, 'frames/dir.png'));
    const assets = new NodeTemplateAssets(folder);

    expect(Buffer.from(await assets.read('frames/a.png', 'background.frames[0]')).toString()).toBe('image bytes');
    const refusal = (path: string) => refused(assets.read(path, 'background.frames[1]'));
    for (const [path, words] of [
      ['frames/none.png', 'missing next to the manifest'],
      ['frames/link.png', 'outside the template folder'],
      ['frames/dir.png', 'not a regular file'],
    ] as const) {
      const error = await refusal(path);
      expect(error, path).toBeInstanceOf(TemplateInvalidError);
      expect(error.issues[0], path).toMatchObject({ path: 'background.frames[1]' });
      expect(error.message, path).toContain(words);
    }
    await expect(assets.read('frames/a.png', 'background.frames[0]', AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
    const video = await refused(assets.decodeVideo('frames/link.png', 'background.path', () => undefined, new AbortController().signal));
    expect(video).toBeInstanceOf(TemplateInvalidError);
    expect(video.issues[0]).toMatchObject({ path: 'background.path' });
  });
});
