import type {
  DecodeLimits,
  EphemeralHandle,
  EphemeralScope,
  ImageDecoder,
  PhotoFormat,
  PhotoHeader,
  RgbaImage,
} from '@vopop/core';
import {
  AbortedError,
  ImageDecodeError,
  photoEndsEarly,
  preparePhotoDecode,
  resolvePhotoLimits,
} from '@vopop/core';
import type sharpDefault from 'sharp';
import type { Sharp } from 'sharp';

/**
 * The formats `NodeImageDecoder` decodes. Everything else it recognises is refused with
 * `ImageDecodeError('unsupported-format')`:
 * - GIF: a 256-colour animation format, not a photo format; dithered colour hurts landmark
 *   accuracy and an animation leaves open which frame is "the photo".
 * - HEIC: the prebuilt libvips that sharp ships has no HEVC decoder (patents), so HEIC cannot
 *   be decoded in Node without a system libvips; apps convert on the device first.
 * - AVIF, TIFF, BMP, JPEG XL: not what cameras or phones hand to apps; fewer formats means
 *   less decoder attack surface.
 *
 * @public
 */
export type DecodableImageFormat = PhotoFormat;

/**
 * How to construct a {@link NodeImageDecoder}.
 *
 * @public
 */
export interface NodeImageDecoderOptions {
  /** Limits for every decode; a call's own `limits` override them field by field. */
  readonly limits?: DecodeLimits;
  /** Label of the pixels handle in receipts. Default `'photo.pixels'`. */
  readonly label?: string;
}

type SharpFactory = typeof sharpDefault;

let sharpModule: Promise<SharpFactory> | undefined;

/**
 * sharp is loaded on first decode, not on import: it is a native addon, and an app that only
 * imports the adapter for its CLI help or its wipers should not pay for (or fail on) it.
 */
function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import('sharp').then(
    (module) => ((module as { default?: SharpFactory }).default ?? module) as SharpFactory,
    (error: unknown) => {
      // Let a later call retry (after the app installed the platform's binary, say).
      sharpModule = undefined;
      throw error;
    },
  );
  return sharpModule;
}

/** What sharp hands back, already wrapped as a plain byte view over its buffer. */
interface DecodedPixels {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
}

function abortError(signal: AbortSignal): AbortedError {
  return new AbortedError(signal.reason);
}

/**
 * Run the sharp pipeline, settling early if `signal` aborts. libvips cannot be interrupted,
 * so an aborted decode keeps running in the background; when its output arrives it is
 * zero-filled at once instead of being handed to anyone.
 */
function runPipeline(
  pipeline: Sharp,
  header: PhotoHeader,
  bytes: Uint8Array,
  signal: AbortSignal | undefined,
): Promise<DecodedPixels> {
  return new Promise<DecodedPixels>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    pipeline.toBuffer({ resolveWithObject: true }).then(
      ({ data, info }) => {
        signal?.removeEventListener('abort', onAbort);
        // A plain view over the same memory (no copy): the handle then holds a Uint8Array
        // without Buffer's toString()/base64 helpers, and wiping it wipes sharp's buffer.
        const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        const tight = info.width * info.height * 4;
        if (settled) {
          pixels.fill(0);
          return;
        }
        settled = true;
        if (info.channels !== 4 || pixels.byteLength !== tight) {
          pixels.fill(0);
          reject(
            new ImageDecodeError('corrupt', header.format, {
              detail: 'The decoder returned an unexpected pixel layout',
            }),
          );
          return;
        }
        resolve({ pixels, width: info.width, height: info.height });
      },
      (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        // sharp's message can quote decoder internals; keep it as the cause only.
        const reason = photoEndsEarly(bytes, header.format) ? 'truncated' : 'corrupt';
        reject(new ImageDecodeError(reason, header.format, { cause: error }));
      },
    );
  });
}

/**
 * Decodes JPEG, PNG and WebP photos into upright, tightly packed 8-bit RGBA with sharp
 * (libvips), held in the caller's scope as a `'pixels'` handle.
 *
 * Before any pixel is decoded it checks, in order: the byte limit, the format (from the
 * magic bytes only), and the width, height and pixel count read from the header, so an
 * oversized or hostile file fails with `ImageTooLargeError` before anything is allocated for
 * it. EXIF orientation (all eight) is applied; grayscale, CMYK, palette, 16-bit and
 * alpha images all come out as sRGB RGBA with 8 bits per channel (opaque images get
 * alpha 255).
 *
 * Privacy: sharp's output buffer is the handle's value itself (no copy), so purging the scope
 * zero-fills the only decoded copy this code owns. libvips' own working buffers are freed by
 * libvips without being wiped; they are beyond the reach of JavaScript. The libvips operation
 * cache is switched off (`sharp.cache(false)`, process-wide) before every decode so that
 * libvips keeps no decoded image around after a call.
 *
 * Failures leave nothing behind: no handle in the scope, no buffer left unwiped. An abort
 * rejects at once with `AbortedError`; the background decode's output is wiped on arrival.
 *
 * @example
 * ```ts
 * await using scope = new EphemeralScope({ label: 'generation' });
 * const image = await new NodeImageDecoder().decode(photoBytes, scope);
 * // image.pixels.value: width * height * 4 bytes, wiped when the scope ends
 * ```
 * @public
 */
export class NodeImageDecoder implements ImageDecoder {
  readonly #limits: DecodeLimits | undefined;
  readonly #label: string;

  constructor(options: NodeImageDecoderOptions = {}) {
    // Validate eagerly so that a bad limit fails at construction, not at the first photo.
    resolvePhotoLimits(options.limits);
    this.#limits = options.limits;
    this.#label = options.label ?? 'photo.pixels';
  }

  /**
   * Decode `bytes` into upright RGBA pixels held in `scope`.
   *
   * @throws `ImageDecodeError` for empty, unrecognised, unsupported, truncated or corrupt input.
   * @throws `ImageTooLargeError` when the file or its header exceeds a limit.
   * @throws `AbortedError` when `signal` aborts; `PurgedError` when `scope` is closed.
   */
  async decode(
    bytes: Uint8Array,
    scope: EphemeralScope,
    options: { readonly limits?: DecodeLimits; readonly signal?: AbortSignal } = {},
  ): Promise<RgbaImage> {
    const { signal } = options;
    const { header, limits } = preparePhotoDecode(bytes, scope, signal, this.#limits, options.limits);

    const sharp = await loadSharp();
    if (signal?.aborted) throw abortError(signal);
    sharp.cache(false);
    const pipeline = sharp(bytes, {
      // 'error' also fails on truncation; 'warning' would also reject the many real photos
      // whose encoders leave harmless quirks that libjpeg merely warns about.
      failOn: 'error',
      // Defence in depth behind the header check, in case libvips reads a size we did not.
      limitInputPixels: limits.maxPixels,
      pages: 1,
    })
      .autoOrient()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' });
    const decoded = await runPipeline(pipeline, header, bytes, signal);

    let pixels: EphemeralHandle<Uint8Array>;
    try {
      if (signal?.aborted) throw abortError(signal);
      // A scope purged while we decoded wipes the value and throws PurgedError itself.
      pixels = scope.hold(decoded.pixels, { kind: 'pixels', label: this.#label });
    } catch (error) {
      decoded.pixels.fill(0);
      throw error;
    }
    return { width: decoded.width, height: decoded.height, pixels };
  }
}
