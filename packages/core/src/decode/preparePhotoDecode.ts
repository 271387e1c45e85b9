import type { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { ImageDecodeError } from '../errors/imageDecodeError';
import { ImageTooLargeError } from '../errors/imageTooLargeError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { DecodeLimits } from '../ports/imageDecoder';
import { checkExifDirectories } from './exifDirectories';
import type { PhotoHeader } from './photoHeader';
import { checkPhotoLimits, photoTooShortForSize, readPhotoHeader, resolvePhotoLimits } from './photoHeader';

/**
 * What {@link preparePhotoDecode} established before any pixel was decoded.
 *
 * @public
 */
export interface PreparedPhotoDecode {
  /** The container header: format and stored size, already within `limits`. */
  readonly header: PhotoHeader;
  /** The limits in force for this call, merged field by field and validated. */
  readonly limits: Required<DecodeLimits>;
}

/**
 * The checks an `ImageDecoder` runs before it decodes a pixel, in the order every decoder of
 * the SDK follows, so that all of them refuse the same input with the same error:
 * 1. `bytes` is a `Uint8Array` (`InvalidArgumentError`), `signal` has not aborted
 *    (`AbortedError`), `scope` is open (`PurgedError`), the limits are positive integers
 *    (`InvalidArgumentError`);
 * 2. the file size, before a byte is scanned (`ImageTooLargeError('bytes')`);
 * 3. the format from the magic bytes and the size from the header ({@link readPhotoHeader}:
 *    `ImageDecodeError` for empty, unrecognised, refused, truncated or invalid input);
 * 4. the longer side, then the pixel count (`ImageTooLargeError`);
 * 5. a file far too short for the size it declares (`photoTooShortForSize`:
 *    `ImageDecodeError('truncated')`), which the C decoders would fill with grey, slowly;
 * 6. EXIF directories that loop or are too many (`checkExifDirectories`:
 *    `ImageDecodeError('corrupt')`), on which sharp's EXIF reader spends seconds.
 *
 * Nothing is allocated for the photo, so a hostile file costs nothing.
 *
 * @param limitLayers - The decoder's limits, then the call's; later layers win field by field.
 * @public
 */
export function preparePhotoDecode(
  bytes: Uint8Array,
  scope: EphemeralScope,
  signal: AbortSignal | undefined,
  ...limitLayers: readonly (DecodeLimits | undefined)[]
): PreparedPhotoDecode {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError('decode() expects the photo as a Uint8Array.');
  }
  if (signal?.aborted) throw new AbortedError(signal.reason);
  scope.throwIfClosed();
  const limits = resolvePhotoLimits(...limitLayers);
  if (bytes.byteLength > limits.maxBytes) {
    throw new ImageTooLargeError('bytes', bytes.byteLength, limits.maxBytes);
  }
  const header = readPhotoHeader(bytes);
  checkPhotoLimits(bytes.byteLength, header.width, header.height, limits);
  if (photoTooShortForSize(bytes, header)) {
    throw new ImageDecodeError('truncated', header.format, {
      detail: 'The file is far too short to hold the image its header declares',
    });
  }
  checkExifDirectories(bytes, header.format);
  return { header, limits };
}
