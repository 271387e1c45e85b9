/**
 * In-memory ports for core-level tests of the pipeline: a photo decoder, a face detector, a video
 * encoder and a template's files, composed into a platform the way the Node adapter's
 * `createNodePlatform` composes the real ones. Each fake follows its real counterpart's documented
 * contract — the same pre-checks in the same order, the same typed errors, the same handle kinds
 * and labels, the same wiping on failure — and can be told to fail where the real one can. They
 * are fast because they do no real work (no pixel decoding, no inference, no encoding), not
 * because they skip the contract.
 *
 * Every fake writes what it was asked to do into a shared call log, so that tests can check the
 * order of the stages and that nothing ran before consent was checked.
 */
import {
  AbortedError,
  EncoderUnavailableError,
  ImageDecodeError,
  InvalidArgumentError,
  LocalRenderer,
  PurgedError,
  RenderFailedError,
  TemplateInvalidError,
  canonicalDenseFace,
  faceLandmarksWiper,
  photoEndsEarly,
  preparePhotoDecode,
} from '../index';
import type {
  DecodeLimits,
  DecodedVideoInfo,
  DetectOptions,
  EncodedVideo,
  EphemeralHandle,
  EphemeralScope,
  FaceDetector,
  FaceLandmarks,
  ImageDecoder,
  RgbaImage,
  TemplateAssets,
  VideoEncodeOptions,
  VideoEncoderPort,
  VideoEncoderSession,
  VideoFrameCallback,
  VopopPlatform,
} from '../index';
import { encodePng } from './imageCodecsTestKit';

/** Ports that run their work asynchronously (wasm, inference, encoders) yield here, so aborts can land. */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(signal.reason);
}

/**
 * A real PNG file (valid header, chunks and CRCs) of `width × height` whose samples are a
 * pattern derived from `seed`: what the fake decoder reads the size from.
 */
export function fakePhoto(width = 256, height = 256, seed = 7): Uint8Array {
  const samples = new Uint16Array(width * height * 3);
  for (let i = 0; i < samples.length; i++) samples[i] = (i * 31 + seed * 17) % 251;
  return encodePng({ width, height, colourType: 2, depth: 8, samples });
}

/** Where a fake port fails, when told to. */
export type DecoderFault = 'corrupt' | 'crash';
/** `crash`: an untyped error from the inference runtime, as tfjs throws. */
export type DetectorFault = 'crash';
/** `unavailable`: no codec; the others: the encoder or muxer failing at that step. */
export type EncoderFault = 'unavailable' | 'open' | 'frame' | 'finish';

/**
 * Mirrors core's `SandboxedImageDecoder` (the Node adapter's default `WasmImageDecoder`): the
 * shared `preparePhotoDecode` checks (argument, abort, closed scope, limits, header: the same
 * `ImageDecodeError` / `ImageTooLargeError`), `photoEndsEarly` → `truncated`, then an
 * asynchronous decode whose pixels are zero-filled on any failure and otherwise held as
 * `'pixels'` under the decoder's label. The "decoded" pixels are a pattern of the file's bytes,
 * not its image: enough to be personal data that must be wiped.
 */
export class FakeImageDecoder implements ImageDecoder {
  fault: DecoderFault | undefined;
  /** Every pixel buffer handed out, for read-back after a purge. */
  readonly decoded: Uint8Array[] = [];
  readonly #label: string;
  readonly #limits: DecodeLimits | undefined;
  readonly #log: string[];

  constructor(log: string[], options: { readonly label?: string; readonly limits?: DecodeLimits } = {}) {
    this.#log = log;
    this.#label = options.label ?? 'photo.pixels';
    this.#limits = options.limits;
  }

  async decode(
    bytes: Uint8Array,
    scope: EphemeralScope,
    options: { readonly limits?: DecodeLimits; readonly signal?: AbortSignal } = {},
  ): Promise<RgbaImage> {
    this.#log.push(`decode ${this.#label}`);
    const { signal } = options;
    const { header } = preparePhotoDecode(bytes, scope, signal, this.#limits, options.limits);
    if (photoEndsEarly(bytes, header.format)) {
      throw new ImageDecodeError('truncated', header.format, { detail: 'The file ends before its image data does' });
    }
    const { width, height } = header;
    const stored = new Uint8Array(width * height * 4);
    for (let i = 0; i < stored.length; i++) stored[i] = bytes[i % bytes.length]! | 1;
    this.decoded.push(stored);
    try {
      await nextTask();
      if (this.fault === 'corrupt') throw new ImageDecodeError('corrupt', header.format);
      if (this.fault === 'crash') throw new Error('fake decoder: the sandbox trapped');
      throwIfAborted(signal);
      // A scope purged meanwhile wipes the value and throws PurgedError itself.
      const pixels = scope.hold(stored, { kind: 'pixels', label: this.#label });
      return { width, height, pixels };
    } catch (error) {
      stored.fill(0);
      throw error;
    }
  }
}

/** A face the fake detector "finds": a square box in image pixels. */
export interface FakeFace {
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly score?: number;
}

/** A 468-point mesh of an upright frontal face filling `face`'s box (core's canonical mean face). */
export function meshFor(face: FakeFace, image: { width: number; height: number }): FaceLandmarks {
  const pointCount = canonicalDenseFace.length / 2;
  const points = new Float32Array(pointCount * 3);
  for (let i = 0; i < pointCount; i++) {
    points[i * 3] = face.x + canonicalDenseFace[i * 2]! * face.size;
    points[i * 3 + 1] = face.y + canonicalDenseFace[i * 2 + 1]! * face.size;
  }
  return {
    imageWidth: image.width,
    imageHeight: image.height,
    pointCount,
    points,
    box: Float32Array.of(face.x, face.y, face.x + face.size, face.y + face.size),
    score: Float32Array.of(face.score ?? 0.9),
  };
}

/**
 * Mirrors core's tfjs detector (`createFaceDetector`): calls serialised, the image validated
 * (`InvalidArgumentError` for a size/buffer mismatch, `PurgedError` for purged pixels, a closed
 * scope or a disposed detector), the signal checked before and after the asynchronous
 * inference, faces held largest box first as `'landmarks'` `face.0`, `face.1`, … with the
 * landmarks wiper, and every record wiped if anything fails after inference. The faces are
 * scripted: zero, one or several.
 */
export class FakeFaceDetector implements FaceDetector {
  readonly landmarks = 468 as const;
  readonly maxFaces = 4;
  readonly mode = 'image' as const;
  readonly backend = 'fake';
  faces: FakeFace[];
  fault: DetectorFault | undefined;
  /** Every record made, for read-back after a purge. */
  readonly records: FaceLandmarks[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #disposed = false;
  readonly #log: string[];

  constructor(log: string[], faces: FakeFace[] = [{ x: 64, y: 48, size: 128 }]) {
    this.#log = log;
    this.faces = faces;
  }

  detect(image: RgbaImage, scope: EphemeralScope, options: DetectOptions = {}): Promise<EphemeralHandle<FaceLandmarks>[]> {
    if (this.#disposed) return Promise.reject(new PurgedError('This face detector has been disposed.'));
    const run = this.#queue.then(() => this.#detect(image, scope, options.signal));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #detect(image: RgbaImage, scope: EphemeralScope, signal: AbortSignal | undefined): Promise<EphemeralHandle<FaceLandmarks>[]> {
    this.#log.push('detect');
    throwIfAborted(signal);
    scope.throwIfClosed();
    if (!image.pixels.isLive) throw new PurgedError('The image pixels have been purged; decode the photo again.');
    if (image.pixels.value.byteLength !== image.width * image.height * 4) {
      throw new InvalidArgumentError('The image pixels must be width × height × 4 RGBA bytes.');
    }
    await nextTask();
    if (this.fault === 'crash') throw new Error('fake inference: kernel failed');
    const records = this.faces.slice(0, this.maxFaces).map((face) => meshFor(face, image));
    this.records.push(...records);
    try {
      throwIfAborted(signal);
      const area = (r: FaceLandmarks) => (r.box[2]! - r.box[0]!) * (r.box[3]! - r.box[1]!);
      records.sort((a, b) => area(b) - area(a));
      return records.map((record, i) => scope.hold(record, { kind: 'landmarks', label: `face.${i}`, wiper: faceLandmarksWiper }));
    } catch (error) {
      for (const record of records) faceLandmarksWiper.wipe(record);
      throw error;
    }
  }

  reset(): void {}

  dispose(): void {
    this.#disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Mirrors core's `WebCodecsVideoEncoder` (the Node adapter's encoder): options validated
 * (`InvalidArgumentError`), `AbortedError` for an aborted signal, `EncoderUnavailableError` when
 * no codec fits; a session that copies each frame before `addFrame` resolves, refuses frames
 * beyond `frameCount` and a short `finish`, keeps its encoded packets only to zero them, fails
 * a frame as `RenderFailedError('encode', i)` and the muxing as `RenderFailedError('mux')`, and
 * on abort, cancel or failure zeroes everything it holds before it reports. The finished file is
 * held in the scope as `'video'` `video.encoded`. Its "packets" are samples of each frame.
 */
export class FakeVideoEncoder implements VideoEncoderPort {
  fault: EncoderFault | undefined;
  /** The frame index `'frame'` fails at. */
  faultFrame = 2;
  /** Mutant switch for tests of the tests: `false` leaves the packets unzeroed on teardown. */
  zeroOnTeardown = true;
  readonly sessions: FakeEncoderSession[] = [];
  readonly #log: string[];

  constructor(log: string[]) {
    this.#log = log;
  }

  async open(options: VideoEncodeOptions, scope: EphemeralScope): Promise<VideoEncoderSession> {
    this.#log.push('encoder.open');
    const { width, height, fps } = options;
    for (const side of [width, height]) {
      if (!Number.isInteger(side) || side < 2 || side > 8192 || side % 2 !== 0) {
        throw new InvalidArgumentError('Video width and height must be even whole numbers from 2 to 8192.');
      }
    }
    if (!Number.isFinite(fps) || fps < 1 || fps > 120) throw new InvalidArgumentError('Video fps must be a number from 1 to 120.');
    throwIfAborted(options.signal);
    scope.throwIfClosed();
    await nextTask();
    if (this.fault === 'unavailable') throw new EncoderUnavailableError('codec-unsupported', ['avc', 'vp9']);
    if (this.fault === 'open') throw new Error('fake encoder: configure() failed');
    throwIfAborted(options.signal);
    const session = new FakeEncoderSession(options, scope, this.#log, {
      failFrame: this.fault === 'frame' ? this.faultFrame : -1,
      failFinish: this.fault === 'finish',
      zeroOnTeardown: this.zeroOnTeardown,
    });
    this.sessions.push(session);
    return session;
  }
}

/** One fake encoding run; see {@link FakeVideoEncoder}. */
export class FakeEncoderSession implements VideoEncoderSession {
  readonly codec = 'avc' as const;
  readonly container = 'mp4' as const;
  /** Encoded packets, kept only to be zeroed (as the real session keeps its). */
  readonly packets: Uint8Array[] = [];
  /** Every byte array the session made (packets, the assembled file), for read-back. */
  readonly madeBuffers: Uint8Array[] = [];
  #framesAdded = 0;
  #state: 'open' | 'finished' | 'cancelled' | 'failed' = 'open';
  readonly #options: VideoEncodeOptions;
  readonly #scope: EphemeralScope;
  readonly #log: string[];
  readonly #failFrame: number;
  readonly #failFinish: boolean;
  readonly #zeroOnTeardown: boolean;
  readonly #onAbort = (): void => this.#teardown('cancelled');

  constructor(
    options: VideoEncodeOptions,
    scope: EphemeralScope,
    log: string[],
    behaviour: { readonly failFrame: number; readonly failFinish: boolean; readonly zeroOnTeardown: boolean },
  ) {
    this.#options = options;
    this.#scope = scope;
    this.#log = log;
    this.#failFrame = behaviour.failFrame;
    this.#failFinish = behaviour.failFinish;
    this.#zeroOnTeardown = behaviour.zeroOnTeardown;
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get framesAdded(): number {
    return this.#framesAdded;
  }

  async addFrame(rgba: Uint8Array): Promise<void> {
    this.#throwUnlessOpen();
    const { width, height, frameCount } = this.#options;
    if (!(rgba instanceof Uint8Array) || rgba.byteLength !== width * height * 4) {
      throw new InvalidArgumentError(`A frame must be a Uint8Array of ${width * height * 4} RGBA bytes.`);
    }
    if (frameCount !== undefined && this.#framesAdded >= frameCount) {
      throw new InvalidArgumentError(`The session was opened for ${frameCount} frames; no more fit.`);
    }
    const index = this.#framesAdded++;
    this.#log.push(`encoder.frame ${index}`);
    // Copied before the promise resolves: the caller reuses its buffer at once.
    const packet = rgba.slice(0, Math.min(rgba.length, 256));
    this.packets.push(packet);
    this.madeBuffers.push(packet);
    await nextTask();
    if (index === this.#failFrame) {
      this.#teardown('failed');
      throw new RenderFailedError('encode', index, { cause: new Error('fake encoder: encode() failed') });
    }
    this.#throwUnlessOpen();
  }

  async finish(): Promise<EncodedVideo> {
    this.#throwUnlessOpen();
    this.#log.push('encoder.finish');
    const { frameCount, width, height, fps } = this.#options;
    if (this.#framesAdded === 0 || (frameCount !== undefined && this.#framesAdded !== frameCount)) {
      this.#teardown('cancelled');
      throw new InvalidArgumentError(`finish() after ${this.#framesAdded} frames, but ${frameCount ?? 'at least 1'} were expected.`);
    }
    await nextTask();
    if (this.#failFinish) {
      this.#teardown('failed');
      throw new RenderFailedError('mux', undefined, { cause: new Error('fake muxer: finalize() failed') });
    }
    this.#throwUnlessOpen();
    const file = new Uint8Array(8 + this.packets.reduce((n, p) => n + p.length, 0));
    file.set([0, 0, 0, 8, 0x66, 0x74, 0x79, 0x70]); // an 'ftyp' box header, as an MP4 starts
    let at = 8;
    for (const packet of this.packets) {
      file.set(packet, at);
      at += packet.length;
    }
    this.madeBuffers.push(file);
    this.#teardown('finished');
    // If the scope closed meanwhile, hold() wipes the bytes and throws: nothing escapes.
    const bytes = this.#scope.hold(file, { kind: 'video', label: 'video.encoded' });
    return { bytes, container: 'mp4', codec: 'avc', mimeType: 'video/mp4; codecs="avc1.640028"', width, height, fps, frameCount: this.#framesAdded, durationSec: this.#framesAdded / fps };
  }

  async cancel(): Promise<void> {
    this.#teardown('cancelled');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.cancel();
  }

  #throwUnlessOpen(): void {
    throwIfAborted(this.#options.signal);
    if (this.#state !== 'open') throw new InvalidArgumentError(`This encoder session is ${this.#state}.`);
  }

  /** Zero every packet and stop listening, whatever the state; harmless twice. */
  #teardown(state: 'finished' | 'cancelled' | 'failed'): void {
    if (this.#state === 'open') this.#state = state;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    if (this.#zeroOnTeardown) for (const packet of this.packets) packet.fill(0);
  }
}

/** A recorded background video in memory: solid RGBA frames. */
export interface FakeVideo {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: readonly Uint8Array[];
}

/**
 * Mirrors the adapters' template file access (`NodeTemplateAssets` in Node, `FetchTemplateAssets`
 * in browsers): `read` returns a fresh copy of the file, `decodeVideo` hands out frames in one
 * reused buffer and waits for a returned promise; a missing file is a `TemplateInvalidError`
 * naming the manifest field, an abort an `AbortedError`.
 */
export class FakeTemplateAssets implements TemplateAssets {
  readonly #files: ReadonlyMap<string, Uint8Array>;
  readonly #videos: ReadonlyMap<string, FakeVideo>;
  readonly #log: string[];

  constructor(log: string[], files: ReadonlyMap<string, Uint8Array> = new Map(), videos: ReadonlyMap<string, FakeVideo> = new Map()) {
    this.#log = log;
    this.#files = files;
    this.#videos = videos;
  }

  async read(path: string, field: string, signal?: AbortSignal): Promise<Uint8Array> {
    this.#log.push(`assets.read ${field}`);
    throwIfAborted(signal);
    await nextTask();
    throwIfAborted(signal);
    const bytes = this.#files.get(path);
    if (!bytes) throw new TemplateInvalidError([{ path: field, message: 'the file is missing next to the manifest' }]);
    return bytes.slice();
  }

  async decodeVideo(path: string, field: string, onFrame: VideoFrameCallback, signal: AbortSignal): Promise<DecodedVideoInfo> {
    this.#log.push(`assets.video ${field}`);
    throwIfAborted(signal);
    const video = this.#videos.get(path);
    if (!video) throw new TemplateInvalidError([{ path: field, message: 'the video is missing next to the manifest' }]);
    const { width, height, fps, frames } = video;
    const rgba = new Uint8Array(width * height * 4);
    for (const [index, frame] of frames.entries()) {
      await nextTask();
      throwIfAborted(signal);
      rgba.set(frame);
      await onFrame(rgba, width, height, index, index / fps);
    }
    rgba.fill(0);
    return { codec: 'avc', width, height, frameCount: frames.length, durationSec: frames.length / fps, fps };
  }
}

/** The fakes, composed into a platform; each is reachable to script failures and read back. */
export interface FakePlatform extends VopopPlatform {
  readonly decoder: FakeImageDecoder;
  readonly detector: FakeFaceDetector;
  readonly encoder: FakeVideoEncoder;
  readonly assets: FakeTemplateAssets;
  readonly backgroundDecoder: FakeImageDecoder;
  /** What each port was asked to do, in order. */
  readonly log: string[];
}

/**
 * Composes the fakes as `createNodePlatform` composes the real ports: a decoder, a detector, and
 * a `LocalRenderer` over the encoder with a decoder of its own for background images. The
 * template's files (`assets`) travel with the template, as `loadTemplateFile` returns them.
 */
export function createFakePlatform(
  options: { readonly faces?: FakeFace[]; readonly files?: ReadonlyMap<string, Uint8Array>; readonly videos?: ReadonlyMap<string, FakeVideo> } = {},
): FakePlatform {
  const log: string[] = [];
  const decoder = new FakeImageDecoder(log);
  const detector = new FakeFaceDetector(log, options.faces);
  const encoder = new FakeVideoEncoder(log);
  const assets = new FakeTemplateAssets(log, options.files, options.videos);
  const backgroundDecoder = new FakeImageDecoder(log, { label: 'background.pixels' });
  return {
    decoder,
    detector,
    encoder,
    assets,
    backgroundDecoder,
    log,
    renderer: new LocalRenderer({ encoder, backgroundImages: backgroundDecoder }),
  };
}
