import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';

/**
 * Which codec to encode with. `'auto'` prefers H.264 in MP4 (plays everywhere, and iPhones can
 * save it to Photos) and falls back to VP9 in WebM where H.264 is unavailable.
 *
 * @public
 */
export type VideoCodecChoice = 'auto' | 'avc' | 'vp9';

/**
 * The codec a video was actually encoded with.
 *
 * @public
 */
export type EncodedVideoCodec = 'avc' | 'vp9';

/**
 * The container the encoded bytes are in: MP4 for H.264, WebM for VP9.
 *
 * @public
 */
export type VideoContainer = 'mp4' | 'webm';

/**
 * What to encode.
 *
 * @public
 */
export interface VideoEncodeOptions {
  /** Frame width in pixels; even, 2–8192. */
  readonly width: number;
  /** Frame height in pixels; even, 2–8192. */
  readonly height: number;
  /** Frames per second, 1–120. Frame `i` is shown at `i / fps` seconds. */
  readonly fps: number;
  /**
   * How many frames will be added, when known. `addFrame` refuses frames beyond it and `finish`
   * refuses to end short of it, so a truncated render cannot pass as a complete video.
   */
  readonly frameCount?: number;
  /** Target bitrate in bits per second. Default: about 0.1 bit per pixel per frame. */
  readonly bitrate?: number;
  /** The codec; default `'auto'`. */
  readonly codec?: VideoCodecChoice;
  /** Aborting stops the encoder and discards everything encoded so far. */
  readonly signal?: AbortSignal;
}

/**
 * The finished video. `bytes` is the one handle that is meant to leave a generation: move it to
 * the caller (`video.bytes.move()`), who purges it after saving or sharing.
 *
 * @public
 */
export interface EncodedVideo {
  /** The complete container file (kind `'video'`), held in the scope given to `open`. */
  readonly bytes: EphemeralHandle<Uint8Array>;
  readonly container: VideoContainer;
  readonly codec: EncodedVideoCodec;
  /** The full MIME type with codec string, e.g. `video/mp4; codecs="avc1.640028"`. */
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  /** `frameCount / fps`. */
  readonly durationSec: number;
}

/**
 * One video being encoded. Frames go in one at a time; the encoder applies back-pressure by
 * making `addFrame` wait while it is busy, so frames never pile up in memory.
 *
 * Ends in exactly one of `finish()` (the video), `cancel()` or an error; after any of them the
 * session holds nothing. `await using` cancels a session that was not finished.
 *
 * @public
 */
export interface VideoEncoderSession extends AsyncDisposable {
  /** The codec chosen when the session opened. */
  readonly codec: EncodedVideoCodec;
  readonly container: VideoContainer;
  /** Frames accepted so far. */
  readonly framesAdded: number;
  /**
   * Encode one frame: tightly packed RGBA, `width * height * 4` bytes, rows top to bottom. The
   * buffer stays the caller's: it is copied before this returns its promise, so the caller may
   * overwrite it at once. Await the promise before adding the next frame (back-pressure).
   */
  addFrame(rgba: Uint8Array): Promise<void>;
  /** Flush the encoder, finish the container and return the video, held in the session's scope. */
  finish(): Promise<EncodedVideo>;
  /** Stop and discard everything. Harmless after `finish` or a second time. */
  cancel(): Promise<void>;
}

/**
 * Turns RGBA frames into a video file, streaming. Core ships one implementation over WebCodecs
 * (`WebCodecsVideoEncoder`); platforms without WebCodecs supply their own.
 *
 * @public
 */
export interface VideoEncoderPort {
  /**
   * Choose a codec and start a session. The finished video's bytes will be held in `scope`.
   * Throws `EncoderUnavailableError` when no codec fits, `InvalidArgumentError` for bad options,
   * `AbortedError` if `signal` is already aborted; in every case nothing is left behind.
   */
  open(options: VideoEncodeOptions, scope: EphemeralScope): Promise<VideoEncoderSession>;
}
