/**
 * A format-2 mesh template built from a real video renders in Node: ffmpeg pans and zooms over
 * portrait.jpg (a real photograph) into an H.264 clip, `buildTemplateFromVideo` tracks it into a
 * mesh template, and another fixture face (astronaut.png) is rendered onto it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVideo } from '@vopop/core';
import { facesDir } from '../../../../fixtures/faces/facesDir';
import { createNodePlatform } from '../nodePlatform';
import { buildTemplateFromVideo } from '../templateBuild/buildTemplateFromVideo';
import { decodeVideoFile } from '../templates/decodeVideoFile';
import { ffmpegPath, requireFfmpegTools } from './encodingTestKit';
import { loadTemplateFile } from '../templates/loadTemplateFile';

const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-12-03T00:00:00Z' } as const;
const frames = 30;
const folder = mkdtempSync(join(tmpdir(), 'vopop-mesh-render-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

beforeAll(() => {
  requireFfmpegTools();
  // A slow push-in and sway over the photo, as a handheld camera would film it: 2 s at 15 fps.
  execFileSync(ffmpegPath, [
    '-v', 'error', '-y', '-loop', '1', '-i', join(facesDir, 'portrait.jpg'),
    '-vf', "zoompan=z='1.7+0.2*sin(on/9)':x='(iw-iw/zoom)/2+30*sin(on/7)':y='max(0,230-ih/zoom/2)':d=1:s=360x448:fps=15",
    '-frames:v', String(frames), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(folder, 'source.mp4'),
  ]);
});

describe('a built mesh template', () => {
  it('loads with its mesh and renders another face onto it, frame for frame', async () => {
    const output = join(folder, 'template', 'template.json');
    const built = await buildTemplateFromVideo(join(folder, 'source.mp4'), { output, id: 'pan', title: 'Pan', licence: 'CC0-1.0' });
    expect(built).toMatchObject({ detectedFrames: frames, filledFrames: 0 });
    expect(readdirSync(join(folder, 'template')).sort()).toEqual(['pan.mesh.bin', 'pan.mp4', 'template.json']);

    const loaded = await loadTemplateFile(output);
    expect(loaded.template).toMatchObject({ version: 2, width: 360, height: 448, fps: 15, frameCount: frames });
    expect(loaded.meshTrack?.pointCount).toBe(478);
    expect(loaded.meshTrack?.frames).toHaveLength(frames);
    const neutral = loaded.template.faceTrack.kind === 'mesh' ? loaded.template.faceTrack.neutralFrame : -1;
    expect(neutral).toBeGreaterThanOrEqual(0);
    expect(neutral).toBeLessThan(frames);

    await using platform = await createNodePlatform();
    const result = await generateVideo({ photo: readFileSync(join(facesDir, 'astronaut.png')), consent, template: loaded }, platform);
    // The decoder takes its input over; a copy keeps the handle's own bytes for its purge.
    const copy = result.video.value.slice();
    let decoded: { frameCount: number; width: number; height: number };
    try {
      decoded = await decodeVideoFile(copy, { onFrame: () => undefined });
    } finally {
      copy.fill(0);
      result.video.purge();
    }
    expect(decoded).toMatchObject({ frameCount: frames, width: 360, height: 448 });
    expect(result.receipt.totals.failed).toBe(0);
  }, 180_000);
});
