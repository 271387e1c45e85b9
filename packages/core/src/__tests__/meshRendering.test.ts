/**
 * The mesh path inside the local renderer: a built-in template renders the real fixture face
 * through LocalRenderer (frames captured at the encoder port), and the face on the output lives:
 * re-detected, its eyes shut at the preset's blink while the v1 oval's stay open. Also: the
 * `quality` option is checked before anything is read, and every buffer of the mesh path is in
 * the generation's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { generateVideo } from '../pipeline/generateVideo';
import type { EncodedVideo, VideoEncodeOptions, VideoEncoderPort, VideoEncoderSession } from '../ports/videoEncoder';
import type { RgbaImage } from '../ports/rgbaImage';
import { EphemeralScope } from '../purge/ephemeralScope';
import { LocalRenderer } from '../render/localRenderer';
import { getBuiltInTemplate } from '../templates/builtInTemplates';
import { createFakePlatform, fakePhoto } from './fakePorts';
import { detectMesh, eyeAspectRatio, frameImage, loadFaceWithMesh } from './meshTestKit';

/** An encoder port that keeps copies of the frames asked for (test data, wiped after). */
class CapturingEncoder implements VideoEncoderPort {
  readonly frames = new Map<number, Uint8Array>();
  constructor(readonly wanted: readonly number[]) {}

  async open(options: VideoEncodeOptions, scope: EphemeralScope): Promise<VideoEncoderSession> {
    let added = 0;
    const frames = this.frames;
    const wanted = this.wanted;
    return {
      codec: 'avc',
      container: 'mp4',
      get framesAdded() {
        return added;
      },
      async addFrame(rgba: Uint8Array) {
        if (wanted.includes(added)) frames.set(added, rgba.slice());
        added++;
      },
      async finish(): Promise<EncodedVideo> {
        const { width, height, fps } = options;
        return {
          bytes: scope.hold(new Uint8Array(16), { kind: 'video', label: 'test.video' }),
          container: 'mp4',
          codec: 'avc',
          mimeType: 'video/mp4',
          width,
          height,
          fps,
          frameCount: added,
          durationSec: added / fps,
        } as EncodedVideo;
      },
      async cancel() {},
      async [Symbol.asyncDispose]() {},
    };
  }
}

let scope: EphemeralScope;
let photo: RgbaImage;
let face: FaceLandmarks;

beforeAll(async () => {
  scope = new EphemeralScope({ label: 'mesh-rendering-test' });
  ({ photo, face } = await loadFaceWithMesh('astronaut.png', scope));
}, 120_000);

afterAll(() => scope.purge());

async function renderFrames(faceRenderer: 'mesh' | 'oval', wanted: readonly number[]): Promise<Map<number, Uint8Array>> {
  const encoder = new CapturingEncoder(wanted);
  const renderer = new LocalRenderer({ encoder, faceRenderer });
  const template = getBuiltInTemplate('confetti-pop')!;
  const run = scope.child(`render-${faceRenderer}`);
  await renderer.render({ photo, landmarks: face, template }, run);
  run.purge();
  return encoder.frames;
}

describe('LocalRenderer, mesh path', () => {
  it('a built-in template’s face blinks (re-detected eye aspect ratio at 1.0 s under half of 0 s’s); the v1 oval’s does not', async () => {
    const template = getBuiltInTemplate('confetti-pop')!;
    const blinkFrame = Math.round(1.0 * template.fps);
    const ratios = async (renderer: 'mesh' | 'oval') => {
      const frames = await renderFrames(renderer, [0, blinkFrame]);
      const run = scope.child(`detect-${renderer}`);
      const out: number[] = [];
      for (const index of [0, blinkFrame]) {
        const found = await detectMesh(frameImage(frames.get(index)!, template.width, template.height, run), run);
        expect(found).toBeDefined();
        out.push(eyeAspectRatio(found!.points));
        frames.get(index)!.fill(0);
      }
      run.purge();
      return out;
    };
    const [meshOpen, meshBlink] = await ratios('mesh');
    const [ovalOpen, ovalBlink] = await ratios('oval');
    expect(meshBlink!).toBeLessThan(0.5 * meshOpen!);
    expect(ovalBlink!).toBeGreaterThan(0.8 * ovalOpen!);
  }, 120_000);

  it('refuses an unknown quality before reading the photo', async () => {
    const platform = createFakePlatform();
    const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'v1', grantedAt: '2026-12-01T00:00:00Z' } as const;
    await expect(generateVideo({ photo: fakePhoto(), consent, quality: 'ultra' as never }, platform)).rejects.toThrow(InvalidArgumentError);
    await expect(generateVideo({ photo: fakePhoto(), consent, quality: 'ultra' as never }, platform)).rejects.toThrow(/quality/);
    expect(platform.log).toEqual([]);
  });
});
