/**
 * The parts of `@shopify/react-native-skia` that {@link SkiaImageDecoder} uses. Pass them from
 * the library: `{ Skia, ColorType, AlphaType }`.
 *
 * @public
 */
export interface SkiaModule {
  readonly Skia: {
    readonly Data: { fromBytes(bytes: Uint8Array): SkiaData };
    readonly Image: { MakeImageFromEncoded(data: SkiaData): SkiaImage | null };
  };
  readonly ColorType: { readonly RGBA_8888: number };
  readonly AlphaType: { readonly Unpremul: number };
}

/**
 * Skia's encoded-bytes object (`SkData`): a native copy of the file.
 *
 * @public
 */
export interface SkiaData {
  /** Free the native copy (freed, not zeroed: JS cannot reach it). */
  dispose(): void;
}

/**
 * A decoded Skia image (`SkImage`), native memory.
 *
 * @public
 */
export interface SkiaImage {
  /** Width in pixels, as decoded. */
  width(): number;
  /** Height in pixels, as decoded. */
  height(): number;
  /** Copies the pixels into a new JS array; `null` when Skia cannot. */
  readPixels(
    srcX: number,
    srcY: number,
    imageInfo: { width: number; height: number; colorType: number; alphaType: number },
  ): Uint8Array | Float32Array | null;
  /** Free the native pixels. */
  dispose(): void;
}
