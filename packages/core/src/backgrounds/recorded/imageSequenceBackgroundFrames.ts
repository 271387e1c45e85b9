import { asyncDisposeSymbol } from '../../purge/disposeSymbols';
import { EphemeralScope } from '../../purge/ephemeralScope';
import { AbortedError } from '../../errors/abortedError';
import { ImageDecodeError } from '../../errors/imageDecodeError';
import { ImageTooLargeError } from '../../errors/imageTooLargeError';
import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import { TemplateInvalidError } from '../../errors/templateInvalidError';
import type { BackgroundFrames } from '../../ports/backgroundSource';
import type { DecodeLimits, ImageDecoder } from '../../ports/imageDecoder';
import type { RgbaImage } from '../../ports/rgbaImage';
import type { TemplateAssets } from '../../ports/templateAssets';
import { formatIssuePath } from '../../templates/parseTemplate';
import type { Template } from '../../templates/templateSchema';

/** One decoded background image and the scope that holds its pixels. */
interface Decoded {
  readonly scope: EphemeralScope;
  readonly image: RgbaImage;
}

/**
 * The frames of a template's `frames` background: encoded images, one per frame or one still.
 *
 * Image `i` is read and decoded when frame `i` is asked for, and the next one is decoded ahead
 * while the renderer composites and encodes, so at most two decoded images exist at any time and
 * memory stays flat however many frames the template has. Each image is decoded into a scope of
 * its own that is purged as soon as its pixels are copied out: a child of the render scope would
 * keep one purged entry (and one receipt line) per frame until the render ends. A still is
 * decoded once and held, for the whole render, in a child of the render scope, so the render's
 * purge wipes it even if the renderer never disposes these frames.
 *
 * Every image must have the template's size. An image that cannot be read, decoded or has
 * another size is a `TemplateInvalidError` naming its manifest path (`background.frames[3]`).
 *
 * @internal
 */
export class ImageSequenceBackgroundFrames implements BackgroundFrames {
  readonly #assets: TemplateAssets;
  readonly #images: ImageDecoder;
  readonly #template: Template;
  readonly #paths: readonly string[];
  readonly #signal: AbortSignal | undefined;
  readonly #limits: DecodeLimits;
  /** The frame the next call to {@link next} delivers. */
  #index = 0;
  /** The decode of frame `#index`, started ahead of time. */
  #ahead: Promise<Decoded> | undefined;
  #still: Decoded | undefined;
  #disposed = false;

  private constructor(
    assets: TemplateAssets,
    images: ImageDecoder,
    template: Template,
    signal: AbortSignal | undefined,
  ) {
    const background = template.background;
    if (background.kind !== 'frames') {
      throw new InvalidArgumentError('ImageSequenceBackgroundFrames needs a template with a frames background.');
    }
    if (background.frames.length !== 1 && background.frames.length !== template.frameCount) {
      // parseTemplate refuses this; a template object built by hand may not have been through it.
      throw TemplateInvalidError.at('background.frames', 'needs one image per frame (frameCount of them), or exactly one for a still');
    }
    this.#assets = assets;
    this.#images = images;
    this.#template = template;
    this.#paths = background.frames;
    this.#signal = signal;
    // Checked from the header, so an oversized image (a decompression bomb in a downloaded
    // template) is refused before any pixel is allocated; the exact size is checked after.
    this.#limits = { maxPixels: template.width * template.height, maxDimension: Math.max(template.width, template.height) };
  }

  /**
   * Open `template`'s image background and decode its first image (or its still), so that a
   * missing, corrupt or wrongly sized first image fails before the render starts.
   */
  static async open(
    assets: TemplateAssets,
    images: ImageDecoder,
    template: Template,
    scope: EphemeralScope,
    signal?: AbortSignal,
  ): Promise<ImageSequenceBackgroundFrames> {
    const frames = new ImageSequenceBackgroundFrames(assets, images, template, signal);
    frames.#throwIfAborted();
    if (frames.#paths.length === 1) {
      frames.#still = await frames.#load(0, scope.child('background.still'));
    } else {
      const first = frames.#load(0, new EphemeralScope({ label: 'background.frame' }));
      frames.#ahead = first;
      await first;
    }
    return frames;
  }

  /** Copy the next frame's image into `out`. */
  async next(out: Uint8Array): Promise<void> {
    if (this.#disposed) throw new InvalidArgumentError('These background frames have been disposed; open the background again.');
    this.#throwIfAborted();
    const { width, height, frameCount } = this.#template;
    if (!(out instanceof Uint8Array) || out.byteLength !== width * height * 4) {
      throw new InvalidArgumentError(`next() needs a ${width}×${height} RGBA buffer (${width * height * 4} bytes).`);
    }
    if (this.#index >= frameCount) {
      throw new InvalidArgumentError(`The template has ${frameCount} frames; every one has been delivered.`);
    }
    const index = this.#index++;
    if (this.#still) {
      this.#copy(this.#still.image, out);
      return;
    }
    const loading = this.#ahead ?? this.#load(index, new EphemeralScope({ label: 'background.frame' }));
    this.#ahead = undefined;
    const decoded = await loading;
    try {
      this.#throwIfAborted();
      this.#copy(decoded.image, out);
    } finally {
      decoded.scope.purge();
    }
    if (index + 1 < frameCount && !this.#disposed) {
      const ahead = this.#load(index + 1, new EphemeralScope({ label: 'background.frame' }));
      // Its failure is reported by the call that wants the frame; until then it is expected.
      ahead.catch(() => undefined);
      this.#ahead = ahead;
    }
  }

  /** Purge the still, and wait for an image decoded ahead to purge it too. */
  async [asyncDisposeSymbol](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const { ahead, still } = { ahead: this.#ahead, still: this.#still };
    this.#ahead = undefined;
    this.#still = undefined;
    try {
      still?.scope.purge();
    } finally {
      const decoded = await ahead?.catch(() => undefined);
      decoded?.scope.purge();
    }
  }

  /** Read and decode image `index` into `into`; on any failure `into` is purged. */
  async #load(index: number, into: EphemeralScope): Promise<Decoded> {
    const field = formatIssuePath(['background', 'frames', index]);
    const signal = this.#signal;
    try {
      const bytes = await this.#assets.read(this.#paths[index]!, field, signal);
      this.#throwIfAborted();
      let image: RgbaImage;
      try {
        image = await this.#images.decode(bytes, into, signal ? { limits: this.#limits, signal } : { limits: this.#limits });
      } catch (error) {
        throw this.#decodeFailure(error, field);
      }
      const { width, height } = this.#template;
      if (image.width !== width || image.height !== height) {
        throw TemplateInvalidError.at(field, `the image is ${image.width}×${image.height}, the template ${width}×${height}`);
      }
      return { scope: into, image };
    } catch (error) {
      into.purge();
      throw signal?.aborted ? new AbortedError(signal.reason) : error;
    }
  }

  #decodeFailure(error: unknown, field: string): unknown {
    const { width, height } = this.#template;
    if (error instanceof ImageTooLargeError) {
      const size = error.width !== undefined && error.height !== undefined ? `${error.width}×${error.height}` : undefined;
      return size === undefined
        ? TemplateInvalidError.at(field, `the image file is larger (${error.actual} bytes) than the decoder accepts`, error)
        : TemplateInvalidError.at(field, `the image is ${size}, the template ${width}×${height}`, error);
    }
    if (error instanceof ImageDecodeError) {
      return TemplateInvalidError.at(field, `the image cannot be decoded (${error.reason}); use a PNG, JPEG or WebP file`, error);
    }
    return error;
  }

  #copy(image: RgbaImage, out: Uint8Array): void {
    try {
      out.set(image.pixels.value);
    } catch (error) {
      // The render scope purged under us: that only happens when the generation was aborted.
      this.#throwIfAborted();
      throw error;
    }
  }

  #throwIfAborted(): void {
    if (this.#signal?.aborted) throw new AbortedError(this.#signal.reason);
  }
}
