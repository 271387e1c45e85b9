import { asyncDisposeSymbol } from '../../purge/disposeSymbols';
import { AbortedError } from '../../errors/abortedError';
import { InputFileError } from '../../errors/inputFileError';
import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import { RenderFailedError } from '../../errors/renderFailedError';
import { TemplateInvalidError } from '../../errors/templateInvalidError';
import type { BackgroundFrames } from '../../ports/backgroundSource';
import type { TemplateAssets } from '../../ports/templateAssets';
import type { Template } from '../../templates/templateSchema';

interface FrameRequest {
  readonly out: Uint8Array;
  /** The rendered frame's time, seconds from the template's start. */
  readonly time: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const field = 'background.path';
// Timestamps are floats; a frame exactly between two rendered times goes to the earlier one.
const epsilon = 1e-6;
// The template builder rounds a video's mean rate to whole frames per second (29.97 → 30) and
// tracks the face frame by frame, so a video within half a frame per second of the template's
// rate is played frame for frame: timing by timestamps would slip the background against the
// face track by a frame every half minute or so.
const roundingTolerance = 0.5;

/** A failure to read the asset itself is the template's fault, reported at its manifest field. */
function assetError(error: unknown): unknown {
  if (error instanceof RenderFailedError && error.stage === 'decode') {
    return TemplateInvalidError.at(
      field,
      'the file is not a video this platform can decode (an MP4, MOV or WebM with a supported codec)',
      error,
    );
  }
  if (error instanceof InputFileError) return TemplateInvalidError.at(field, `the background video cannot be used: ${error.message}`, error);
  return error;
}

/**
 * The frames of a template's `video` background, decoded while the face video renders.
 *
 * The platform's decoder pushes frames and the renderer pulls them. Rendered frame `i` shows
 * the video frame whose timestamp is nearest `i / template.fps` (from the video's first frame),
 * so a video at another frame rate plays at its own speed: frames are repeated or skipped,
 * never slowed down or sped up. A video within half a frame per second of the template's rate
 * (what `template build` writes: 29.97 fps as 30) is played frame for frame instead, since the
 * template's face track follows its frames. To know which frame is nearest, the latest decoded frame is
 * held (one copy, the template's size) until the next one arrives; each decoded frame waits in
 * the decoder's callback until the renderer has taken every frame it is nearest to, so memory
 * stays flat however long the video is. Disposing stops the decoder and waits for it, so no
 * decoder outlives the render.
 *
 * @internal
 */
export class VideoBackgroundFrames implements BackgroundFrames {
  readonly #requests: FrameRequest[] = [];
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal | undefined;
  readonly #decoding: Promise<void>;
  readonly #fps: number;
  readonly #templateFrames: number;
  #requested = 0;
  /** The latest decoded frame and its time; served to requests nearer it than the next frame. */
  #held: Uint8Array | undefined;
  #heldTime = 0;
  /** The video's end (seconds from its first frame), once the decoder finished. */
  #end: number | undefined;
  #decodedFrames = 0;
  /** Frame for frame (the rates agree up to rounding) rather than by timestamp; set at frame 1. */
  #byIndex: boolean | undefined;
  #wakeDecoder: (() => void) | undefined;
  #finished = false;
  #failure: unknown;
  readonly #onAbort = (): void => {
    this.#stop.abort(this.#signal?.reason);
    // A decoder parked in its callback would not see the abort until the next request.
    this.#wake();
  };

  /** Start decoding `template`'s background video through `assets`. */
  constructor(assets: TemplateAssets, template: Template, signal?: AbortSignal) {
    const background = template.background;
    if (background.kind !== 'video') throw new InvalidArgumentError('VideoBackgroundFrames needs a template with a video background.');
    this.#signal = signal;
    this.#fps = template.fps;
    this.#templateFrames = template.frameCount;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (signal?.aborted) this.#stop.abort(signal.reason);

    const { width, height } = template;
    const stop = this.#stop.signal;
    let first: number | undefined;
    const onFrame = async (rgba: Uint8Array, frameWidth: number, frameHeight: number, _index: number, timestampSec: number): Promise<void> => {
      if (frameWidth !== width || frameHeight !== height) {
        throw TemplateInvalidError.at(field, `the video is ${frameWidth}×${frameHeight}, the template ${width}×${height}`);
      }
      first ??= timestampSec;
      if (this.#byIndex === undefined && this.#decodedFrames === 1) {
        const gap = timestampSec - first;
        this.#byIndex = gap > 0 && Math.abs(1 / gap - this.#fps) <= roundingTolerance;
      }
      const time = this.#byIndex ? this.#decodedFrames / this.#fps : timestampSec - first;
      const held = this.#held;
      if (held !== undefined) {
        // Every rendered frame up to halfway between the held frame and this one is the held one.
        const midpoint = (this.#heldTime + time) / 2;
        for (;;) {
          while (this.#requests.length === 0) {
            if (stop.aborted) throw new AbortedError(stop.reason);
            await new Promise<void>((resolve) => (this.#wakeDecoder = resolve));
          }
          if (stop.aborted) throw new AbortedError(stop.reason);
          const request = this.#requests[0]!;
          if (request.time > midpoint + epsilon) break;
          this.#requests.shift();
          request.out.set(held);
          request.resolve();
        }
      }
      (this.#held ??= new Uint8Array(rgba.byteLength)).set(rgba);
      this.#heldTime = time;
      this.#decodedFrames++;
    };
    // `then` with both handlers, not `await` in the caller: the decoder runs for the whole
    // render, and its outcome must reach whichever request is waiting at the time.
    this.#decoding = Promise.resolve()
      .then(() => assets.decodeVideo(background.path, field, onFrame, stop))
      .then(
        (info) => {
          this.#finished = true;
          // One frame alone cannot tell its rate; it lasts one template frame.
          this.#end = (this.#byIndex ?? true) ? this.#decodedFrames / this.#fps : info.durationSec;
          for (const request of this.#requests.splice(0)) this.#serveAfterEnd(request);
        },
        (error: unknown) => {
          this.#finished = true;
          const aborted = error instanceof AbortedError || stop.aborted;
          this.#failAll(aborted ? new AbortedError(this.#signal?.reason) : assetError(error));
        },
      );
  }

  /** The next frame, copied into `out` once the decoder has it. */
  next(out: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#failure !== undefined) return reject(this.#failure);
      if (this.#signal?.aborted) return reject(new AbortedError(this.#signal.reason));
      const request = { out, time: this.#requested++ / this.#fps, resolve, reject };
      if (this.#finished) return this.#serveAfterEnd(request);
      this.#requests.push(request);
      this.#wake();
    });
  }

  /** After the last frame: it is the nearest for every time before the video's end. */
  #serveAfterEnd(request: FrameRequest): void {
    if (this.#held !== undefined && this.#end !== undefined && request.time < this.#end - epsilon) {
      request.out.set(this.#held);
      request.resolve();
      return;
    }
    const seconds = (this.#end ?? 0).toFixed(2);
    const needed = (this.#templateFrames / this.#fps).toFixed(2);
    request.reject(
      TemplateInvalidError.at(
        'frameCount',
        `the background video lasts ${seconds} s (${this.#decodedFrames} frames); the template needs ${needed} s ` +
          `(${this.#templateFrames} frames at ${this.#fps} fps)`,
      ),
    );
  }

  /** Stop the decoder (if it is still running) and wait until it has. */
  async [asyncDisposeSymbol](): Promise<void> {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (!this.#finished) this.#stop.abort();
    this.#wake();
    await this.#decoding;
    // Not personal data (the template's own video), but nothing is left lying about either.
    this.#held?.fill(0);
  }

  #wake(): void {
    const wake = this.#wakeDecoder;
    this.#wakeDecoder = undefined;
    wake?.();
  }

  #failAll(error: unknown): void {
    this.#failure ??= error;
    for (const request of this.#requests.splice(0)) request.reject(this.#failure);
  }
}
