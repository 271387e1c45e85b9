import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { VideoEncoderPort } from '@vopop/core';
import { AbortedError, EphemeralScope, InvalidArgumentError, RenderFailedError } from '@vopop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVideoFile } from '../templates/decodeVideoFile';
import { createNodeVideoEncoder } from '../encode/nodeVideoEncoder';
import { ffmpegFrame, ffmpegPath, psnr, requireFfmpegTools, syntheticFrame, tempDir } from './encodingTestKit';

const run = promisify(execFile);
let encoder: VideoEncoderPort;
let temp: Awaited<ReturnType<typeof tempDir>>;
const files: Record<'avc' | 'vp9', { path: string; bytes: Uint8Array }> = {} as never;
const size = 256;
const frames = 36;

async function encodeFile(codec: 'avc' | 'vp9', width: number, height: number, count: number, name: string) {
  using scope = new EphemeralScope({ label: 'test' });
  const session = await encoder.open({ width, height, fps: 30, codec, frameCount: count }, scope);
  const frame = new Uint8Array(width * height * 4);
  for (let i = 0; i < count; i++) await session.addFrame(syntheticFrame(width, height, i, frame));
  const video = await session.finish();
  const bytes = video.bytes.value.slice();
  return { path: await temp.file(name, bytes), bytes };
}

const openFds = (): number => readdirSync('/proc/self/fd').length;

beforeAll(async () => {
  requireFfmpegTools();
  encoder = await createNodeVideoEncoder();
  temp = await tempDir();
  files.avc = await encodeFile('avc', size, size, frames, 'round.mp4');
  files.vp9 = await encodeFile('vp9', size, size, frames, 'round.webm');
});
afterAll(async () => {
  await temp?.remove();
});

describe('decodeVideoFile', () => {
  for (const codec of ['avc', 'vp9'] as const) {
    it(`round-trips our own ${codec} file from a path: every frame, in order, PSNR ≥ 30`, async () => {
      const seen: number[] = [];
      const timestamps: number[] = [];
      const fdsBefore = openFds();
      const info = await decodeVideoFile(files[codec].path, {
        onFrame: (rgba, width, height, index, timestampSec) => {
          expect([width, height]).toEqual([size, size]);
          seen.push(psnr(rgba, syntheticFrame(size, size, index)));
          timestamps.push(timestampSec);
        },
      });
      expect(info).toMatchObject({ codec, width: size, height: size, frameCount: frames });
      expect(info.fps).toBeCloseTo(30, 2);
      expect(info.durationSec).toBeCloseTo(frames / 30, 3);
      expect(seen).toHaveLength(frames);
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(30);
      expect(timestamps[frames - 1]).toBeCloseTo((frames - 1) / 30, 3);
      expect(openFds()).toBe(fdsBefore);
    });
  }

  it('decodes bytes in memory, and a frame matches what ffmpeg decodes', async () => {
    const k = 20;
    let ours: Uint8Array | undefined;
    await decodeVideoFile(files.avc.bytes, {
      onFrame: (rgba, _w, _h, index) => {
        if (index === k) ours = rgba.slice();
      },
    });
    const theirs = await ffmpegFrame(files.avc.path, k, size, size);
    expect(psnr(ours!, theirs)).toBeGreaterThanOrEqual(40);
  });

  it('applies rotation metadata: portrait frames come out upright, as ffmpeg shows them', async () => {
    const landscape = await encodeFile('avc', 96, 48, 4, 'landscape.mp4');
    const rotated = `${temp.dir}/rotated.mp4`;
    await run(ffmpegPath, ['-v', 'error', '-i', landscape.path, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
    let ours: Uint8Array | undefined;
    const info = await decodeVideoFile(rotated, {
      onFrame: (rgba, width, height, index) => {
        expect([width, height]).toEqual([48, 96]);
        if (index === 2) ours = rgba.slice();
      },
    });
    expect([info.width, info.height]).toEqual([48, 96]);
    const theirs = await ffmpegFrame(rotated, 2, 48, 96);
    expect(psnr(ours!, theirs)).toBeGreaterThanOrEqual(30);
  });

  it('abort mid-stream rejects with AbortedError, closes the file and stops calling back', async () => {
    const controller = new AbortController();
    const fdsBefore = openFds();
    let calls = 0;
    const decoding = decodeVideoFile(
      files.avc.path,
      {
        onFrame: (_rgba, _w, _h, index) => {
          calls++;
          if (index === 5) controller.abort();
        },
      },
      controller.signal,
    );
    await expect(decoding).rejects.toBeInstanceOf(AbortedError);
    expect(calls).toBe(6);
    expect(openFds()).toBe(fdsBefore);
  });

  it('an error thrown by onFrame propagates as is, and the file is closed', async () => {
    const fdsBefore = openFds();
    const failure = new TypeError('detector refused the frame');
    await expect(
      decodeVideoFile(files.vp9.path, {
        onFrame: (_rgba, _w, _h, index) => {
          if (index === 3) throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(openFds()).toBe(fdsBefore);
  });

  it('refuses a missing file, garbage bytes and a missing callback with typed errors', async () => {
    const onFrame = (): void => undefined;
    await expect(decodeVideoFile(`${temp.dir}/nope.mp4`, { onFrame })).rejects.toMatchObject({
      code: 'INPUT_FILE',
      problem: 'missing',
    });
    await expect(decodeVideoFile(temp.dir, { onFrame })).rejects.toMatchObject({ code: 'INPUT_FILE', problem: 'not-a-file' });
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) & 255);
    await expect(decodeVideoFile(garbage, { onFrame })).rejects.toBeInstanceOf(RenderFailedError);
    await expect(decodeVideoFile(files.avc.bytes, {} as never)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
