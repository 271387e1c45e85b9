import type { DecodeLimits, EphemeralScope, ExifOrientation, ImageDecoder, RgbaImage } from '@vopop/core';
import { ImageDecodeError, orientedSize, orientRgba, preparePhotoDecode, readExifOrientation } from '@vopop/core';
import type { SkiaData, SkiaImage, SkiaModule } from './skiaModule';

/**
 * Decodes photos with `@shopify/react-native-skia` (Hermes has no WebAssembly, so the SDK's
 * sandboxed decoders do not run on a phone).
 *
 * The header is checked against the limits before Skia sees a byte (`preparePhotoDecode`, the
 * same checks as every SDK decoder). Skia's pixel copy is held in the scope at once and wiped
 * with it; the native `SkData` and `SkImage` are disposed before `decode` returns or throws.
 * Native memory is freed, not zeroed: on a phone the SDK cannot reach it.
 *
 * EXIF orientation: applied here when Skia returns the stored (unrotated) size. For the
 * quarter turns (orientations 5–8) a result whose sides are already swapped shows that Skia
 * applied it, and it is not applied twice.
 *
 * @public
 */
export class SkiaImageDecoder implements ImageDecoder {
  readonly #skia: SkiaModule;
  readonly #limits: DecodeLimits | undefined;

  constructor(skia: SkiaModule, options: { limits?: DecodeLimits } = {}) {
    this.#skia = skia;
    this.#limits = options.limits;
  }

  /** Photo bytes → upright RGBA pixels held in `scope`. */
  async decode(
    bytes: Uint8Array,
    scope: EphemeralScope,
    options: { readonly limits?: DecodeLimits; readonly signal?: AbortSignal } = {},
  ): Promise<RgbaImage> {
    const { header } = preparePhotoDecode(bytes, scope, options.signal, this.#limits, options.limits);
    const orientation: ExifOrientation = readExifOrientation(bytes, header.format);
    const { Skia, ColorType, AlphaType } = this.#skia;
    let data: SkiaData | undefined;
    let image: SkiaImage | null = null;
    try {
      data = Skia.Data.fromBytes(bytes);
      image = Skia.Image.MakeImageFromEncoded(data);
      if (!image) throw new ImageDecodeError('corrupt', header.format, { detail: 'Skia could not decode the photo' });
      const width = image.width();
      const height = image.height();
      const raw = image.readPixels(0, 0, { width, height, colorType: ColorType.RGBA_8888, alphaType: AlphaType.Unpremul });
      if (raw instanceof Float32Array) raw.fill(0);
      if (!(raw instanceof Uint8Array) || raw.byteLength !== width * height * 4) {
        throw new ImageDecodeError('corrupt', header.format, { detail: 'Skia returned no 8-bit RGBA pixels' });
      }
      const held = scope.hold(raw, { kind: 'pixels', label: 'photo.pixels.skia' });
      const skiaRotated = orientation >= 5 && width === header.height && height === header.width && width !== height;
      if (orientation === 1 || skiaRotated) return { width, height, pixels: held };
      const upright = orientedSize(width, height, orientation);
      const pixels = scope.hold(new Uint8Array(raw.byteLength), { kind: 'pixels', label: 'photo.pixels' });
      orientRgba(raw, width, height, orientation, pixels.value);
      held.purge();
      return { width: upright.width, height: upright.height, pixels };
    } finally {
      image?.dispose();
      data?.dispose();
    }
  }
}
