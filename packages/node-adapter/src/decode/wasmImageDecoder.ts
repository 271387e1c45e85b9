import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type {
  DecodeLimits,
  EphemeralScope,
  ImageDecoder,
  PhotoCodecModules,
  RgbaImage,
  SandboxRelease,
} from '@vopop/core';
import {
  AbortedError,
  SandboxedImageDecoder,
  compilePhotoCodecModules,
  preparePhotoDecode,
  resolvePhotoLimits,
} from '@vopop/core';

/**
 * How to construct a {@link WasmImageDecoder}.
 *
 * @public
 */
export interface WasmImageDecoderOptions {
  /** Limits for every decode; a call's own `limits` override them field by field. */
  readonly limits?: DecodeLimits;
  /** Label of the pixels handle in receipts. Default `'photo.pixels'`. */
  readonly label?: string;
  /** Called after every JPEG/WebP decode with the wiped sandbox memory (tests, audits). */
  readonly onSandboxRelease?: (release: SandboxRelease) => void;
  /** Compiled decoders to use instead of the ones read from the installed packages. */
  readonly modules?: PhotoCodecModules;
}

/** The `.wasm` files inside the jSquash packages (dependencies of `@vopop/core`). */
const wasmFiles = {
  jpeg: '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm',
  webp: '@jsquash/webp/codec/dec/webp_dec.wasm',
} as const;

/**
 * Resolve a file of a package that `@vopop/core` depends on, from core's own location: the
 * codecs are core's dependencies, not this adapter's, and pnpm keeps them out of our reach.
 */
function resolveFromCore(specifier: string): string {
  const here = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
  const fromCore = createRequire(here.resolve('@vopop/core/package.json'));
  return fromCore.resolve(specifier);
}

let compiled: Promise<PhotoCodecModules> | undefined;

/**
 * Read and compile the mozjpeg and libwebp decoders once per process (with their initial
 * memory compacted, see core's `compactInitialMemory`); every photo then gets a fresh
 * instance of them.
 *
 * @public
 */
export function loadNodePhotoCodecModules(): Promise<PhotoCodecModules> {
  compiled ??= (async () => {
    const [jpeg, webp] = await Promise.all([
      readFile(resolveFromCore(wasmFiles.jpeg)),
      readFile(resolveFromCore(wasmFiles.webp)),
    ]);
    return compilePhotoCodecModules({ jpeg, webp });
  })();
  // A failed read must not poison later attempts (a transient EMFILE, say).
  compiled.catch(() => {
    compiled = undefined;
  });
  return compiled;
}

/**
 * Decodes JPEG, PNG and WebP photos into upright RGBA8 without leaving any copy of the photo
 * in process memory after the scope is purged (privacy invariant P3), unlike `NodeImageDecoder`
 * whose libvips frees working buffers unwiped.
 *
 * PNG is decoded by core's TypeScript `decodePng`; JPEG and WebP by mozjpeg and libwebp
 * compiled to wasm, each photo in a fresh instance whose whole memory is zero-filled
 * afterwards (core's `SandboxedImageDecoder`). Same contract as `NodeImageDecoder`: format
 * from the magic bytes (GIF, HEIC, AVIF, TIFF, BMP, JPEG XL refused as `unsupported-format`),
 * limits from the header before anything is allocated, EXIF orientation, typed errors,
 * `AbortSignal`, nothing left behind on failure. Differences: CMYK JPEGs are refused
 * (`unsupported-format`), and embedded ICC profiles are not applied.
 *
 * @example
 * ```ts
 * const decoder = new WasmImageDecoder();
 * await using scope = new EphemeralScope({ label: 'generation' });
 * const image = await decoder.decode(photoBytes, scope);
 * ```
 * @public
 */
export class WasmImageDecoder implements ImageDecoder {
  readonly #limits: DecodeLimits | undefined;
  readonly #options: WasmImageDecoderOptions;
  #inner: Promise<SandboxedImageDecoder> | undefined;

  constructor(options: WasmImageDecoderOptions = {}) {
    resolvePhotoLimits(options.limits);
    this.#limits = options.limits;
    this.#options = options;
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
    // Checked here too, not only by the inner decoder, so that a refused photo fails before the
    // codecs are read and compiled.
    const { limits } = preparePhotoDecode(bytes, scope, signal, this.#limits, options.limits);

    const inner = await this.#decoder();
    if (signal?.aborted) throw new AbortedError(signal.reason);
    return inner.decode(bytes, scope, signal === undefined ? { limits } : { limits, signal });
  }

  #decoder(): Promise<SandboxedImageDecoder> {
    this.#inner ??= (this.#options.modules === undefined
      ? loadNodePhotoCodecModules()
      : Promise.resolve(this.#options.modules)
    ).then(
      (modules) =>
        new SandboxedImageDecoder({
          modules,
          label: this.#options.label ?? 'photo.pixels',
          ...(this.#options.onSandboxRelease === undefined
            ? {}
            : { onSandboxRelease: this.#options.onSandboxRelease }),
        }),
    );
    this.#inner.catch(() => {
      this.#inner = undefined;
    });
    return this.#inner;
  }
}
