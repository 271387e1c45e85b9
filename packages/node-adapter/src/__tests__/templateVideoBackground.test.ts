/**
 * A template whose background is a video file (what `vopop template build` writes) renders: each
 * output frame shows the matching frame of the background video, and a video shorter than the
 * template is a typed error that leaves nothing behind.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, EphemeralScope, TemplateInvalidError, builtInTemplates, generateVideo, type PurgeReceipt } from '@vopop/core';
import { createNodePlatform } from '../nodePlatform';
import { loadTemplateFile } from '../templates/loadTemplateFile';
import { createNodeVideoEncoder } from '../encode/nodeVideoEncoder';
import { cornerColours, distinctColours, type Rgb } from './support/cornerColours';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-11-29T00:00:00Z' } as const;
const [width, height, frames] = [128, 160, 6];
const colours = distinctColours;
const folder = mkdtempSync(join(tmpdir(), 'vopop-videobg-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function manifest(frameCount: number): Record<string, unknown> {
  const base = builtInTemplates[0]!;
  return {
    format: 'vopop-template',
    version: 1,
    id: `video-bg-${frameCount}`,
    title: 'Video background',
    licence: 'CC0-1.0',
    width,
    height,
    fps: 10,
    frameCount,
    background: { kind: 'video', path: 'background.mp4' },
    faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ frame: 0, x: 64, y: 70, scale: 70, angle: 0 }] },
    mask: base.mask,
    colourMatch: { strength: 0 },
  };
}

beforeAll(async () => {
  const encoder = await createNodeVideoEncoder();
  using scope = new EphemeralScope({ label: 'background' });
  const session = await encoder.open({ width, height, fps: 10, frameCount: frames, codec: 'avc' }, scope);
  const frame = new Uint8Array(width * height * 4);
  for (const [r, g, b] of colours) {
    for (let i = 0; i < frame.length; i += 4) frame.set([r, g, b, 255], i);
    await session.addFrame(frame);
  }
  const video = await session.finish();
  writeFileSync(join(folder, 'background.mp4'), video.bytes.value);
  writeFileSync(join(folder, 'template.json'), JSON.stringify(manifest(frames)));
  writeFileSync(join(folder, 'too-long.json'), JSON.stringify(manifest(frames + 3)));
}, 120_000);

describe('templates with a video background', () => {
  it('render each background frame under the face, in order', async () => {
    const loaded = await loadTemplateFile(join(folder, 'template.json'));
    await using platform = await createNodePlatform();
    const result = await generateVideo({ photo: readFileSync(join(faces, 'astronaut.png')), consent, template: loaded }, platform);
    let corners: Rgb[];
    try {
      corners = await cornerColours(result.video.value);
    } finally {
      result.video.purge();
    }
    expect(corners).toHaveLength(frames);
    corners.forEach((corner, i) => {
      colours[i]!.forEach((channel, c) => expect(Math.abs(corner[c]! - channel), `frame ${i} channel ${c}`).toBeLessThan(25));
    });
  }, 120_000);

  it('refuses a background video shorter than the template, leaving nothing behind', async () => {
    const loaded = await loadTemplateFile(join(folder, 'too-long.json'));
    await using platform = await createNodePlatform();
    const photo = readFileSync(join(faces, 'astronaut.png'));
    let receipt: PurgeReceipt | undefined;
    const error = await generateVideo({ photo, consent, template: loaded, onPurged: (r) => (receipt = r) }, platform).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateInvalidError);
    expect((error as TemplateInvalidError).issues[0]?.path).toBe('frameCount');
    expect(receipt?.totals).toMatchObject({ failed: 0, moved: 0 });
    expect(photo.every((b) => b === 0)).toBe(true);
  }, 120_000);

  it('stops the background decoder when the generation is aborted mid-render', async () => {
    const loaded = await loadTemplateFile(join(folder, 'template.json'));
    await using platform = await createNodePlatform();
    const controller = new AbortController();
    const photo = readFileSync(join(faces, 'astronaut.png'));
    const error = await generateVideo(
      {
        photo,
        consent,
        template: loaded,
        signal: controller.signal,
        onProgress: ({ stage, fraction }) => {
          if (stage === 'render' && fraction >= 0.3) controller.abort(new Error('user cancelled'));
        },
      },
      platform,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(photo.every((b) => b === 0)).toBe(true);
  }, 120_000);

  it('says what is missing when a recorded template comes without its files (the bare manifest)', async () => {
    const loaded = await loadTemplateFile(join(folder, 'template.json'));
    await using platform = await createNodePlatform();
    await expect(
      generateVideo({ photo: readFileSync(join(faces, 'astronaut.png')), consent, template: loaded.template }, platform),
    ).rejects.toThrow(/needs the template's files/);
  }, 120_000);
});
