/**
 * The region a renderer drew into a frame, found by comparing the frame with the same frame of
 * the template drawn without a face. Renderer-agnostic: it needs no knowledge of the renderer's
 * mask, only the two frames before encoding.
 *
 * Each row's region is filled from its first to its last changed pixel, because a face pixel that
 * happens to equal the background underneath would otherwise punch a hole whose rim would count
 * as an edge (face masks are convex or nearly so along rows).
 *
 * @param rendered - the frame as the renderer produced it, RGBA
 * @param background - the same frame with no face, RGBA
 * @param threshold - the largest per-channel difference still counted as unchanged (rounding
 *   where a feathered mask is nearly 0). Default 1.
 * @returns 1 inside the region, 0 outside, one byte per pixel
 */
export function changedRegion(
  rendered: Uint8Array,
  background: Uint8Array,
  width: number,
  height: number,
  threshold = 1,
): Uint8Array {
  if (rendered.length !== width * height * 4 || background.length !== rendered.length) {
    throw new Error('changedRegion: both frames must be width × height RGBA.');
  }
  const region = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const changed =
        Math.abs(rendered[i]! - background[i]!) > threshold ||
        Math.abs(rendered[i + 1]! - background[i + 1]!) > threshold ||
        Math.abs(rendered[i + 2]! - background[i + 2]!) > threshold;
      if (!changed) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first >= 0) region.fill(1, y * width + first, y * width + last + 1);
  }
  return region;
}
