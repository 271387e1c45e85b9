import type { DecodeLimits, EphemeralHandle, EphemeralScope, ImageDecoder, PhotoFormat, RgbaImage } from '@vopop/core';
import { AbortedError, ImageDecodeError, checkPhotoLimits, photoEndsEarly, preparePhotoDecode } from '@vopop/core';
import { imageBitmapWiper, offscreenCanvasWiper } from '../purge/browserWipers';

/**
 * How to construct a {@link BrowserImageDecoder}.
 *
 * @public
 */
export interface BrowserImageDecoderOptions {
  /** Limits for every decode; a call's own `limits` override them field by field. */
  readonly limits?: DecodeLimits;
  /**
   * Label of the pixels handle in receipts. Default `'photo.pixels'`. The intermediate bitmap and
   * canvas handles take its stem: `'photo.bitmap'`, `'photo.canvas'`.
   */
  readonly label?: string;
}

const mimeTypes: Readonly<Record<PhotoFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(signal.reason);
}

/**
 * Decodes JPEG, PNG and WebP photos with the browser's own decoders
 * (`createImageBitmap(blob, { imageOrientation: 'from-image' })`, so EXIF orientation is
 * applied) and reads the upright RGBA back through a 2D `OffscreenCanvas`. Works on the main
 * thread and in workers.
 *
 * Before anything is decoded it checks the byte limit, the format (magic bytes) and the size
 * from the header, so an oversized file fails with `ImageTooLargeError` and a corrupt or cut-off
 * one with `ImageDecodeError`, both without allocating a pixel. The bitmap and the canvas are
 * held in the scope while they exist (closed, and cleared and shrunk to 0×0, by their wipers) and
 * released as soon as the pixels are read; the pixels are a `'pixels'` handle over the canvas
 * readback's own buffer (no second copy).
 *
 * The one copy it cannot wipe: the `Blob` the bitmap is decoded from. Its memory belongs to
 * the browser and is freed when it is no longer referenced; see docs/web.md.
 *
 * @public
 */
export class BrowserImageDecoder implements ImageDecoder {
  readonly #limits: DecodeLimits | undefined;
  readonly #label: string;
  readonly #stem: string;

  constructor(options: BrowserImageDecoderOptions = {}) {
    this.#limits = options.limits;
    this.#label = options.label ?? 'photo.pixels';
    // The intermediate bitmap and canvas are named after the same thing: `background.pixels`
    // gives `background.bitmap`, so receipts never call a template's image a photo.
    this.#stem = this.#label.replace(/\.[^.]*$/, '');
  }

  async decode(
    bytes: Uint8Array,
    scope: EphemeralScope,
    options: { readonly limits?: DecodeLimits; readonly signal?: AbortSignal } = {},
  ): Promise<RgbaImage> {
    const { signal } = options;
    const { header, limits } = preparePhotoDecode(bytes, scope, signal, this.#limits, options.limits);
    if (header.format !== 'png' && photoEndsEarly(bytes, header.format)) {
      throw new ImageDecodeError('truncated', header.format);
    }

    let bitmap: ImageBitmap | undefined;
    let bitmapHandle: EphemeralHandle<ImageBitmap> | undefined;
    let canvasHandle: EphemeralHandle<OffscreenCanvas> | undefined;
    try {
      try {
        bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeTypes[header.format] }), {
          imageOrientation: 'from-image',
          premultiplyAlpha: 'none',
        });
      } catch (error) {
        // The browser's message says nothing useful; the reason is the file's.
        throw new ImageDecodeError('corrupt', header.format, { cause: error });
      }
      // A purged scope refuses new handles; the bitmap is then closed below.
      throwIfAborted(signal);
      bitmapHandle = scope.hold(bitmap, { kind: 'image-bitmap', label: `${this.#stem}.bitmap`, wiper: imageBitmapWiper });
      const { width, height } = bitmap;
      // Orientation can only swap the sides; anything else means the header lied.
      checkPhotoLimits(bytes.byteLength, width, height, limits);
      const canvas = new OffscreenCanvas(width, height);
      canvasHandle = scope.hold(canvas, { kind: 'canvas', label: `${this.#stem}.canvas`, wiper: offscreenCanvasWiper });
      const context = canvas.getContext('2d', { willReadFrequently: true, alpha: true });
      if (!context) {
        throw new ImageDecodeError('corrupt', header.format, { detail: 'No 2D canvas is available to read pixels' });
      }
      context.drawImage(bitmap, 0, 0);
      bitmapHandle.purge();
      const readback = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
      canvasHandle.purge();
      const pixels = new Uint8Array(readback.data.buffer, readback.data.byteOffset, readback.data.byteLength);
      if (pixels.byteLength !== width * height * 4) {
        pixels.fill(0);
        throw new ImageDecodeError('corrupt', header.format, { detail: 'The canvas returned an unexpected pixel layout' });
      }
      if (signal?.aborted) {
        pixels.fill(0);
        throw new AbortedError(signal.reason);
      }
      try {
        return { width, height, pixels: scope.hold(pixels, { kind: 'pixels', label: this.#label }) };
      } catch (error) {
        pixels.fill(0);
        throw error;
      }
    } catch (error) {
      // Nothing of a failed decode outlives the call, whether or not the scope is purged.
      if (bitmapHandle?.isLive) bitmapHandle.purge();
      else if (!bitmapHandle && bitmap) bitmap.close();
      if (canvasHandle?.isLive) canvasHandle.purge();
      throw error;
    }
  }
}
