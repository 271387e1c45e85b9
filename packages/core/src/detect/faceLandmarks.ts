import type { Wiper } from '../purge/wiper';
import { zeroFillAndVerify } from '../purge/zeroFill';

/**
 * One detected face: the mesh, its box and score, in pixel coordinates of the upright image.
 *
 * Every number derived from the face sits in a typed array, so the whole record can be wiped in
 * place; it is only ever held inside an ephemeral handle of kind `'landmarks'`.
 *
 * @public
 */
export interface FaceLandmarks {
  /** Width of the image the face was found in. */
  readonly imageWidth: number;
  /** Height of the image the face was found in. */
  readonly imageHeight: number;
  /** 468 (face mesh) or 478 (attention mesh, with irises). */
  readonly pointCount: number;
  /** `pointCount * 3` floats: x, y (pixels) and z (relative depth, same scale as x) per point. */
  readonly points: Float32Array;
  /** `[xMin, yMin, xMax, yMax]` in pixels. */
  readonly box: Float32Array;
  /** `[score]`: the detector's confidence in 0…1 (an array so that it can be wiped too). */
  readonly score: Float32Array;
}

/**
 * Wipes a {@link FaceLandmarks} record: points, box and score zero-filled and re-read.
 *
 * @public
 */
export const faceLandmarksWiper: Wiper<FaceLandmarks> = {
  name: 'face-landmarks',
  matches: (value): value is FaceLandmarks =>
    typeof value === 'object' &&
    value !== null &&
    (value as FaceLandmarks).points instanceof Float32Array &&
    (value as FaceLandmarks).box instanceof Float32Array &&
    (value as FaceLandmarks).score instanceof Float32Array,
  measure: (value) => value.points.byteLength + value.box.byteLength + value.score.byteLength,
  wipe: (value) => {
    const parts = [value.points, value.box, value.score];
    let verified = true;
    let bytes = 0;
    for (const part of parts) {
      bytes += part.byteLength;
      verified = zeroFillAndVerify(new Uint8Array(part.buffer, part.byteOffset, part.byteLength)) && verified;
    }
    return { method: 'zero-fill', bytes, verified };
  },
};
