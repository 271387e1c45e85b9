import { asyncDisposeSymbol } from '../ephemeral/disposeSymbols';
import { AbortedError } from '../errors/abortedError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { TemplateInvalidError } from '../errors/templateInvalidError';
import type { BackgroundFrames } from '../ports/backgroundSource';
import type { TemplateAssets } from '../ports/templateAssets';
import type { Template } from './templateSchema';

interface FrameRequest {
  readonly out: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const field = 'background.path';

/**
 * The frames of a template's `video` background, decoded while the face video renders.
 *
 * The platform's decoder pushes frames and the renderer pulls them: each decoded frame waits in
 * the decoder's callback until the renderer asks for one, so exactly one frame is in flight and
 * memory stays flat however long the video is. Disposing stops the decoder and waits for it, so
 * no decoder outlives the render.
 *
 * @internal
 */
export class VideoBackgroundFrames implements BackgroundFrames {
  readonly #requests: FrameRequest[] = [];
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal | undefined;
  readonly #decoding: Promise<void>;
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
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (signal?.aborted) this.#stop.abort(signal.reason);

    const { width, height, frameCount } = template;
    const stop = this.#stop.signal;
    const onFrame = async (rgba: Uint8Array, frameWidth: number, frameHeight: number): Promise<void> => {
      if (frameWidth !== width || frameHeight !== height) {
        throw TemplateInvalidError.at(field, `the video is ${frameWidth}×${frameHeight}, the template ${width}×${height}`);
      }
      while (this.#requests.length === 0) {
        if (stop.aborted) throw new AbortedError(stop.reason);
        await new Promise<void>((resolve) => (this.#wakeDecoder = resolve));
      }
      const request = this.#requests.shift()!;
      request.out.set(rgba);
      request.resolve();
    };
    // `then` with both handlers, not `await` in the caller: the decoder runs for the whole
    // render, and its outcome must reach whichever request is waiting at the time.
    this.#decoding = Promise.resolve()
      .then(() => assets.decodeVideo(background.path, field, onFrame, stop))
      .then(
        (info) => {
          this.#finished = true;
          if (info.frameCount < frameCount) {
            this.#failAll(TemplateInvalidError.at('frameCount', `the background video has ${info.frameCount} frames, the template ${frameCount}`));
          } else if (this.#requests.length > 0) {
            // A decoder that reported more frames than it delivered must not leave a render waiting.
            this.#failAll(TemplateInvalidError.at('frameCount', 'the background video ended before the template'));
          }
        },
        (error: unknown) => {
          this.#finished = true;
          const aborted = error instanceof AbortedError || stop.aborted;
          this.#failAll(aborted ? new AbortedError(this.#signal?.reason) : error);
        },
      );
  }

  /** The next frame, copied into `out` once the decoder has it. */
  next(out: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#failure !== undefined) return reject(this.#failure);
      if (this.#signal?.aborted) return reject(new AbortedError(this.#signal.reason));
      if (this.#finished) return reject(TemplateInvalidError.at('frameCount', 'the background video ended before the template'));
      this.#requests.push({ out, resolve, reject });
      this.#wake();
    });
  }

  /** Stop the decoder (if it is still running) and wait until it has. */
  async [asyncDisposeSymbol](): Promise<void> {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (!this.#finished) this.#stop.abort();
    this.#wake();
    await this.#decoding;
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
