import type { VideoCodec as MediabunnyVideoCodec } from 'mediabunny';
import {
  Mp4OutputFormat,
  Output,
  VideoSample,
  VideoSampleSource,
  WebMOutputFormat,
  canEncodeVideo,
} from 'mediabunny';
import type { EphemeralScope } from '../purge/ephemeralScope';
import { typedArrayWiper } from '../purge/bufferWipers';
import type { Wiper } from '../purge/wiper';
import { AbortedError } from '../errors/abortedError';
import { EncoderUnavailableError } from '../errors/encoderUnavailableError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { RenderFailedError } from '../errors/renderFailedError';
import { isVopopError } from '../errors/vopopError';
import { bt601LimitedColorSpace, i420ByteLength, rgbaToI420 } from './bt601';
import type {
  EncodedVideo,
  EncodedVideoCodec,
  VideoCodecChoice,
  VideoContainer,
  VideoEncodeOptions,
  VideoEncoderPort,
  VideoEncoderSession,
} from '../ports/videoEncoder';
import { WipingByteSink } from './wipingByteSink';
import { WipingTarget } from './wipingTarget';

/**
 * How frames reach the platform encoder.
 *
 * - `'rgba'`: the RGBA bytes as they are; the encoder converts to YUV. Fastest where the
 *   conversion is native (browsers).
 * - `'i420'`: converted here to BT.601 limited-range I420 and tagged with that colour space.
 *   Slower in JavaScript, but the colours no longer depend on how an encoder interprets RGBA.
 *
 * @public
 */
export type EncoderInputFormat = 'rgba' | 'i420';

/**
 * Options of {@link WebCodecsVideoEncoder}.
 *
 * @public
 */
export interface WebCodecsVideoEncoderOptions {
  /** Input format per codec. Default `'rgba'` for both. */
  readonly inputFormat?: { readonly avc?: EncoderInputFormat; readonly vp9?: EncoderInputFormat };
  /** Seconds between key frames. Default 2. */
  readonly keyFrameIntervalSec?: number;
  /** Platform housekeeping between frames; see {@link NativeMemoryReclaim}. */
  readonly reclaim?: NativeMemoryReclaim;
  /**
   * How the session's I420 frame buffer is wiped when the session ends. Default: zero-fill and
   * verify. Only the P3 memory test replaces it (with a no-op, to show its scan would catch an
   * unwiped I420 frame).
   *
   * @internal
   */
  readonly i420Wiper?: Wiper<Uint8Array>;
}

/**
 * A platform hook run every `everyFrames` frames, after those frames were released, and awaited
 * before the next frame. For WebCodecs implementations whose closed frames free their native
 * memory only when the JavaScript wrapper is garbage-collected (the Node polyfill): without it,
 * memory grows with the video's length instead of staying flat.
 *
 * @public
 */
export interface NativeMemoryReclaim {
  readonly everyFrames: number;
  readonly run: () => void | Promise<void>;
  /**
   * Run once when a session has ended (finished, cancelled or failed), after its own buffers
   * were zeroed: for a platform that can overwrite the native memory its frames were freed into.
   * Errors are ignored; the session's outcome does not depend on it.
   */
  readonly atEnd?: (frame: { readonly width: number; readonly height: number }) => void | Promise<void>;
}

const containerOf: Record<EncodedVideoCodec, VideoContainer> = { avc: 'mp4', vp9: 'webm' };
const maxDimension = 8192;

function validate(options: VideoEncodeOptions): void {
  const { width, height, fps, frameCount, bitrate, codec } = options;
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 2 || value > maxDimension || value % 2 !== 0) {
      throw new InvalidArgumentError(
        `Video ${name} must be an even whole number from 2 to ${maxDimension}; H.264 and ` +
          '4:2:0 chroma need even sizes. Round the size to the nearest even number.',
      );
    }
  }
  if (!Number.isFinite(fps) || fps < 1 || fps > 120) {
    throw new InvalidArgumentError('Video fps must be a number from 1 to 120.');
  }
  if (frameCount !== undefined && (!Number.isInteger(frameCount) || frameCount < 1)) {
    throw new InvalidArgumentError('Video frameCount, when given, must be a whole number ≥ 1.');
  }
  if (bitrate !== undefined && (!Number.isFinite(bitrate) || bitrate < 10_000 || bitrate > 2e8)) {
    throw new InvalidArgumentError('Video bitrate, when given, must be 10 000 to 200 000 000 bit/s.');
  }
  if (codec !== undefined && codec !== 'auto' && codec !== 'avc' && codec !== 'vp9') {
    throw new InvalidArgumentError("Video codec must be 'auto', 'avc' or 'vp9'.");
  }
}

/** About 0.1 bit per pixel per frame, at least 1 Mbit/s: clean gradients on faces at 720p. */
function defaultBitrate(options: VideoEncodeOptions): number {
  return Math.max(1_000_000, Math.round(0.1 * options.width * options.height * options.fps));
}

/**
 * Encodes RGBA frames to MP4/H.264 (preferred) or WebM/VP9 through the WebCodecs globals
 * (`VideoEncoder`, `VideoFrame`), muxed by mediabunny. The same code runs in browsers, in
 * workers, and in Node once the node adapter has installed its WebCodecs globals.
 *
 * Privacy: each frame is copied into a `VideoFrame` and closed as soon as the encoder is done
 * with it; the container is assembled in a buffer that is zeroed as it grows; encoded packets
 * are zeroed after muxing; on error or abort everything is zeroed and nothing is left in the
 * scope. Only the finished video is held, in the scope given to `open`.
 *
 * @example
 * ```ts
 * const session = await new WebCodecsVideoEncoder().open({ width: 720, height: 1280, fps: 30 }, scope);
 * for (const frame of frames) await session.addFrame(frame);
 * const video = await session.finish();
 * return video.bytes.move();
 * ```
 * @public
 */
export class WebCodecsVideoEncoder implements VideoEncoderPort {
  readonly #options: WebCodecsVideoEncoderOptions;

  constructor(options: WebCodecsVideoEncoderOptions = {}) {
    this.#options = options;
  }

  /**
   * The first codec of `choice` that can encode at this size and bitrate here, or `null`.
   * Throws {@link EncoderUnavailableError} (`'no-webcodecs'`) when there is no `VideoEncoder`.
   */
  static async pickCodec(
    choice: VideoCodecChoice,
    options: Pick<VideoEncodeOptions, 'width' | 'height' | 'fps' | 'bitrate'>,
  ): Promise<EncodedVideoCodec | null> {
    if (typeof globalThis.VideoEncoder !== 'function' || typeof globalThis.VideoFrame !== 'function') {
      throw new EncoderUnavailableError('no-webcodecs', []);
    }
    const candidates: EncodedVideoCodec[] = choice === 'auto' ? ['avc', 'vp9'] : [choice];
    for (const codec of candidates) {
      const ok = await canEncodeVideo(codec as MediabunnyVideoCodec, {
        width: options.width,
        height: options.height,
        frameRate: options.fps,
        bitrate: options.bitrate ?? defaultBitrate(options as VideoEncodeOptions),
      }).catch(() => false);
      if (ok) return codec;
    }
    return null;
  }

  async open(options: VideoEncodeOptions, scope: EphemeralScope): Promise<VideoEncoderSession> {
    validate(options);
    if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
    scope.throwIfClosed();
    const choice = options.codec ?? 'auto';
    const codec = await WebCodecsVideoEncoder.pickCodec(choice, options);
    if (codec === null) {
      throw new EncoderUnavailableError('codec-unsupported', choice === 'auto' ? ['avc', 'vp9'] : [choice]);
    }
    if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
    const session = new WebCodecsEncoderSession(
      options,
      scope,
      codec,
      this.#options.inputFormat?.[codec] ?? 'rgba',
      this.#options.keyFrameIntervalSec ?? 2,
      this.#options.reclaim,
      this.#options.i420Wiper ?? (typedArrayWiper as Wiper<Uint8Array>),
    );
    await session.start();
    return session;
  }
}

type SessionState = 'open' | 'finishing' | 'finished' | 'cancelled' | 'failed';

/** One encoding run; see {@link VideoEncoderSession}. */
class WebCodecsEncoderSession implements VideoEncoderSession {
  readonly codec: EncodedVideoCodec;
  readonly container: VideoContainer;
  readonly #options: VideoEncodeOptions;
  readonly #scope: EphemeralScope;
  readonly #inputFormat: EncoderInputFormat;
  readonly #sink = new WipingByteSink();
  readonly #output: Output;
  readonly #source: VideoSampleSource;
  /** Encoded packets, kept only so they can be zeroed once muxed. */
  readonly #packets: Uint8Array[] = [];
  readonly #frameBytes: number;
  readonly #reclaim: NativeMemoryReclaim | undefined;
  readonly #i420Wiper: Wiper<Uint8Array>;
  #i420: Uint8Array | undefined;
  #state: SessionState = 'open';
  #framesAdded = 0;
  #pending: Promise<void> = Promise.resolve();
  #abortReason: { reason: unknown } | undefined;
  #teardownDone: Promise<void> | undefined;
  #rejectOnAbort: ((error: AbortedError) => void) | undefined;
  readonly #aborted: Promise<never>;
  readonly #onAbort = (): void => {
    this.#abortReason = { reason: this.#options.signal?.reason };
    void this.#teardown('cancelled');
    this.#rejectOnAbort?.(new AbortedError(this.#abortReason.reason));
  };

  constructor(
    options: VideoEncodeOptions,
    scope: EphemeralScope,
    codec: EncodedVideoCodec,
    inputFormat: EncoderInputFormat,
    keyFrameIntervalSec: number,
    reclaim: NativeMemoryReclaim | undefined,
    i420Wiper: Wiper<Uint8Array>,
  ) {
    this.#options = options;
    this.#reclaim = reclaim;
    this.#i420Wiper = i420Wiper;
    this.#scope = scope;
    this.codec = codec;
    this.container = containerOf[codec];
    this.#inputFormat = inputFormat;
    this.#frameBytes = options.width * options.height * 4;
    this.#aborted = new Promise<never>((_, reject) => {
      this.#rejectOnAbort = reject;
    });
    // Only observed through Promise.race; never left to become an unhandled rejection.
    this.#aborted.catch(() => undefined);
    const format =
      codec === 'avc' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat();
    this.#output = new Output({ format, target: new WipingTarget(this.#sink) });
    this.#source = new VideoSampleSource({
      codec,
      bitrate: options.bitrate ?? defaultBitrate(options),
      keyFrameInterval: keyFrameIntervalSec,
      latencyMode: 'quality',
      onEncodedPacket: (packet) => {
        this.#packets.push(packet.data);
      },
    });
    this.#output.addVideoTrack(this.#source, { frameRate: options.fps });
  }

  get framesAdded(): number {
    return this.#framesAdded;
  }

  /** @internal */
  async start(): Promise<void> {
    this.#options.signal?.addEventListener('abort', this.#onAbort, { once: true });
    try {
      await this.#guard(this.#output.start());
    } catch (error) {
      await this.#teardown('failed');
      throw this.#wrap(error, 'encode', undefined);
    }
  }

  addFrame(rgba: Uint8Array): Promise<void> {
    let index: number;
    let sample: VideoSample;
    try {
      this.#throwUnlessOpen();
      if (!(rgba instanceof Uint8Array) || rgba.byteLength !== this.#frameBytes) {
        throw new InvalidArgumentError(
          `A frame must be a Uint8Array of width × height × 4 = ${this.#frameBytes} RGBA bytes.`,
        );
      }
      const { frameCount } = this.#options;
      if (frameCount !== undefined && this.#framesAdded >= frameCount) {
        throw new InvalidArgumentError(`The session was opened for ${frameCount} frames; no more fit.`);
      }
      index = this.#framesAdded;
      // Copy the caller's bytes now, synchronously: the buffer is theirs to reuse at once.
      sample = this.#sampleFor(rgba, index);
      this.#framesAdded++;
    } catch (error) {
      // A bad frame is the caller's mistake and leaves the session usable; a platform failure
      // to create the frame does not.
      if (isVopopError(error)) return Promise.reject(error);
      return this.#teardown('failed').then(() => {
        throw this.#wrap(error, 'encode', this.#framesAdded);
      });
    }
    const reclaim = this.#reclaim;
    const added = this.#pending
      .then(() => this.#source.add(sample))
      .finally(() => sample.close())
      .then(() => {
        if (reclaim && (index + 1) % reclaim.everyFrames === 0) return reclaim.run();
      });
    this.#pending = added.catch(() => undefined);
    return this.#guard(added).catch(async (error: unknown) => {
      await this.#teardown(this.#abortReason ? 'cancelled' : 'failed');
      throw this.#wrap(error, 'encode', index);
    });
  }

  async finish(): Promise<EncodedVideo> {
    this.#throwUnlessOpen();
    const { frameCount, width, height, fps } = this.#options;
    if (this.#framesAdded === 0 || (frameCount !== undefined && this.#framesAdded !== frameCount)) {
      await this.cancel();
      throw new InvalidArgumentError(
        `finish() after ${this.#framesAdded} frames, but ${frameCount ?? 'at least 1'} were ` +
          'expected; the partial video was discarded.',
      );
    }
    this.#state = 'finishing';
    let mimeType: string;
    try {
      await this.#guard(this.#pending);
      await this.#guard(this.#output.finalize());
      mimeType = await this.#output.getMimeType();
    } catch (error) {
      await this.#teardown(this.#abortReason ? 'cancelled' : 'failed');
      throw this.#wrap(error, 'mux', undefined);
    }
    this.#wipePackets();
    this.#release();
    await this.#reclaimAtEnd();
    // If the scope closed meanwhile, hold() wipes the bytes and throws: nothing escapes.
    let bytes;
    try {
      bytes = this.#scope.hold(this.#sink.take(), { kind: 'video', label: 'video.encoded' });
    } finally {
      this.#sink.wipe();
      this.#state = 'finished';
    }
    const frames = this.#framesAdded;
    return {
      bytes,
      container: this.container,
      codec: this.codec,
      mimeType,
      width,
      height,
      fps,
      frameCount: frames,
      durationSec: frames / fps,
    };
  }

  async cancel(): Promise<void> {
    await this.#teardown('cancelled');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.cancel();
  }

  #sampleFor(rgba: Uint8Array, index: number): VideoSample {
    const { width, height, fps } = this.#options;
    const timestamp = Math.round((index * 1e6) / fps);
    const duration = Math.round(((index + 1) * 1e6) / fps) - timestamp;
    let frame: VideoFrame;
    if (this.#inputFormat === 'i420') {
      this.#i420 ??= new Uint8Array(i420ByteLength(width, height));
      rgbaToI420(rgba, width, height, this.#i420);
      frame = new VideoFrame(this.#i420, {
        format: 'I420',
        codedWidth: width,
        codedHeight: height,
        timestamp,
        duration,
        colorSpace: bt601LimitedColorSpace,
      });
    } else {
      frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp, duration });
    }
    try {
      return new VideoSample(frame, { timestamp: index / fps, duration: 1 / fps });
    } catch (error) {
      frame.close();
      throw error;
    }
  }

  /** Race `promise` against the abort signal, so an abort never waits on a stuck encoder. */
  #guard<T>(promise: Promise<T>): Promise<T> {
    // If the abort wins the race, a later rejection of `promise` must not go unhandled.
    promise.catch(() => undefined);
    if (this.#abortReason) return Promise.reject(new AbortedError(this.#abortReason.reason));
    return Promise.race([promise, this.#aborted]);
  }

  #throwUnlessOpen(): void {
    if (this.#abortReason) throw new AbortedError(this.#abortReason.reason);
    if (this.#state !== 'open') {
      throw new InvalidArgumentError(
        `This encoder session is ${this.#state}; open a new session to encode another video.`,
      );
    }
  }

  #wrap(error: unknown, stage: 'encode' | 'mux', frameIndex: number | undefined): Error {
    if (this.#abortReason) return new AbortedError(this.#abortReason.reason);
    if (isVopopError(error)) return error;
    return new RenderFailedError(stage, frameIndex, { cause: error });
  }

  /**
   * Stop the encoder and zero everything, whatever state it is in. Never throws; every caller
   * gets the same promise, so whoever reports an error does so after the wipe, not before.
   */
  #teardown(state: 'cancelled' | 'failed'): Promise<void> {
    if (this.#state === 'finished') return Promise.resolve();
    this.#teardownDone ??= this.#runTeardown(state);
    return this.#teardownDone;
  }

  async #runTeardown(state: 'cancelled' | 'failed'): Promise<void> {
    this.#state = state;
    this.#release();
    try {
      await this.#output.cancel();
    } catch {
      /* the output may already be failed; the buffers are wiped below regardless */
    }
    await this.#pending;
    this.#wipePackets();
    this.#sink.wipe();
    await this.#reclaimAtEnd();
  }

  async #reclaimAtEnd(): Promise<void> {
    const { width, height } = this.#options;
    try {
      await this.#reclaim?.atEnd?.({ width, height });
    } catch {
      /* housekeeping only: the session's own buffers are already zeroed */
    }
  }

  #release(): void {
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    if (this.#i420) this.#i420Wiper.wipe(this.#i420);
    this.#i420 = undefined;
  }

  #wipePackets(): void {
    for (const packet of this.#packets) packet.fill(0);
    this.#packets.length = 0;
  }
}
