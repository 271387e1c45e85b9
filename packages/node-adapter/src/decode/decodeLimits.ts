import type { DecodeLimits } from '@vopop/core';
import { photoDecodeLimits } from '@vopop/core';

/**
 * The limits used where a caller sets none, as documented on `DecodeLimits`: 40 megapixels,
 * 50 MB (50,000,000 bytes) and 16384 pixels on the longer side. A 40 MP RGBA decode is 160 MB;
 * phone cameras produce 12–50 MP, and the SDK downsamples far below that for detection. The
 * same object as core's `photoDecodeLimits`, so every decoder applies one set of defaults.
 *
 * @public
 */
export const defaultDecodeLimits: Readonly<Required<DecodeLimits>> = photoDecodeLimits;
