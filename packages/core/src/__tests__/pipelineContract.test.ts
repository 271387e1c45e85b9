/**
 * The contract of `generateVideo`, checked in milliseconds over in-memory ports that behave like
 * the real ones, failures included (`fakePorts.ts`): consent before anything, the stages in
 * order, progress that never goes back and ends at 1, cancellation at every port call and every
 * progress report, a receipt delivered once on every path, every handle purged and read back as
 * zeros, only the video leaving, and what `onPurged` sees and may break. The Node integration
 * tests (P2, P3) check the same on the real ports, slower.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  AbortedError,
  ConsentRequiredError,
  EncoderUnavailableError,
  EphemeralScope,
  FaceTooSmallError,
  GenerationFailedError,
  ImageDecodeError,
  ImageTooLargeError,
  MultipleFacesError,
  NoFaceError,
  PurgeFailedError,
  RenderFailedError,
  TemplateInvalidError,
  WiperRegistry,
  builtInTemplates,
  generateVideo,
  generationStages,
  isAllZero,
  parseTemplate,
} from '../index';
import type {
  EphemeralHandle,
  GenerateVideoOptions,
  GeneratedVideo,
  GenerationProgress,
  HandleKind,
  PurgeReceipt,
  Template,
  Wiper,
} from '../index';
import { createFakePlatform, fakePhoto } from './fakePorts';
import type { FakeFace, FakePlatform, FakeVideo } from './fakePorts';

const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-12-01T00:00:00Z' } as const;
const side = 64;
const frameCount = 4;
const photoFile = fakePhoto();

function template(background: Template['background'] = builtInTemplates[0]!.background): Template {
  const base = builtInTemplates[0]!;
  return parseTemplate({
    ...base,
    id: 'contract',
    width: side,
    height: side,
    fps: 10,
    frameCount,
    background,
    faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ frame: 0, x: 32, y: 32, scale: 30, angle: 0 }] },
  });
}

const solid = (value: number) => new Uint8Array(side * side * 4).fill(value);
const backgroundVideo: FakeVideo = { width: side, height: side, fps: 10, frames: [10, 20, 30, 40].map(solid) };
const backgroundImages = new Map([0, 1, 2, 3].map((i) => [`frames/${i}.png`, fakePhoto(side, side, i)]));
const framesTemplate = template({ kind: 'frames', frames: [0, 1, 2, 3].map((i) => `frames/${i}.png`) });
const videoTemplate = template({ kind: 'video', path: 'background.mp4' });

interface Held {
  readonly kind: HandleKind;
  readonly label: string;
  readonly value: unknown;
  readonly handle: EphemeralHandle<unknown>;
}

interface Outcome {
  readonly platform: FakePlatform;
  readonly photo: Uint8Array;
  readonly held: Held[];
  readonly progress: GenerationProgress[];
  readonly receipts: PurgeReceipt[];
  result?: GeneratedVideo;
  error?: unknown;
}

function platformWith(faces?: FakeFace[]): FakePlatform {
  return createFakePlatform({
    ...(faces ? { faces } : {}),
    files: backgroundImages,
    videos: new Map([['background.mp4', backgroundVideo]]),
  });
}

/** One generation on `platform`, recording every handle held, every progress report and receipt. */
async function generate(
  platform: FakePlatform = platformWith(),
  extra: Partial<GenerateVideoOptions> & { onReceipt?: (held: Held[]) => void; onStart?: (outcome: Outcome) => void } = {},
): Promise<Outcome> {
  const photo = photoFile.slice();
  const outcome: Outcome = { platform, photo, held: [], progress: [], receipts: [] };
  extra.onStart?.(outcome);
  const hold = EphemeralScope.prototype.hold;
  const spy = vi.spyOn(EphemeralScope.prototype, 'hold').mockImplementation(function (this: EphemeralScope, value, options) {
    const handle = hold.call(this, value, options);
    outcome.held.push({ kind: options.kind, label: options.label, value, handle });
    return handle;
  });
  const { onReceipt, onStart: _, ...options } = extra;
  // A recorded background's files come with its manifest, as the platforms' loaders return them.
  const manifest = options.template ?? template();
  const recorded = typeof manifest === 'object' && manifest !== null && (manifest as Template).background?.kind !== 'procedural';
  try {
    outcome.result = await generateVideo(
      {
        photo,
        consent,
        ...options,
        template: recorded ? { template: manifest, assets: platform.assets } : manifest,
        onProgress: (p) => {
          outcome.progress.push(p);
          options.onProgress?.(p);
        },
        onPurged: (receipt) => {
          outcome.receipts.push(receipt);
          onReceipt?.(outcome.held);
          options.onPurged?.(receipt);
        },
      },
      platform,
    );
  } catch (error) {
    outcome.error = error;
  } finally {
    spy.mockRestore();
  }
  return outcome;
}

/** Bytes a value still holds: a typed array, or a landmarks-like record of typed arrays. */
function stillHolds(value: unknown): boolean {
  if (ArrayBuffer.isView(value)) return !isAllZero(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((part) => ArrayBuffer.isView(part) && stillHolds(part));
  return false;
}

/**
 * Everything the generation left, as findings (`[]`: nothing). The video, when it was handed
 * out, is the one exception, and must be the only handle still live.
 */
function leftovers(outcome: Outcome): string[] {
  const found: string[] = [];
  const { platform, result } = outcome;
  if (outcome.receipts.length !== 1) found.push(`onPurged called ${outcome.receipts.length} times`);
  const video = result?.video;
  for (const h of outcome.held) {
    if (video && h.kind === 'video' && h.value === videoValue(video)) continue;
    if (h.handle.isLive) found.push(`${h.label} live`);
    if (stillHolds(h.value)) found.push(`${h.label} not zeroed`);
  }
  if (!isAllZero(outcome.photo)) found.push('photo bytes not zeroed');
  for (const [i, pixels] of [...platform.decoder.decoded, ...platform.backgroundDecoder.decoded].entries()) {
    if (!isAllZero(pixels)) found.push(`decoded image ${i} not zeroed`);
  }
  for (const [i, record] of platform.detector.records.entries()) if (stillHolds(record)) found.push(`face record ${i} not zeroed`);
  for (const session of platform.encoder.sessions) {
    for (const buffer of session.madeBuffers) {
      if (video && buffer === videoValue(video)) continue;
      if (!isAllZero(buffer)) found.push('encoder buffer not zeroed');
    }
  }
  const receipt = outcome.receipts[0];
  if (receipt) {
    for (const r of receipt.records) if (r.outcome === 'wiped' && r.verified !== true) found.push(`${r.label} unverified`);
    // Background images are template data, each purged in a scope of its own once copied
    // (imageSequenceBackgroundFrames.ts): read back above, but not in the generation's receipt.
    const personal = outcome.held.filter((h) => h.label !== 'background.pixels');
    if (receipt.records.length < personal.length - (video ? 1 : 0)) found.push('receipt misses handles');
  }
  return found;
}

const videoValues = new WeakMap<EphemeralHandle<Uint8Array>, Uint8Array>();
function videoValue(video: EphemeralHandle<Uint8Array>): Uint8Array | undefined {
  if (!videoValues.has(video) && video.isLive) videoValues.set(video, video.value);
  return videoValues.get(video);
}

function expectTyped(outcome: Outcome, type: abstract new (...args: never[]) => Error): void {
  expect(outcome.error, String(outcome.error)).toBeInstanceOf(type);
  expect(outcome.result).toBeUndefined();
  expect(leftovers(outcome)).toEqual([]);
}

describe('consent comes first (P8)', () => {
  it.each([
    ['missing', undefined],
    ['for another purpose', { ...consent, purpose: 'marketing' }],
    ['for remote processing', { ...consent, processing: 'remote' }],
  ])('consent %s: ConsentRequiredError before any port is called or any byte is held', async (_, record) => {
    const outcome = await generate(platformWith(), { consent: record as never });
    expect(outcome.error).toBeInstanceOf(ConsentRequiredError);
    expect(outcome.platform.log).toEqual([]);
    expect(outcome.held).toEqual([]);
    expect(outcome.receipts).toEqual([]);
    expect(outcome.photo).toEqual(photoFile);
  });
});

describe('a generation that succeeds', () => {
  it('runs the stages in order, reports monotonic progress ending at 1, and hands out only the video', async () => {
    const outcome = await generate();
    const { result, platform, progress } = outcome;
    expect(result).toBeDefined();
    expect(platform.log).toEqual([
      'decode photo.pixels',
      'detect',
      'encoder.open',
      ...Array.from({ length: frameCount }, (_, i) => `encoder.frame ${i}`),
      'encoder.finish',
    ]);
    const order = progress.map((p) => generationStages.indexOf(p.stage));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(generationStages));
    for (const stage of generationStages) {
      const fractions = progress.filter((p) => p.stage === stage).map((p) => p.fraction);
      expect(fractions[0], stage).toBe(0);
      expect(fractions.at(-1), stage).toBe(1);
      expect(fractions, stage).toEqual([...fractions].sort((a, b) => a - b));
    }
    expect(progress.at(-1)).toEqual({ stage: 'purge', fraction: 1 });

    expect(outcome.receipts).toHaveLength(1);
    expect(result!.receipt).toBe(outcome.receipts[0]);
    const moved = result!.receipt.records.filter((r) => r.outcome === 'moved');
    expect(moved.map((r) => r.kind)).toEqual(['video']);
    expect(result!.receipt.totals.failed).toBe(0);
    expect(new Set(outcome.held.map((h) => h.kind))).toEqual(
      new Set(['photo-bytes', 'pixels', 'landmarks', 'aligned-face', 'face-transform', 'frame', 'video']),
    );
    expect(leftovers(outcome)).toEqual([]);

    const video = result!.video;
    expect(video.isLive).toBe(true);
    expect([...video.value.subarray(4, 8)]).toEqual([0x66, 0x74, 0x79, 0x70]);
    expect(result).toMatchObject({ width: side, height: side, frameCount, fps: 10, durationSec: 0.4, templateId: 'contract' });
    const bytes = video.value;
    video.purge();
    expect(isAllZero(bytes)).toBe(true);
  });

  it('with several faces picks the largest and wipes the others; "reject" refuses them all', async () => {
    const faces: FakeFace[] = [
      { x: 10, y: 10, size: 100 },
      { x: 120, y: 100, size: 130 },
      { x: 20, y: 150, size: 90 },
    ];
    const largest = await generate(platformWith(faces));
    expect(largest.error).toBeUndefined();
    const photoPoints = largest.held.find((h) => h.label === 'photo.points5');
    expect(photoPoints).toBeDefined();
    expect(largest.held.filter((h) => h.kind === 'landmarks' && h.label.startsWith('face.'))).toHaveLength(3);
    expect(leftovers(largest)).toEqual([]);
    largest.result!.video.purge();

    const reject = await generate(platformWith(faces), { facePolicy: { multiple: 'reject' } });
    expectTyped(reject, MultipleFacesError);
    expect((reject.error as MultipleFacesError).count).toBe(3);
    expect(reject.platform.log).toEqual(['decode photo.pixels', 'detect']);
  });

  it.each([
    ['procedural', template()],
    ['frames', framesTemplate],
    ['video', videoTemplate],
  ])('renders a %s background, reading its assets while it renders', async (kind, manifest) => {
    const outcome = await generate(platformWith(), { template: manifest });
    expect(outcome.error).toBeUndefined();
    const assetCalls = outcome.platform.log.filter((entry) => entry.startsWith('assets.'));
    expect(assetCalls.length).toBe(kind === 'procedural' ? 0 : kind === 'frames' ? frameCount : 1);
    expect(leftovers(outcome)).toEqual([]);
    outcome.result!.video.purge();
  });
});

describe('onPurged', () => {
  it('is called once, after everything but the video is wiped, on success, failure and abort', async () => {
    const liveAtReceipt: string[][] = [];
    const seeLive = (held: Held[]) => liveAtReceipt.push(held.filter((h) => h.handle.isLive).map((h) => h.kind));
    const ok = await generate(platformWith(), { onReceipt: seeLive });
    ok.result!.video.purge();
    const failed = await generate(platformWith([]), { onReceipt: seeLive });
    const controller = new AbortController();
    const aborted = await generate(platformWith(), {
      onReceipt: seeLive,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'render' && p.fraction > 0) controller.abort();
      },
    });
    expect(failed.error).toBeInstanceOf(NoFaceError);
    expect(aborted.error).toBeInstanceOf(AbortedError);
    for (const outcome of [ok, failed, aborted]) expect(outcome.receipts).toHaveLength(1);
    // Nothing held in the generation is live (the video left as a new handle, moved out first).
    expect(liveAtReceipt).toEqual([[], [], []]);
    expect(ok.receipts[0]!.records.filter((r) => r.outcome === 'moved').map((r) => r.kind)).toEqual(['video']);
  });

  it('a callback that throws: its error reaches the caller, and the video nobody will receive is wiped', async () => {
    const outcome = await generate(platformWith(), {
      onPurged: () => {
        throw new RangeError('app bug');
      },
    });
    expect(outcome.error).toBeInstanceOf(RangeError);
    const video = outcome.held.find((h) => h.kind === 'video')!;
    expect(video.handle.isLive).toBe(false);
    expect(leftovers(outcome)).toEqual([]);
    // The moved handle was purged by generateVideo, so the encoder's file reads as zeros too.
    expect(stillHolds(video.value)).toBe(false);
  });
});

describe('every failure is typed, delivers a receipt and leaves nothing', () => {
  it('decoder: empty, unrecognised, truncated, too large, corrupt pass through with their own types', async () => {
    const cases: [Partial<GenerateVideoOptions>, (p: FakePlatform) => void, string][] = [
      [{ photo: new Uint8Array(0) }, () => undefined, 'empty'],
      [{ photo: new TextEncoder().encode('not an image at all') }, () => undefined, 'unrecognized'],
      [{ photo: photoFile.slice(0, photoFile.length - 20) }, () => undefined, 'truncated'],
      [{}, (p) => (p.decoder.fault = 'corrupt'), 'corrupt'],
    ];
    for (const [options, script, reason] of cases) {
      const platform = platformWith();
      script(platform);
      const outcome = await generate(platform, options);
      expect(outcome.error, reason).toBeInstanceOf(ImageDecodeError);
      expect((outcome.error as ImageDecodeError).reason).toBe(reason);
      expect(outcome.platform.log).toEqual(['decode photo.pixels']);
      // `photo` in options replaced the outcome's own copy: that one is what must be wiped.
      const given = (options.photo as Uint8Array | undefined) ?? outcome.photo;
      expect(isAllZero(given), reason).toBe(true);
      expect(leftovers({ ...outcome, photo: given })).toEqual([]);
    }
    const tooLarge = await generate(platformWith(), { decodeLimits: { maxPixels: 1000 } });
    expectTyped(tooLarge, ImageTooLargeError);
    expect((tooLarge.error as ImageTooLargeError).limit).toBe('pixels');
  });

  it.each([
    ['decoder', 'decode', (p: FakePlatform) => (p.decoder.fault = 'crash')],
    ['detector', 'detect', (p: FakePlatform) => (p.detector.fault = 'crash')],
    ['encoder at open', 'render', (p: FakePlatform) => (p.encoder.fault = 'open')],
  ])('an untyped error from the %s is wrapped as GenerationFailedError naming the stage', async (_, stage, script) => {
    const platform = platformWith();
    script(platform);
    const outcome = await generate(platform);
    expectTyped(outcome, GenerationFailedError);
    expect((outcome.error as GenerationFailedError).stage).toBe(stage);
    expect((outcome.error as Error).cause).toBeInstanceOf(Error);
  });

  it.each([
    ['no face', [], NoFaceError],
    ['a face too small', [{ x: 10, y: 10, size: 40 }], FaceTooSmallError],
  ] as const)('detector finds %s: typed error after detect, before any encoder', async (_, faces, type) => {
    const outcome = await generate(platformWith([...faces]));
    expectTyped(outcome, type);
    expect(outcome.platform.log).toEqual(['decode photo.pixels', 'detect']);
  });

  it('encoder: no codec, a failed frame and a failed mux keep their types; the partial video is zeroed', async () => {
    const unavailable = platformWith();
    unavailable.encoder.fault = 'unavailable';
    expectTyped(await generate(unavailable), EncoderUnavailableError);

    const frame = platformWith();
    frame.encoder.fault = 'frame';
    const atFrame = await generate(frame);
    expectTyped(atFrame, RenderFailedError);
    expect(atFrame.error).toMatchObject({ stage: 'encode', frameIndex: 2 });
    expect(atFrame.platform.log).not.toContain('encoder.finish');

    const mux = platformWith();
    mux.encoder.fault = 'finish';
    const atMux = await generate(mux);
    expectTyped(atMux, RenderFailedError);
    expect(atMux.error).toMatchObject({ stage: 'mux' });
    expect(mux.encoder.sessions[0]!.packets).toHaveLength(frameCount);
  });

  it('template: an unknown id, a missing background image and a missing video are TemplateInvalidError', async () => {
    const unknown = await generate(platformWith(), { template: 'no-such-template' });
    expectTyped(unknown, TemplateInvalidError);
    expect(unknown.platform.log).toEqual([]);

    const missingImage = template({ kind: 'frames', frames: ['frames/0.png', 'frames/missing.png', 'frames/2.png', 'frames/3.png'] });
    const image = await generate(platformWith(), { template: missingImage });
    expectTyped(image, TemplateInvalidError);
    expect((image.error as TemplateInvalidError).issues[0]!.path).toBe('background.frames[1]');

    const missingVideo = template({ kind: 'video', path: 'elsewhere.mp4' });
    const video = await generate(platformWith(), { template: missingVideo });
    expectTyped(video, TemplateInvalidError);
  });

  it('template: a recorded manifest without its files is TemplateInvalidError before any file is read', async () => {
    for (const manifest of [framesTemplate, videoTemplate]) {
      const platform = platformWith();
      const photo = photoFile.slice();
      const error = await generateVideo({ photo, consent, template: manifest }, platform).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TemplateInvalidError);
      expect((error as TemplateInvalidError).issues[0]!.path).toBe('background.kind');
      expect(platform.log.filter((entry) => entry.startsWith('assets.'))).toEqual([]);
      expect(photo.every((byte) => byte === 0)).toBe(true);
    }
  });

  it('a wiper that throws in the purge: PurgeFailedError after every other handle was wiped, and no video', async () => {
    const frameBytes = side * side * 4;
    const failing: Wiper<Uint8Array> = {
      name: 'failing-frame',
      matches: (value): value is Uint8Array => value instanceof Uint8Array && value.byteLength === frameBytes,
      measure: (value) => value.byteLength,
      wipe: () => {
        throw new Error('injected: wiper');
      },
    };
    const wipers = new WiperRegistry();
    wipers.register(failing);
    const platform = { ...platformWith(), wipers };
    const outcome = await generate(platform);
    expect(outcome.error).toBeInstanceOf(PurgeFailedError);
    expect(outcome.result).toBeUndefined();
    const failed = outcome.receipts[0]!.records.filter((r) => r.outcome === 'failed');
    expect(failed.map((r) => r.label)).toEqual(['frame']);
    // The failed frame keeps its bytes (the receipt says so); everything else, the video too, is zero.
    const rest = { ...outcome, held: outcome.held.filter((h) => h.label !== 'frame') };
    expect(leftovers(rest)).toEqual([]);
    const video = outcome.held.find((h) => h.kind === 'video')!;
    expect(video.handle.isLive).toBe(false);
    expect(stillHolds(video.value)).toBe(false);
  });
});

describe('cancellation at every stage', () => {
  const templates = [
    ['procedural', template()],
    ['video', videoTemplate],
    ['frames', framesTemplate],
  ] as const;

  it('an abort purges at once, while a port is still working, not when the port returns', async () => {
    const controller = new AbortController();
    const platform = platformWith();
    let running: Outcome | undefined;
    const leftAtAbort: string[] = [];
    const push = platform.log.push.bind(platform.log);
    platform.log.push = (...entries: string[]) => {
      if (entries[0] === 'encoder.frame 1') {
        controller.abort();
        // Synchronously after abort(): the encoder has not even started on this frame.
        for (const h of running!.held) if (h.handle.isLive || stillHolds(h.value)) leftAtAbort.push(h.label);
        if (!isAllZero(running!.photo)) leftAtAbort.push('photo bytes');
      }
      return push(...entries);
    };
    const outcome = await generate(platform, { signal: controller.signal, onStart: (o) => (running = o) });
    expect(outcome.error).toBeInstanceOf(AbortedError);
    expect(outcome.held.length).toBeGreaterThan(5);
    expect(leftAtAbort).toEqual([]);
  });

  it.each(templates)('an abort at each port call and each progress report (%s background): AbortedError, nothing left', async (_, manifest) => {
    const reference = await generate(platformWith(), { template: manifest });
    reference.result!.video.purge();
    const calls = reference.platform.log.length;
    const reports = reference.progress.length;
    expect(calls).toBeGreaterThan(frameCount);
    let aborted = 0;
    for (let at = 0; at < calls + reports; at++) {
      const controller = new AbortController();
      const platform = platformWith();
      if (at < calls) {
        // Abort as the port is called, before it does its work.
        let seen = 0;
        const push = platform.log.push.bind(platform.log);
        platform.log.push = (...entries: string[]) => {
          if (seen++ === at) controller.abort(new Error(`at call ${at}`));
          return push(...entries);
        };
      }
      let reportsSeen = 0;
      const outcome = await generate(platform, {
        template: manifest,
        signal: controller.signal,
        onProgress: () => {
          if (reportsSeen++ === at - calls) controller.abort(new Error(`at report ${at - calls}`));
        },
      });
      if (outcome.error === undefined) {
        // Once the video has been moved out (the purge reports), an abort has nothing left to
        // cancel: the caller gets the video, and everything else was purged all the same.
        expect(reference.progress[at - calls]?.stage, `a run aborted at ${at} succeeded`).toBe('purge');
        expect(leftovers(outcome)).toEqual([]);
        outcome.result!.video.purge();
        continue;
      }
      aborted++;
      expect(outcome.error, `at ${at}`).toBeInstanceOf(AbortedError);
      expect(leftovers(outcome), `at ${at}`).toEqual([]);
      expect(outcome.progress.some((p) => p.stage === 'purge' && p.fraction === 1), `at ${at}`).toBe(false);
    }
    expect(aborted).toBe(calls + reports - 2);
  });
});

describe('the checks above can fail: mutants they catch', () => {
  it('a frame wiper that does nothing but claims a verified wipe is caught by the read-back', async () => {
    const frameBytes = side * side * 4;
    const lying: Wiper<Uint8Array> = {
      name: 'lying-frame',
      matches: (value): value is Uint8Array => value instanceof Uint8Array && value.byteLength === frameBytes,
      measure: (value) => value.byteLength,
      wipe: (value) => ({ method: 'zero-fill', bytes: value.byteLength, verified: true }),
    };
    const wipers = new WiperRegistry();
    wipers.register(lying);
    const outcome = await generate({ ...platformWith(), wipers });
    expect(outcome.result!.receipt.totals.failed).toBe(0);
    expect(leftovers(outcome)).toContain('frame not zeroed');
    outcome.result!.video.purge();
  });

  it('an encoder that keeps its packets after a failure is caught', async () => {
    const platform = platformWith();
    platform.encoder.fault = 'frame';
    platform.encoder.zeroOnTeardown = false;
    const outcome = await generate(platform);
    expect(outcome.error).toBeInstanceOf(RenderFailedError);
    expect(leftovers(outcome)).toContain('encoder buffer not zeroed');
  });

  it('a run whose onPurged never fired, or fired twice, is caught', async () => {
    const outcome = await generate();
    outcome.result!.video.purge();
    expect(leftovers({ ...outcome, receipts: [] })).toContain('onPurged called 0 times');
    expect(leftovers({ ...outcome, receipts: [outcome.receipts[0]!, outcome.receipts[0]!] })).toContain('onPurged called 2 times');
  });
});
