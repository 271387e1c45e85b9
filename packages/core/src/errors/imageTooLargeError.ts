import { VopopError } from './vopopError';

/**
 * Which decode limit an image exceeded.
 * - `bytes`: the file size.
 * - `pixels`: width × height.
 * - `dimension`: the larger of width and height.
 *
 * @public
 */
export type ImageSizeLimit = 'bytes' | 'pixels' | 'dimension';

const units: Record<ImageSizeLimit, string> = {
  bytes: 'bytes',
  pixels: 'pixels',
  dimension: 'pixels on its longer side',
};

const options: Record<ImageSizeLimit, string> = {
  bytes: 'maxBytes',
  pixels: 'maxPixels',
  dimension: 'maxDimension',
};

/**
 * Thrown when an image is larger than the decode limits allow. It is raised from the file
 * size and the header alone, before any pixel is decoded, so an oversized or hostile file
 * never gets memory allocated for its pixels.
 *
 * @public
 */
export class ImageTooLargeError extends VopopError {
  readonly code = 'IMAGE_TOO_LARGE' as const;

  constructor(
    /** Which limit was exceeded. */
    readonly limit: ImageSizeLimit,
    /** The measured value (bytes, pixels or the longer side). */
    readonly actual: number,
    /** The largest accepted value. */
    readonly max: number,
    /** Width from the header; `undefined` when the file size alone was too large. */
    readonly width: number | undefined = undefined,
    /** Height from the header; `undefined` when the file size alone was too large. */
    readonly height: number | undefined = undefined,
  ) {
    const size = width !== undefined && height !== undefined ? ` (${width}×${height})` : '';
    super(
      `The photo${size} has ${actual} ${units[limit]}; the limit is ${max}. ` +
        `Downscale the photo before decoding it, or raise limits.${options[limit]} if this ` +
        'size is expected.',
    );
    this.name = 'ImageTooLargeError';
  }
}
