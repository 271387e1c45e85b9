import type { DecodeLimits } from '@vopop/core';
import { photoDecodeLimits } from '@vopop/core';

/**
 * The limits used where a caller sets none, as documented on `DecodeLimits`: 20 megapixels,
 * 50 MB (50,000,000 bytes) and 16384 pixels on the longer side. The pixel limit comes from
 * measured peaks: a whole `vopop generate` stays within 600 MiB up to 20 MP for every kind of
 * photo measured, while 25 MP progressive JPEGs reached 608–647 MiB and 40 MP ones 648–767
 * (`docs/reliability.md`). The same
 * object as core's `photoDecodeLimits`, so every decoder applies one set of defaults.
 *
 * @public
 */
export const defaultDecodeLimits: Readonly<Required<DecodeLimits>> = photoDecodeLimits;
