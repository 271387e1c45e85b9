import type { Wiper } from '../purge/wiper';
import { zeroFillAndVerify } from '../purge/zeroFill';

/**
 * Where a person is in one square of a photo: the segmentation model's output, a probability
 * per cell, before any refinement. It outlines a person's head and body, so it is personal data:
 * it is only ever held in an ephemeral handle of kind `'matte'`, and every number sits in a
 * typed array so that the whole record can be wiped in place.
 *
 * @public
 */
export interface PersonMatte {
  /**
   * `[x, y, side]`: the square of the photo the matte covers, in photo pixels. It may reach past
   * the photo's edges (a head at the edge), where the model saw the edge pixels repeated.
   */
  readonly region: Float32Array;
  /** Cells per side of the matte (the model's input size, 256). */
  readonly size: number;
  /** `size × size` person probabilities in 0…1, rows top to bottom. */
  readonly alpha: Float32Array;
}

/**
 * Wipes a {@link PersonMatte}: the region and every probability zero-filled and read back.
 *
 * @public
 */
export const personMatteWiper: Wiper<PersonMatte> = {
  name: 'person-matte',
  matches: (value): value is PersonMatte =>
    typeof value === 'object' &&
    value !== null &&
    (value as PersonMatte).region instanceof Float32Array &&
    (value as PersonMatte).alpha instanceof Float32Array,
  measure: (value) => value.region.byteLength + value.alpha.byteLength,
  wipe: (value) => {
    let verified = true;
    let bytes = 0;
    for (const part of [value.region, value.alpha]) {
      bytes += part.byteLength;
      verified = zeroFillAndVerify(new Uint8Array(part.buffer, part.byteOffset, part.byteLength)) && verified;
    }
    return { method: 'zero-fill', bytes, verified };
  },
};
