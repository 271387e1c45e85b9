import { VopopError } from './vopopError';

/**
 * Why bytes could not be decoded into an image.
 * - `empty`: zero bytes.
 * - `unrecognized`: the leading bytes match no image format at all (text, random data, a video).
 * - `unsupported-format`: a real image format the decoder does not accept (see `format`), or
 *   a variant of a supported one it does not accept (an animated WebP).
 * - `truncated`: the file ends before the image does (an interrupted download or copy).
 * - `corrupt`: the structure or the compressed data is invalid.
 *
 * @public
 */
export type ImageDecodeFailure =
  | 'empty'
  | 'unrecognized'
  | 'unsupported-format'
  | 'truncated'
  | 'corrupt';

/**
 * Image formats recognised from their magic bytes. Only some of them are decodable; the others
 * are named so that an error can say what the file was.
 *
 * @public
 */
export type SniffedImageFormat =
  | 'jpeg'
  | 'png'
  | 'webp'
  | 'gif'
  | 'bmp'
  | 'tiff'
  | 'heic'
  | 'avif'
  | 'jxl';

const advice: Record<ImageDecodeFailure, string> = {
  empty: 'The photo is empty (0 bytes). Pass the bytes of a JPEG, PNG or WebP file.',
  unrecognized:
    'The bytes are not an image in any known format. Pass the bytes of a JPEG, PNG or WebP ' +
    'file (the format is read from the content, never from the file name).',
  'unsupported-format': 'Convert the photo to a still JPEG, PNG or WebP image first.',
  truncated:
    'The photo file is incomplete: it ends before the image does. Copy or download it again.',
  corrupt: 'The photo file is damaged and cannot be decoded. Try another copy of the photo.',
};

/**
 * Thrown when photo bytes cannot be decoded: empty, not an image, an unsupported format,
 * truncated or corrupt. `reason` says which; `format` is what the bytes looked like, when
 * their magic bytes were recognised. Nothing decoded is left behind.
 *
 * @public
 */
export class ImageDecodeError extends VopopError {
  readonly code = 'IMAGE_DECODE' as const;

  constructor(
    /** Which kind of failure. */
    readonly reason: ImageDecodeFailure,
    /** The format the magic bytes announced, if any. */
    readonly format: SniffedImageFormat | undefined = undefined,
    /**
     * `detail`: a sentence written by code that opens the message (never a decoder's own
     * message, which can quote the file's bytes); `cause`: the underlying decoder error.
     */
    options?: { readonly detail?: string; readonly cause?: unknown },
  ) {
    const unsupported =
      format === undefined
        ? 'This image format is not supported'
        : `${format.toUpperCase()} images are not supported`;
    const detail = options?.detail ?? (reason === 'unsupported-format' ? unsupported : undefined);
    const prefix = detail === undefined ? '' : `${detail}. `;
    super(
      `${prefix}${advice[reason]}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ImageDecodeError';
  }
}
