/**
 * Rotate a tightly packed RGBA image clockwise by a multiple of 90° into `out` (same byte
 * length). For 90° and 270° the output is `height` pixels wide and `width` pixels tall.
 *
 * Phones record portrait video as landscape frames plus rotation metadata; frames handed to
 * the detector must be upright, like every other `RgbaImage` in the SDK.
 *
 * @internal
 */
export function rotateRgba(
  src: Uint8Array,
  width: number,
  height: number,
  rotation: 0 | 90 | 180 | 270,
  out: Uint8Array,
): void {
  if (rotation === 0) {
    out.set(src.subarray(0, width * height * 4));
    return;
  }
  const srcWords = new Uint32Array(src.buffer, src.byteOffset, width * height);
  const outWords = new Uint32Array(out.buffer, out.byteOffset, width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const pixel = srcWords[y * width + x]!;
      let target: number;
      if (rotation === 90) {
        // (x, y) → (height - 1 - y, x) in an image `height` wide.
        target = x * height + (height - 1 - y);
      } else if (rotation === 180) {
        target = (height - 1 - y) * width + (width - 1 - x);
      } else {
        // 270: (x, y) → (y, width - 1 - x) in an image `height` wide.
        target = (width - 1 - x) * height + y;
      }
      outWords[target] = pixel;
    }
  }
}
