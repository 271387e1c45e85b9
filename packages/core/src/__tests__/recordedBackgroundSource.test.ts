/**
 * Core's recorded template backgrounds over an in-memory TemplateAssets: image sequences decoded
 * one frame at a time with core's own PNG decoder (every decoded buffer purged), stills, and the
 * push→pull bridge over a fake video decoder that honours the real decoder's contract.
 */
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  EphemeralScope,
  ImageDecodeError,
  ImageTooLargeError,
  InvalidArgumentError,
  RecordedBackgroundSource,
  TemplateInvalidError,
  builtInTemplates,
  decodePng,
  isAllZero,
  parseTemplate,
} from '../index';
import type {
  BackgroundFrames,
  DecodeLimits,
  DecodedVideoInfo,
  EphemeralHandle,
  ImageDecoder,
  Template,
  TemplateAssets,
  VideoFrameCallback,
} from '../index';
import { encodePng } from './imageCodecsTestKit';

type Rgb = readonly [number, number, number];

const side = 64;
const frameBytes = side * side * 4;
const palette: Rgb[] = [
  [220, 30, 30],
  [30, 200, 40],
  [40, 60, 220],
  [230, 210, 40],
  [40, 200, 210],
  [210, 50, 200],
];
const colourOf = (i: number): Rgb => palette[i % palette.length]!;

function solidPng([r, g, b]: Rgb, width = side, height = side): Uint8Array {
  const samples = new Uint16Array(width * height * 3);
  for (let i = 0; i < samples.length; i += 3) samples.set([r, g, b], i);
  return encodePng({ width, height, colourType: 2, depth: 8, samples });
}

function makeTemplate(background: Template['background'], frameCount: number): Template {
  return parseTemplate({
    format: 'vopop-template',
    version: 1,
    id: 'recorded-background',
    title: 'Recorded background',
    licence: 'CC0-1.0',
    width: side,
    height: side,
    fps: 10,
    frameCount,
    background,
    faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ frame: 0, x: 32, y: 32, scale: 32, angle: 0 }] },
    mask: builtInTemplates[0]!.mask,
    colourMatch: { strength: 0 },
  });
}

/** A frames template whose files are `frame-<i>.png`, each a solid colour unless overridden. */
function sequence(frameCount: number, override: Record<number, Uint8Array> = {}) {
  const files = new Map<string, Uint8Array>();
  const frames: string[] = [];
  for (let i = 0; i < frameCount; i++) {
    frames.push(`frames/frame-${i}.png`);
    files.set(frames[i]!, override[i] ?? solidPng(colourOf(i)));
  }
  return { template: makeTemplate({ kind: 'frames', frames }, frameCount), files };
}

/** Files in a map; a gate per path lets a test hold a read open. */
class MemoryAssets implements TemplateAssets {
  readonly reads: string[] = [];
  readonly gates = new Map<string, Promise<void>>();
  video: ((onFrame: VideoFrameCallback, signal: AbortSignal) => Promise<DecodedVideoInfo>) | undefined;

  constructor(readonly files: ReadonlyMap<string, Uint8Array>) {}

  async read(path: string, field: string, signal?: AbortSignal): Promise<Uint8Array> {
    this.reads.push(field);
    const gate = this.gates.get(path);
    if (gate) {
      await Promise.race([
        gate,
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new AbortedError(signal.reason)))),
      ]);
    }
    if (signal?.aborted) throw new AbortedError(signal.reason);
    const bytes = this.files.get(path);
    if (!bytes) throw new TemplateInvalidError([{ path: field, message: 'the background image is missing next to the manifest' }]);
    return bytes.slice();
  }

  async decodeVideo(path: string, field: string, onFrame: VideoFrameCallback, signal: AbortSignal): Promise<DecodedVideoInfo> {
    if (!this.video || path !== 'background.mp4') {
      throw new TemplateInvalidError([{ path: field, message: 'the background video is missing next to the manifest' }]);
    }
    return this.video(onFrame, signal);
  }
}

/** Core's PNG decoder behind the ImageDecoder port, remembering every buffer it handed out. */
class SpyDecoder implements ImageDecoder {
  readonly decoded: { readonly handle: EphemeralHandle<Uint8Array>; readonly bytes: Uint8Array }[] = [];
  /** Most decoded images live at one time. */
  maxLive = 0;

  get live(): number {
    return this.decoded.filter(({ handle }) => handle.isLive).length;
  }

  async decode(
    bytes: Uint8Array,
    scope: EphemeralScope,
    options: { readonly limits?: DecodeLimits; readonly signal?: AbortSignal } = {},
  ) {
    await Promise.resolve();
    const image = decodePng(bytes, scope, { ...options, label: 'background.pixels' });
    this.decoded.push({ handle: image.pixels, bytes: image.pixels.value });
    this.maxLive = Math.max(this.maxLive, this.live);
    return image;
  }

  expectAllPurged(): void {
    expect(this.decoded.length).toBeGreaterThan(0);
    for (const { handle, bytes } of this.decoded) {
      expect(handle.isLive).toBe(false);
      expect(isAllZero(bytes)).toBe(true);
    }
  }
}

function pixelAt(frame: Uint8Array, index = 0): Rgb {
  return [frame[index * 4]!, frame[index * 4 + 1]!, frame[index * 4 + 2]!];
}

function renderScope(): EphemeralScope {
  return new EphemeralScope({ label: 'generation' }).child('render');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function expectInvalidAt(error: unknown, path: string): TemplateInvalidError {
  expect(error).toBeInstanceOf(TemplateInvalidError);
  const invalid = error as TemplateInvalidError;
  expect(invalid.issues[0]?.path).toBe(path);
  return invalid;
}

describe('RecordedBackgroundSource: image sequences', () => {
  it('delivers each image in order, decoding at most one ahead, and purges every decoded buffer', async () => {
    const { template, files } = sequence(12);
    const assets = new MemoryAssets(files);
    const decoder = new SpyDecoder();
    const scope = renderScope();
    const frames = await new RecordedBackgroundSource(assets, decoder).open(template, scope);
    const out = new Uint8Array(frameBytes);
    for (let i = 0; i < 12; i++) {
      out.fill(0);
      await frames.next(out);
      expect(pixelAt(out), `frame ${i}`).toEqual(colourOf(i));
      expect(pixelAt(out, side * side - 1), `frame ${i}, last pixel`).toEqual(colourOf(i));
      // Frame i is purged once copied; only the image read ahead may still be live.
      expect(decoder.live).toBeLessThanOrEqual(1);
    }
    await frames[Symbol.asyncDispose]();
    expect(assets.reads).toEqual(Array.from({ length: 12 }, (_, i) => `background.frames[${i}]`));
    expect(decoder.decoded).toHaveLength(12);
    expect(decoder.maxLive).toBeLessThanOrEqual(2);
    decoder.expectAllPurged();
    expect(scope.liveHandles).toBe(0);
  });

  it('decodes a still once and draws it into every frame', async () => {
    const files = new Map([['still.png', solidPng(colourOf(2))]]);
    const template = makeTemplate({ kind: 'frames', frames: ['still.png'] }, 5);
    const decoder = new SpyDecoder();
    const scope = renderScope();
    const frames = await new RecordedBackgroundSource(new MemoryAssets(files), decoder).open(template, scope);
    const out = new Uint8Array(frameBytes);
    for (let i = 0; i < 5; i++) {
      out.fill(7); // the compositor draws over the frame in between
      await frames.next(out);
      expect(pixelAt(out, 100)).toEqual(colourOf(2));
    }
    await expect(frames.next(out)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(decoder.decoded).toHaveLength(1);
    // The still belongs to the render scope until the frames are disposed.
    expect(scope.liveHandles).toBe(1);
    await frames[Symbol.asyncDispose]();
    decoder.expectAllPurged();
    expect(scope.liveHandles).toBe(0);
  });

  it('refuses an image of another size, naming its manifest path, and leaves nothing live', async () => {
    const { template, files } = sequence(4, { 2: solidPng(colourOf(2), side, side - 2) });
    const decoder = new SpyDecoder();
    const scope = renderScope();
    const frames = await new RecordedBackgroundSource(new MemoryAssets(files), decoder).open(template, scope);
    const out = new Uint8Array(frameBytes);
    await frames.next(out);
    await frames.next(out);
    const error = expectInvalidAt(await rejection(frames.next(out)), 'background.frames[2]');
    expect(error.message).toContain(`${side}×${side - 2}`);
    await frames[Symbol.asyncDispose]();
    decoder.expectAllPurged();
    expect(scope.liveHandles).toBe(0);
  });

  it('refuses a first image larger than the template from its header, before the render starts', async () => {
    const { template, files } = sequence(3, { 0: solidPng(colourOf(0), side * 2, side) });
    const decoder = new SpyDecoder();
    const error = await rejection(new RecordedBackgroundSource(new MemoryAssets(files), decoder).open(template, renderScope()));
    const invalid = expectInvalidAt(error, 'background.frames[0]');
    expect(invalid.message).toContain(`${side * 2}×${side}`);
    expect(invalid.cause).toBeInstanceOf(ImageTooLargeError);
    expect(decoder.decoded).toHaveLength(0);
  });

  it('turns a corrupt image into a TemplateInvalidError with the decoder error as its cause', async () => {
    const corrupt = solidPng(colourOf(1));
    corrupt[corrupt.length - 20]! ^= 0xff; // inside the last IDAT: its CRC no longer matches
    const { template, files } = sequence(3, { 1: corrupt });
    const decoder = new SpyDecoder();
    const scope = renderScope();
    const frames = await new RecordedBackgroundSource(new MemoryAssets(files), decoder).open(template, scope);
    const out = new Uint8Array(frameBytes);
    await frames.next(out);
    const error = expectInvalidAt(await rejection(frames.next(out)), 'background.frames[1]');
    expect(error.cause).toBeInstanceOf(ImageDecodeError);
    await frames[Symbol.asyncDispose]();
    decoder.expectAllPurged();
    expect(scope.liveHandles).toBe(0);
  });

  it("passes the platform's error for a missing image through", async () => {
    const { template, files } = sequence(3);
    const missing = new Map(files);
    missing.delete('frames/frame-1.png');
    const frames = await new RecordedBackgroundSource(new MemoryAssets(missing), new SpyDecoder()).open(template, renderScope());
    const out = new Uint8Array(frameBytes);
    await frames.next(out);
    const error = expectInvalidAt(await rejection(frames.next(out)), 'background.frames[1]');
    expect(error.message).toContain('missing');
    await frames[Symbol.asyncDispose]();

    missing.delete('frames/frame-0.png');
    const first = await rejection(new RecordedBackgroundSource(new MemoryAssets(missing), new SpyDecoder()).open(template, renderScope()));
    expectInvalidAt(first, 'background.frames[0]');
  });

  it('stops with AbortedError when aborted between frames or during a read, and leaves nothing live', async () => {
    const { template, files } = sequence(5);
    const assets = new MemoryAssets(files);
    const decoder = new SpyDecoder();
    const scope = renderScope();
    const controller = new AbortController();
    let release!: () => void;
    assets.gates.set('frames/frame-3.png', new Promise<void>((resolve) => (release = resolve)));
    const frames = await new RecordedBackgroundSource(assets, decoder).open(template, scope, controller.signal);
    const out = new Uint8Array(frameBytes);
    await frames.next(out);
    await frames.next(out);
    await frames.next(out); // frame 3 is now being read ahead, held at its gate
    const pending = frames.next(out);
    controller.abort(new Error('user cancelled'));
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(AbortedError);
    await expect(frames.next(out)).rejects.toBeInstanceOf(AbortedError);
    release();
    await frames[Symbol.asyncDispose]();
    decoder.expectAllPurged();
    expect(scope.liveHandles).toBe(0);

    await expect(new RecordedBackgroundSource(assets, decoder).open(template, renderScope(), controller.signal)).rejects.toBeInstanceOf(
      AbortedError,
    );
  });

  it('waits on dispose for an image being read ahead, then purges it', async () => {
    const { template, files } = sequence(3);
    const assets = new MemoryAssets(files);
    const decoder = new SpyDecoder();
    let release!: () => void;
    assets.gates.set('frames/frame-1.png', new Promise<void>((resolve) => (release = resolve)));
    const frames = await new RecordedBackgroundSource(assets, decoder).open(template, renderScope());
    await frames.next(new Uint8Array(frameBytes));
    let disposed = false;
    const disposing = frames[Symbol.asyncDispose]().then(() => (disposed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(disposed).toBe(false);
    release();
    await disposing;
    expect(decoder.decoded).toHaveLength(2);
    decoder.expectAllPurged();
  });

  it('refuses a procedural background, a frame buffer of the wrong size and a frame count the images do not match', async () => {
    const source = new RecordedBackgroundSource(new MemoryAssets(new Map()), new SpyDecoder());
    await expect(source.open(builtInTemplates[0]!, renderScope())).rejects.toBeInstanceOf(InvalidArgumentError);
    const { template, files } = sequence(2);
    const frames = await new RecordedBackgroundSource(new MemoryAssets(files), new SpyDecoder()).open(template, renderScope());
    await expect(frames.next(new Uint8Array(frameBytes - 4))).rejects.toBeInstanceOf(InvalidArgumentError);
    await frames[Symbol.asyncDispose]();
    expect(() => new RecordedBackgroundSource({} as TemplateAssets, new SpyDecoder())).toThrow(InvalidArgumentError);
    // A template object built by hand, past parseTemplate, with too few images.
    const unparsed: Template = { ...template, frameCount: 3 };
    expectInvalidAt(await rejection(new RecordedBackgroundSource(new MemoryAssets(files), new SpyDecoder()).open(unparsed, renderScope())), 'background.frames');
  });
});

/**
 * A fake platform decoder with the real one's contract: it awaits `onFrame` (so a returned
 * promise pauses it), reuses one buffer, checks its signal between frames, and reports the
 * frames it delivered.
 */
function fakeVideo(count: number, options: { width?: number; height?: number } = {}) {
  const state = { produced: 0, stopped: false, sawAbort: false };
  const width = options.width ?? side;
  const height = options.height ?? side;
  const decode = async (onFrame: VideoFrameCallback, signal: AbortSignal): Promise<DecodedVideoInfo> => {
    const rgba = new Uint8Array(width * height * 4);
    try {
      for (let i = 0; i < count; i++) {
        if (signal.aborted) {
          state.sawAbort = true;
          throw new AbortedError(signal.reason);
        }
        const [r, g, b] = colourOf(i);
        for (let p = 0; p < rgba.length; p += 4) rgba.set([r, g, b, 255], p);
        state.produced++;
        await onFrame(rgba, width, height, i, i / 10);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return { codec: 'avc', width, height, frameCount: count, durationSec: count / 10, fps: 10 };
    } finally {
      rgba.fill(0);
      state.stopped = true;
    }
  };
  return { state, decode };
}

const videoTemplate = (frameCount: number) => makeTemplate({ kind: 'video', path: 'background.mp4' }, frameCount);

async function openVideo(
  count: number,
  frameCount: number,
  options: { width?: number; height?: number; signal?: AbortSignal } = {},
): Promise<{ frames: BackgroundFrames; state: ReturnType<typeof fakeVideo>['state'] }> {
  const assets = new MemoryAssets(new Map());
  const video = fakeVideo(count, options);
  assets.video = video.decode;
  const source = new RecordedBackgroundSource(assets, new SpyDecoder());
  const frames = await source.open(videoTemplate(frameCount), renderScope(), options.signal);
  return { frames, state: video.state };
}

describe('RecordedBackgroundSource: video', () => {
  it('delivers the frames in order with one decoded frame in flight', async () => {
    const { frames, state } = await openVideo(4, 4);
    const out = new Uint8Array(frameBytes);
    for (let i = 0; i < 4; i++) {
      await frames.next(out);
      expect(pixelAt(out, 77), `frame ${i}`).toEqual(colourOf(i));
      await new Promise((resolve) => setTimeout(resolve, 5));
      // The decoder has moved on to at most the next frame and waits there.
      expect(state.produced).toBeLessThanOrEqual(i + 2);
    }
    await frames[Symbol.asyncDispose]();
    expect(state.stopped).toBe(true);
  });

  it('refuses a video with fewer frames than the template at frameCount', async () => {
    const { frames } = await openVideo(2, 4);
    const out = new Uint8Array(frameBytes);
    await frames.next(out);
    await frames.next(out);
    expectInvalidAt(await rejection(frames.next(out)), 'frameCount');
    expectInvalidAt(await rejection(frames.next(out)), 'frameCount');
    await frames[Symbol.asyncDispose]();
  });

  it('refuses a video of another size at background.path', async () => {
    const { frames, state } = await openVideo(3, 3, { width: side, height: side + 2 });
    const error = expectInvalidAt(await rejection(frames.next(new Uint8Array(frameBytes))), 'background.path');
    expect(error.message).toContain(`${side}×${side + 2}`);
    await frames[Symbol.asyncDispose]();
    expect(state.stopped).toBe(true);
  });

  it('stops the decoder when aborted mid-way', async () => {
    const controller = new AbortController();
    const { frames, state } = await openVideo(6, 6, { signal: controller.signal });
    const out = new Uint8Array(frameBytes);
    await frames.next(out);
    await frames.next(out);
    controller.abort(new Error('user cancelled'));
    await expect(frames.next(out)).rejects.toBeInstanceOf(AbortedError);
    await frames[Symbol.asyncDispose]();
    expect(state.stopped).toBe(true);
    expect(state.produced).toBeLessThan(6);
  });

  it('stops a decoder that waits for a request when disposed, and waits for it', async () => {
    const { frames, state } = await openVideo(8, 8);
    await frames.next(new Uint8Array(frameBytes));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(state.stopped).toBe(false);
    await frames[Symbol.asyncDispose]();
    expect(state.stopped).toBe(true);
    expect(state.produced).toBe(2);
  });

  it("passes the platform's error for a missing video through", async () => {
    const source = new RecordedBackgroundSource(new MemoryAssets(new Map()), new SpyDecoder());
    const frames = await source.open(videoTemplate(2), renderScope());
    expectInvalidAt(await rejection(frames.next(new Uint8Array(frameBytes))), 'background.path');
    await frames[Symbol.asyncDispose]();
  });
});
