/**
 * `vopop generate` on a sideways photo without an EXIF tag (a phone photo whose orientation was
 * lost): the video shows the face upright. A frame of the written video is decoded by ffmpeg
 * and the detector measures the face's roll in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { EphemeralScope, estimateHeadPose } from '@vopop/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cliIo';
import { generateCommand } from '../generateCommand';
import { createNodeFaceDetector } from '@vopop/node-adapter';
import { facesDir } from '../../../../fixtures/faces/facesDir';
import { ffmpegFrame } from '../../../node-adapter/src/__tests__/encodingTestKit';

const work = mkdtempSync(join(tmpdir(), 'vopop-cli-turned-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function quietIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false } as CliIo & { out: string; err: string };
  Object.assign(io, {
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  });
  return io;
}

describe('vopop generate on a photo turned 90° without EXIF', () => {
  it('writes a video whose face is upright', async () => {
    const photo = join(work, 'sideways.jpg');
    // sharp writes no metadata unless asked: the turn is in the pixels only.
    await sharp(join(facesDir, 'portrait.jpg')).rotate(90).jpeg({ quality: 92 }).toFile(photo);
    expect((await sharp(photo).metadata()).orientation).toBeUndefined();

    const output = join(work, 'sideways.mp4');
    const io = quietIo();
    const code = await generateCommand([photo, '--consent', '--json', '-o', output], io);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(io.out) as { width: number; height: number; frames: number };

    const frame = await ffmpegFrame(output, Math.floor(result.frames / 2), result.width, result.height);
    using detector = await createNodeFaceDetector({ backend: 'wasm', landmarks: 468, anyOrientation: false });
    using scope = new EphemeralScope({ label: 'frame' });
    const pixels = scope.hold(new Uint8Array(frame), { kind: 'pixels', label: 'frame' });
    frame.fill(0);
    const faces = await detector.detect({ width: result.width, height: result.height, pixels }, scope);
    expect(faces.length).toBeGreaterThanOrEqual(1);
    // Upright within the template's own tilt; the photo's face had a roll of about 89°.
    const roll = estimateHeadPose(faces[0]!.value).roll;
    expect(Math.abs(roll)).toBeLessThan(20);
  }, 300_000);
});
