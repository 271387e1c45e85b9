/**
 * Maps a pixel position of the current frame to where the same point of the face was in the
 * previous frame (the known motion: the renderer's own transforms, not estimated optical flow).
 * Writes x, y into `out[0]`, `out[1]`; returns false where the motion is undefined (off the face).
 */
export type BackwardMotion = (x: number, y: number, out: Float64Array) => boolean;

/** Bilinear sample of one channel of an RGBA frame; NaN outside the frame. */
function sample(frame: Uint8Array, width: number, height: number, x: number, y: number, channel: number): number {
  if (!(x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1)) return Number.NaN;
  const x0 = Math.min(width - 2, Math.floor(x));
  const y0 = Math.min(height - 2, Math.floor(y));
  const fx = x - x0;
  const fy = y - y0;
  const at = (px: number, py: number): number => frame[(py * width + px) * 4 + channel]!;
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * Warping error (Lai et al. 2018) with known motion: the previous frame is carried to the current
 * one along `motion` and the mean absolute difference is taken over the face, in 8-bit levels
 * averaged over R, G and B. A face that moves exactly as its transforms say, with steady colour,
 * scores near 0 (resampling and compression remain); flicker, popping or sliding texture raise it.
 *
 * @param region - 1 for the pixels of the current frame to compare (the face), else 0
 * @returns the mean absolute error, or NaN when no pixel of `region` maps inside the previous frame
 */
export function warpingError(
  previous: Uint8Array,
  current: Uint8Array,
  region: Uint8Array,
  width: number,
  height: number,
  motion: BackwardMotion,
): number {
  if (previous.length !== width * height * 4 || current.length !== previous.length || region.length !== width * height) {
    throw new Error('warpingError: both frames and the region must be width × height.');
  }
  const at = new Float64Array(2);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    const x = i % width;
    const y = Math.floor(i / width);
    if (!motion(x, y, at)) continue;
    let error = 0;
    for (let c = 0; c < 3; c++) {
      const before = sample(previous, width, height, at[0]!, at[1]!, c);
      if (Number.isNaN(before)) {
        error = Number.NaN;
        break;
      }
      error += Math.abs(current[i * 4 + c]! - before);
    }
    if (Number.isNaN(error)) continue;
    sum += error / 3;
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}
