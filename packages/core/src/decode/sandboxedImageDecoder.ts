import type { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { ImageDecodeError } from '../errors/imageDecodeError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { DecodeLimits, ImageDecoder } from '../ports/imageDecoder';
import type { RgbaImage } from '../ports/rgbaImage';
import { decodePng } from './decodePng';
import { readExifOrientation } from './exifOrientation';
import { orientedSize, orientRgba } from './orientRgba';
import { checkPhotoLimits, photoEndsEarly, resolvePhotoLimits } from './photoHeader';
import type { PhotoHeader } from './photoHeader';
import { preparePhotoDecode } from './preparePhotoDecode';
import type { EmscriptenFactory, SandboxRelease } from './wasmSandbox';
import { WasmSandbox } from './wasmSandbox';

/** What the jSquash decoders return: an `ImageData` (or Node's look-alike) built in JS. */
interface DecodedImageData {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

interface MozJpegRuntime {
  decode(data: Uint8Array, preserveOrientation: boolean): DecodedImageData | null;
}

interface WebpRuntime {
  decode(data: Uint8Array): DecodedImageData | null;
}

/**
 * The compiled decoders a {@link SandboxedImageDecoder} instantiates per photo. Compile them
 * once per process (`WebAssembly.compile`) from `@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm`
 * and `@jsquash/webp/codec/dec/webp_dec.wasm`, read from the app's own files or origin.
 *
 * @public
 */
export interface PhotoCodecModules {
  readonly jpeg: WebAssembly.Module;
  readonly webp: WebAssembly.Module;
}

/**
 * How to construct a {@link SandboxedImageDecoder}.
 *
 * @public
 */
export interface SandboxedImageDecoderOptions {
  /** The compiled mozjpeg and libwebp decoders. */
  readonly modules: PhotoCodecModules;
  /** Limits for every decode; a call's own `limits` override them field by field. */
  readonly limits?: DecodeLimits;
  /** Label of the pixels handle in receipts. Default `'photo.pixels'`. */
  readonly label?: string;
  /** Called after every wasm decode with the wiped instance memory (tests, audits). */
  readonly onSandboxRelease?: (release: SandboxRelease) => void;
}

type GlueModule = { readonly default: unknown };

/**
 * The Emscripten glue is imported on first use, not at import time: in Node it installs an
 * `ImageData` stand-in on `globalThis`, a side effect an app that never decodes should not get.
 */
let jpegFactory: Promise<EmscriptenFactory<MozJpegRuntime>> | undefined;
let webpFactory: Promise<EmscriptenFactory<WebpRuntime>> | undefined;

function factoryOf<M>(glue: Promise<GlueModule>): Promise<EmscriptenFactory<M>> {
  return glue.then((module) => module.default as EmscriptenFactory<M>);
}

/** The `ImageData` look-alike the glue builds its result with where the platform has none. */
class DecodedImage implements DecodedImageData {
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}

/**
 * Where there is no `ImageData` (Node), the glue defines its own stand-in class inside the first
 * runtime it builds, and that class's closure keeps the whole first runtime reachable for the
 * life of the process, its linear memory included: wiped, but resident (170 MB after a
 * 40-megapixel JPEG). A stand-in defined here captures nothing, and the glue then leaves
 * `globalThis.ImageData` alone, so every sandbox's memory is collectable once it is dropped.
 */
function provideImageData(): void {
  const global = globalThis as { ImageData?: unknown };
  if (global.ImageData === undefined) global.ImageData = DecodedImage;
}

function loadJpegFactory(): Promise<EmscriptenFactory<MozJpegRuntime>> {
  provideImageData();
  jpegFactory ??= factoryOf<MozJpegRuntime>(
    import('@jsquash/jpeg/codec/dec/mozjpeg_dec.js') as Promise<GlueModule>,
  );
  return jpegFactory;
}

function loadWebpFactory(): Promise<EmscriptenFactory<WebpRuntime>> {
  provideImageData();
  webpFactory ??= factoryOf<WebpRuntime>(
    import('@jsquash/webp/codec/dec/webp_dec.js') as Promise<GlueModule>,
  );
  return webpFactory;
}

/** The decoded pixels as a plain byte view over the JS-heap copy the glue made (no copy). */
interface StoredPixels {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
}

function takePixels(image: DecodedImageData | null): StoredPixels | undefined {
  if (image === null || image === undefined) return undefined;
  const { data } = image;
  return {
    pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: image.width,
    height: image.height,
  };
}

/**
 * An `ImageDecoder` whose every pixel-bearing byte lives in memory it owns and wipes, so that
 * after a purge no copy of the photo remains anywhere in the process (privacy invariant P3):
 * - PNG: {@link decodePng}, in TypeScript, into buffers it zero-fills;
 * - JPEG and WebP: mozjpeg and libwebp compiled to wasm (jSquash), each photo decoded in a
 *   fresh `WasmSandbox` instance whose whole linear memory is zero-filled afterwards.
 *   The glue copies the pixels once out of the wasm heap into a JS `Uint8ClampedArray`; that
 *   copy becomes the handle's value (viewed as `Uint8Array`), or is wiped after orienting.
 *
 * Same contract as any `ImageDecoder`: format from the magic bytes, size limits from the
 * header before anything is allocated (`ImageTooLargeError`), EXIF orientation (all eight)
 * applied here, typed `ImageDecodeError`s, and nothing left behind on any error or abort.
 * CMYK/YCCK JPEGs are refused (`unsupported-format`): mozjpeg cannot convert them to RGBA.
 *
 * Platform-free: the compiled wasm modules are injected.
 *
 * @example
 * ```ts
 * const decoder = new SandboxedImageDecoder({ modules: { jpeg, webp } });
 * await using scope = new EphemeralScope({ label: 'generation' });
 * const image = await decoder.decode(photoBytes, scope);
 * ```
 * @public
 */
export class SandboxedImageDecoder implements ImageDecoder {
  readonly #modules: PhotoCodecModules;
  readonly #limits: DecodeLimits | undefined;
  readonly #label: string;
  readonly #onRelease: ((release: SandboxRelease) => void) | undefined;

  constructor(options: SandboxedImageDecoderOptions) {
    const { jpeg, webp } = options.modules ?? {};
    if (!(jpeg instanceof WebAssembly.Module) || !(webp instanceof WebAssembly.Module)) {
      throw new InvalidArgumentError(
        'SandboxedImageDecoder needs compiled jpeg and webp WebAssembly modules.',
      );
    }
    resolvePhotoLimits(options.limits);
    this.#modules = options.modules;
    this.#limits = options.limits;
    this.#label = options.label ?? 'photo.pixels';
    this.#onRelease = options.onSandboxRelease;
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
    if (header.format === 'png') {
      const label = this.#label;
      return decodePng(bytes, scope, signal === undefined ? { limits, label } : { limits, label, signal });
    }
    if (header.format === 'jpeg' && header.components === 4) {
      throw new ImageDecodeError('unsupported-format', 'jpeg', {
        detail: 'CMYK JPEG images are not supported',
      });
    }
    if (photoEndsEarly(bytes, header.format)) {
      throw new ImageDecodeError('truncated', header.format, {
        detail: 'The file ends before its image data does',
      });
    }
    const stored = await this.#decodeInSandbox(bytes, header);
    return this.#finish(bytes, header, stored, limits, scope, signal);
  }

  async #decodeInSandbox(bytes: Uint8Array, header: PhotoHeader): Promise<StoredPixels> {
    const discard = (result: StoredPixels | undefined): void => {
      result?.pixels.fill(0);
    };
    // Loading the glue is outside the try: a missing package is not a corrupt photo.
    const run =
      header.format === 'jpeg'
        ? await loadJpegFactory().then((factory) => {
            const sandbox = new WasmSandbox(this.#modules.jpeg, factory, this.#sandboxOptions());
            // false: jSquash's `preserveOrientation: true` would rotate in the wasm heap; we
            // want the stored layout and apply EXIF below, in buffers we own, as for WebP.
            return () => sandbox.run((runtime) => takePixels(runtime.decode(bytes, false)), discard);
          })
        : await loadWebpFactory().then((factory) => {
            const sandbox = new WasmSandbox(this.#modules.webp, factory, this.#sandboxOptions());
            return () => sandbox.run((runtime) => takePixels(runtime.decode(bytes)), discard);
          });
    let stored: StoredPixels | undefined;
    try {
      stored = await run();
    } catch (error) {
      // The C decoders abort or exit() on malformed data; their text stays a cause only.
      throw new ImageDecodeError('corrupt', header.format, { cause: error });
    }
    if (stored === undefined) throw new ImageDecodeError('corrupt', header.format);
    return stored;
  }

  #sandboxOptions(): { onRelease?: (release: SandboxRelease) => void } {
    return this.#onRelease === undefined ? {} : { onRelease: this.#onRelease };
  }

  #finish(
    bytes: Uint8Array,
    header: PhotoHeader,
    stored: StoredPixels,
    limits: Required<DecodeLimits>,
    scope: EphemeralScope,
    signal: AbortSignal | undefined,
  ): RgbaImage {
    let upright = stored.pixels;
    try {
      if (signal?.aborted) throw new AbortedError(signal.reason);
      const { width, height } = stored;
      if (width <= 0 || height <= 0 || stored.pixels.byteLength !== width * height * 4) {
        throw new ImageDecodeError('corrupt', header.format, {
          detail: 'The decoder returned an unexpected pixel layout',
        });
      }
      // Defence in depth: the decoder's own idea of the size must also respect the limits.
      checkPhotoLimits(bytes.byteLength, width, height, limits);
      const orientation = readExifOrientation(bytes, header.format);
      const size = orientedSize(width, height, orientation);
      if (orientation !== 1) {
        upright = new Uint8Array(stored.pixels.byteLength);
        orientRgba(stored.pixels, width, height, orientation, upright);
        stored.pixels.fill(0);
      }
      // A scope purged meanwhile wipes the value and throws PurgedError itself.
      const pixels = scope.hold(upright, { kind: 'pixels', label: this.#label });
      return { width: size.width, height: size.height, pixels };
    } catch (error) {
      stored.pixels.fill(0);
      upright.fill(0);
      throw error;
    }
  }
}
