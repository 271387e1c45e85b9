import type { DecodeLimits } from '@vopop/core';
import { ImageTooLargeError, InvalidArgumentError, photoDecodeLimits } from '@vopop/core';
import type { ImageHeader } from './imageHeader';

/**
 * The limits used where a caller sets none, as documented on `DecodeLimits`: 40 megapixels,
 * 50 MB (50,000,000 bytes) and 16384 pixels on the longer side. A 40 MP RGBA decode is 160 MB;
 * phone cameras produce 12–50 MP, and the SDK downsamples far below that for detection. The
 * same object as core's `photoDecodeLimits`, so every decoder applies one set of defaults.
 *
 * @public
 */
export const defaultDecodeLimits: Readonly<Required<DecodeLimits>> = photoDecodeLimits;

function checked(name: keyof DecodeLimits, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`limits.${name} must be a positive integer.`);
  }
  return value;
}

/**
 * Merge limits field by field: a call's limits over the decoder's, over the defaults.
 *
 * @internal
 */
export function resolveDecodeLimits(
  ...layers: readonly (DecodeLimits | undefined)[]
): Required<DecodeLimits> {
  let resolved: Required<DecodeLimits> = defaultDecodeLimits;
  for (const layer of layers) {
    if (layer === undefined) continue;
    resolved = {
      maxPixels: checked('maxPixels', layer.maxPixels, resolved.maxPixels),
      maxBytes: checked('maxBytes', layer.maxBytes, resolved.maxBytes),
      maxDimension: checked('maxDimension', layer.maxDimension, resolved.maxDimension),
    };
  }
  return resolved;
}

/** Throws `ImageTooLargeError` when the file is over the byte limit. @internal */
export function checkByteLimit(byteLength: number, limits: Required<DecodeLimits>): void {
  if (byteLength > limits.maxBytes) {
    throw new ImageTooLargeError('bytes', byteLength, limits.maxBytes);
  }
}

/**
 * Throws `ImageTooLargeError` when the header's size is over a limit. The longer side is
 * checked first: it is the limit a hostile 1×N image trips, and its message is the clearer.
 *
 * @internal
 */
export function checkHeaderLimits(header: ImageHeader, limits: Required<DecodeLimits>): void {
  const { width, height } = header;
  const longer = Math.max(width, height);
  if (longer > limits.maxDimension) {
    throw new ImageTooLargeError('dimension', longer, limits.maxDimension, width, height);
  }
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    throw new ImageTooLargeError('pixels', pixels, limits.maxPixels, width, height);
  }
}
