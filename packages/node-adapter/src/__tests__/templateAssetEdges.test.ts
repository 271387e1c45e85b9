/**
 * Template assets at their edges (issue 17, item 9): a background "video" that is not one is a
 * `TemplateInvalidError` at `background.path` (exit 6), not a render failure, and prints nothing
 * (the setup file fails any test that writes to the console: mediabunny printed a stack for a
 * malformed `avcC`); a background video at another frame rate plays at its own speed, each
 * rendered frame showing the video frame nearest in time; a hard link in a template folder is
 * refused, since its other name may be any file on the disk.
 */
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EphemeralScope, TemplateInvalidError, builtInTemplates, generateVideo } from '@vopop/core';
import type { CliIo } from '../../../cli/src/cliIo';
import { exitCodes } from '../../../cli/src/exitCodes';
import { generateCommand } from '../../../cli/src/generateCommand';
import { createNodePlatform } from '../nodePlatform';
import { loadTemplateFile } from '../templates/loadTemplateFile';
import { createNodeVideoEncoder } from '../encode/nodeVideoEncoder';
import { cornerColours, distinctColours, type Rgb } from './support/cornerColours';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-12-03T00:00:00Z' } as const;
const [width, height] = [128, 160];
const work = mkdtempSync(join(tmpdir(), 'vopop-asset-edges-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function manifest(id: string, fps: number, frameCount: number, path = 'background.mp4'): string {
  const base = builtInTemplates[0]!;
  return JSON.stringify({
    format: 'vopop-template',
    version: 1,
    id,
    title: id,
    licence: 'CC0-1.0',
    width,
    height,
    fps,
    frameCount,
    background: { kind: 'video', path },
    faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ frame: 0, x: 64, y: 70, scale: 70, angle: 0 }] },
    mask: base.mask,
    colourMatch: { strength: 0 },
  });
}

/** A video whose frame `k` is filled with `distinctColours[k % 6]`. */
async function colourVideo(fps: number, frames: number): Promise<Uint8Array> {
  const encoder = await createNodeVideoEncoder();
  using scope = new EphemeralScope({ label: 'background' });
  const session = await encoder.open({ width, height, fps, frameCount: frames, codec: 'avc' }, scope);
  const frame = new Uint8Array(width * height * 4);
  for (let k = 0; k < frames; k++) {
    const [r, g, b] = distinctColours[k % distinctColours.length]!;
    for (let i = 0; i < frame.length; i += 4) frame.set([r, g, b, 255], i);
    await session.addFrame(frame);
  }
  const video = await session.finish();
  return video.bytes.value.slice();
}

function templateFolder(name: string, files: Record<string, string | Uint8Array>): string {
  const folder = join(work, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(folder, file), content);
  return folder;
}

/** Which palette colour each frame's corner shows. */
function paletteIndices(corners: readonly Rgb[]): number[] {
  return corners.map((corner) => {
    const distance = (c: Rgb) => Math.abs(c[0] - corner[0]) + Math.abs(c[1] - corner[1]) + Math.abs(c[2] - corner[2]);
    let best = 0;
    distinctColours.forEach((colour, i) => {
      if (distance(colour) < distance(distinctColours[best]!)) best = i;
    });
    return best;
  });
}

async function render(folder: string): Promise<number[]> {
  const loaded = await loadTemplateFile(join(folder, 'template.json'));
  await using platform = await createNodePlatform();
  const result = await generateVideo({ photo: readFileSync(join(faces, 'astronaut.png')), consent, template: loaded }, platform);
  try {
    return paletteIndices(await cornerColours(result.video.value));
  } finally {
    result.video.purge();
  }
}

function captureIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false } as CliIo & { out: string; err: string };
  Object.assign(io, {
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  });
  return io;
}

let tenFps: Uint8Array;
beforeAll(async () => {
  tenFps = await colourVideo(10, 6);
}, 120_000);

describe('a background that is not a video', () => {
  /** A real MP4 whose `avcC` box is garbage: mediabunny printed a stack trace for it. */
  function brokenAvcC(): Uint8Array {
    const bytes = tenFps.slice();
    const at = Buffer.from(bytes).indexOf('avcC');
    bytes.fill(0xff, at + 4, at + 30);
    return bytes;
  }

  it.each([
    ['a text file named .mp4', () => new TextEncoder().encode('this is a text file, not a video\n')],
    ['a PNG named .mp4', () => new Uint8Array(readFileSync(join(faces, 'astronaut.png')))],
    ['an MP4 with a malformed avcC box', brokenAvcC],
    ['an empty file', () => new Uint8Array(0)],
  ])('%s: TemplateInvalidError at background.path, exit 6, nothing printed', async (name, content) => {
    const folder = templateFolder(`not-video-${name.replace(/\W+/g, '-')}`, {
      'template.json': manifest('not-video', 10, 6),
      'background.mp4': content(),
    });
    const loaded = await loadTemplateFile(join(folder, 'template.json'));
    await using platform = await createNodePlatform();
    const photo = readFileSync(join(faces, 'astronaut.png'));
    const error = await generateVideo({ photo, consent, template: loaded }, platform).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues[0]?.path).toBe('background.path');
    expect(photo.every((b) => b === 0)).toBe(true);

    const io = captureIo();
    const output = join(folder, 'never.mp4');
    const exit = await generateCommand([join(faces, 'astronaut.png'), '--consent', '--template', join(folder, 'template.json'), '-o', output, '--json'], io);
    expect(exit).toBe(exitCodes.template);
    expect(JSON.parse(io.out.trim())).toMatchObject({ error: { code: 'TEMPLATE_INVALID' } });
    expect(io.err).toBe('');
  }, 120_000);
});

describe('a background video at another frame rate', () => {
  it('plays at its own speed: 20 fps under a 10 fps template shows every second frame, not a slow motion', async () => {
    const folder = templateFolder('fps-20', { 'template.json': manifest('fps-20', 10, 6), 'background.mp4': await colourVideo(20, 12) });
    // Frame i at i/10 s is video frame 2i; the old pipeline showed frame i (half speed).
    expect(await render(folder)).toEqual([0, 2, 4, 0, 2, 4]);
  }, 120_000);

  it('4 fps under a 10 fps template repeats each frame for the rendered frames nearest it', async () => {
    const folder = templateFolder('fps-4', { 'template.json': manifest('fps-4', 10, 6), 'background.mp4': await colourVideo(4, 4) });
    // Rendered at 0, .1, .2, .3, .4, .5 s; video frames at 0, .25, .5, .75 s.
    expect(await render(folder)).toEqual([0, 0, 1, 1, 2, 2]);
  }, 120_000);

  it('a rate the template builder rounded (10.4 fps under 10) is frame for frame, as its face track is', async () => {
    // By timestamp, rendered frame 13 would show video frame 14, and the 30th rendered frame
    // (2.9 s) would fall after the video's end (2.885 s).
    const folder = templateFolder('fps-10.4', { 'template.json': manifest('fps-10-4', 10, 30), 'background.mp4': await colourVideo(10.4, 30) });
    expect(await render(folder)).toEqual(Array.from({ length: 30 }, (_, k) => k % distinctColours.length));
  }, 120_000);

  it('the same frame rate is frame for frame', async () => {
    const folder = templateFolder('fps-10', { 'template.json': manifest('fps-10', 10, 6), 'background.mp4': tenFps });
    expect(await render(folder)).toEqual([0, 1, 2, 3, 4, 5]);
  }, 120_000);

  it('a video shorter in time than the template is refused at frameCount, whatever its frame count', async () => {
    // 12 frames, more than the template's 8, but 0.6 s against the template's 0.8 s.
    const folder = templateFolder('fps-short', { 'template.json': manifest('fps-short', 10, 8), 'background.mp4': await colourVideo(20, 12) });
    const error = await render(folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues[0]?.path).toBe('frameCount');
  }, 120_000);
});

describe('hard links in a template folder', () => {
  it('a background that is a hard link to a file elsewhere is refused, at load and at render', async () => {
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'someone-else.mp4'), tenFps);
    const folder = templateFolder('hard-link', { 'template.json': manifest('hard-link', 10, 6) });
    linkSync(join(elsewhere, 'someone-else.mp4'), join(folder, 'background.mp4'));
    const error = await loadTemplateFile(join(folder, 'template.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues[0]).toMatchObject({ path: 'background.path', message: expect.stringMatching(/hard link/) });
    expect((error as Error).message).not.toContain('someone-else');

    // Swapped in after a clean load: the renderer checks again.
    const clean = templateFolder('hard-link-late', { 'template.json': manifest('hard-link-late', 10, 6), 'background.mp4': tenFps });
    const loaded = await loadTemplateFile(join(clean, 'template.json'));
    rmSync(join(clean, 'background.mp4'));
    linkSync(join(elsewhere, 'someone-else.mp4'), join(clean, 'background.mp4'));
    await using platform = await createNodePlatform();
    const late = await generateVideo({ photo: readFileSync(join(faces, 'astronaut.png')), consent, template: loaded }, platform).catch(
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(TemplateInvalidError);
    expect((late as TemplateInvalidError).issues[0]?.path).toBe('background.path');
  }, 120_000);
});
