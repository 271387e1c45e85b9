import type { EphemeralScope } from '../purge/ephemeralScope';
import type { RgbaImage } from './rgbaImage';

/**
 * Limits checked from the image header, before any pixel is decoded.
 *
 * @public
 */
export interface DecodeLimits {
  /** Largest accepted width × height. Default 20 megapixels (see `photoDecodeLimits`). */
  readonly maxPixels?: number;
  /** Largest accepted file size in bytes. Default 50 MB. */
  readonly maxBytes?: number;
  /** Largest accepted width or height. Default 16384. */
  readonly maxDimension?: number;
}

/**
 * Decode photo bytes into upright RGBA pixels, held in `scope`.
 *
 * Implementations apply EXIF orientation, check {@link DecodeLimits} from the header before
 * decoding (`ImageTooLargeError`), and turn anything corrupt or unsupported into
 * `ImageDecodeError`. On any error they leave nothing behind: no handle, no copy of the bytes.
 *
 * @public
 */
export interface ImageDecoder {
  decode(
    bytes: Uint8Array,
    scope: EphemeralScope,
    options?: { readonly limits?: DecodeLimits; readonly signal?: AbortSignal },
  ): Promise<RgbaImage>;
}
