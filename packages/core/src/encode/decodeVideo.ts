import type { InputVideoTrack, VideoSample } from 'mediabunny';
import { ALL_FORMATS, BufferSource, Input, StreamSource, VideoSampleSink } from 'mediabunny';
import { zeroFillAndVerify } from '../purge/zeroFill';
import { AbortedError } from '../errors/abortedError';
import { EncoderUnavailableError } from '../errors/encoderUnavailableError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { RenderFailedError } from '../errors/renderFailedError';
import { isVopopError } from '../errors/vopopError';
import { quietMediaLogs } from './quietMediaLogs';
import { rotateRgba } from './rotateRgba';
import type { NativeMemoryReclaim } from './webCodecsVideoEncoder';

/**
 * Random access to a video file that is not in memory (a file on disk, a blob). `read` returns
 * bytes `[start, end)`; only the ranges the demuxer needs are read, so memory stays flat.
 *
 * @public
 */
export interface VideoByteSource {
  /** Size of the whole file in bytes. */
  readonly size: number;
  /** Bytes from `start` (inclusive) to `end` (exclusive). */
  read(start: number, end: number): Promise<Uint8Array>;
}

/**
 * Receives each decoded frame. `rgba` is tightly packed, upright (rotation metadata applied),
 * and reused for the next frame: copy what you need before returning. Returning a promise
 * pauses decoding until it settles.
 *
 * @public
 */
export type VideoFrameCallback = (
  rgba: Uint8Array,
  width: number,
  height: number,
  index: number,
  timestampSec: number,
) => void | Promise<void>;

/**
 * What {@link decodeVideo} found.
 *
 * @public
 */
export interface DecodedVideoInfo {
  /** The video codec, as mediabunny names it (`'avc'`, `'vp9'`, `'hevc'`, `'av1'`, …). */
  readonly codec: string;
  /** Upright frame size (after rotation metadata). */
  readonly width: number;
  readonly height: number;
  /** Frames delivered to `onFrame`. */
  readonly frameCount: number;
  /** From the first frame's start to the last frame's end, in seconds. */
  readonly durationSec: number;
  /** `frameCount / durationSec`. */
  readonly fps: number;
}

/**
 * Options of {@link decodeVideo}.
 *
 * @public
 */
export interface DecodeVideoOptions {
  /** Aborting stops decoding and rejects with `AbortedError`. */
  readonly signal?: AbortSignal;
  /** Largest accepted width or height. Default 8192. */
  readonly maxDimension?: number;
  /** Platform housekeeping between frames (the Node adapter sets it). */
  readonly reclaim?: NativeMemoryReclaim;
}

const defaultMaxDimension = 8192;

/**
 * Decode a video file (MP4, WebM, MOV, …) frame by frame into RGBA through the WebCodecs
 * `VideoDecoder`, demuxed by mediabunny. Frames stream: only a few are decoded ahead, and the
 * RGBA buffer passed to `onFrame` is reused, so memory does not grow with the video's length.
 *
 * Throws `EncoderUnavailableError` (`'no-webcodecs'`) without WebCodecs, `RenderFailedError`
 * (stage `'decode'`) when the file has no decodable video track or decoding fails, and
 * `AbortedError` on abort. The working buffers are zeroed on every exit.
 *
 * @public
 */
export async function decodeVideo(
  source: Uint8Array | VideoByteSource,
  onFrame: VideoFrameCallback,
  options: DecodeVideoOptions = {},
): Promise<DecodedVideoInfo> {
  const { signal } = options;
  if (typeof onFrame !== 'function') {
    throw new InvalidArgumentError('decodeVideo needs an onFrame callback.');
  }
  if (signal?.aborted) throw new AbortedError(signal.reason);
  if (typeof globalThis.VideoDecoder !== 'function' || typeof globalThis.VideoFrame !== 'function') {
    throw new EncoderUnavailableError(
      'no-webcodecs',
      [],
      'This runtime has no WebCodecs VideoDecoder; in Node, install the WebCodecs globals from ' +
        'the node adapter first.',
    );
  }
  const input = new Input({
    formats: ALL_FORMATS,
    source:
      source instanceof Uint8Array
        ? new BufferSource(source)
        : new StreamSource({
            getSize: () => source.size,
            read: (start, end) => source.read(start, end),
            prefetchProfile: 'fileSystem',
          }),
  });
  const onAbort = (): void => input.dispose();
  signal?.addEventListener('abort', onAbort, { once: true });
  const restoreLogs = quietMediaLogs();
  const buffers = new FrameBuffers();
  let index = 0;
  try {
    const track = await primaryTrack(input);
    const maxDimension = options.maxDimension ?? defaultMaxDimension;
    if (track.displayWidth > maxDimension || track.displayHeight > maxDimension) {
      throw new RenderFailedError('decode', undefined, { detail: `larger than ${maxDimension} px` });
    }
    let first: number | undefined;
    let end = 0;
    let width = 0;
    let height = 0;
    for await (const sample of new VideoSampleSink(track).samples()) {
      try {
        if (signal?.aborted) throw new AbortedError(signal.reason);
        const frame = await buffers.read(sample);
        width = frame.width;
        height = frame.height;
        first ??= sample.timestamp;
        end = Math.max(end, sample.timestamp + sample.duration);
        try {
          await onFrame(frame.rgba, frame.width, frame.height, index, sample.timestamp);
        } catch (error) {
          throw new CallbackError(error);
        }
        index++;
      } finally {
        sample.close();
      }
      if (options.reclaim && index % options.reclaim.everyFrames === 0) await options.reclaim.run();
    }
    if (signal?.aborted) throw new AbortedError(signal.reason);
    if (index === 0) throw new RenderFailedError('decode', undefined, { detail: 'no frames' });
    const durationSec = end - (first ?? 0);
    return {
      codec: track.codec ?? 'unknown',
      width,
      height,
      frameCount: index,
      durationSec,
      fps: durationSec > 0 ? index / durationSec : 0,
    };
  } catch (error) {
    // The caller's own error (say, the detector's) is theirs to see unchanged.
    if (error instanceof CallbackError) throw error.error;
    if (signal?.aborted) throw new AbortedError(signal.reason);
    if (isVopopError(error)) throw error;
    throw new RenderFailedError('decode', index, { cause: error });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    input.dispose();
    buffers.wipe();
    restoreLogs();
  }
}

/** Carries an error thrown by `onFrame` past the decode-error wrapping. */
class CallbackError {
  constructor(readonly error: unknown) {}
}

async function primaryTrack(input: Input): Promise<InputVideoTrack> {
  let track: InputVideoTrack | null;
  try {
    track = await input.getPrimaryVideoTrack();
  } catch (error) {
    throw new RenderFailedError('decode', undefined, { cause: error, detail: 'unreadable container' });
  }
  if (!track) throw new RenderFailedError('decode', undefined, { detail: 'no video track' });
  if (!(await track.canDecode())) {
    throw new RenderFailedError('decode', undefined, {
      detail: `codec ${track.codec ?? 'unknown'} cannot be decoded here`,
    });
  }
  return track;
}

/** The two reused buffers: the frame as coded, and its upright copy when rotated. */
class FrameBuffers {
  #coded = new Uint8Array(0);
  #upright = new Uint8Array(0);

  async read(sample: VideoSample): Promise<{ rgba: Uint8Array; width: number; height: number }> {
    const { width, height } = sample.visibleRect;
    const bytes = width * height * 4;
    if (this.#coded.byteLength !== bytes) {
      zeroFillAndVerify(this.#coded);
      this.#coded = new Uint8Array(bytes);
    }
    await sample.copyTo(this.#coded, { format: 'RGBA' });
    const rotation = sample.rotation;
    if (rotation === 0) return { rgba: this.#coded, width, height };
    if (this.#upright.byteLength !== bytes) {
      zeroFillAndVerify(this.#upright);
      this.#upright = new Uint8Array(bytes);
    }
    const turned = rotation === 90 || rotation === 270;
    rotateRgba(this.#coded, width, height, rotation, this.#upright);
    return { rgba: this.#upright, width: turned ? height : width, height: turned ? width : height };
  }

  wipe(): void {
    zeroFillAndVerify(this.#coded);
    zeroFillAndVerify(this.#upright);
    this.#coded = new Uint8Array(0);
    this.#upright = new Uint8Array(0);
  }
}
