/**
 * The colour space every frame the SDK encodes is in: BT.601 primaries, transfer and matrix,
 * limited ("TV") range. RGBA frames are converted with these coefficients (by us, or by the
 * encoder), so the file must say so: a file tagged otherwise shows shifted colours in players.
 *
 * @public
 */
export const bt601LimitedColorSpace: Readonly<Required<VideoColorSpaceInit>> = Object.freeze({
  primaries: 'smpte170m',
  transfer: 'smpte170m',
  matrix: 'smpte170m',
  fullRange: false,
});

/** Bytes of an I420 frame: a full-size luma plane and two quarter-size chroma planes. */
export function i420ByteLength(width: number, height: number): number {
  return width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
}

/**
 * BT.601 luma in studio swing (16–235), 16-bit fixed point: the coefficients are
 * 0.299/0.587/0.114 × 219/255 × 65536, so results round like the floating-point definition
 * (the common 8-bit approximation is one level low on pure green).
 */
function luma(r: number, g: number, b: number): number {
  return ((16829 * r + 33039 * g + 6416 * b + 32768) >> 16) + 16;
}

/**
 * Convert tightly packed RGBA into planar I420 (Y, then U, then V) with BT.601 limited-range
 * integer coefficients. Chroma is the average of each 2×2 block, which keeps saturated edges
 * from ringing. Alpha is ignored. `width` and `height` must be even (checked by the caller).
 *
 * Doing this ourselves, rather than handing RGBA to the encoder, makes the colour conversion the
 * same on every platform and lets the frame carry an explicit colour space: some WebCodecs
 * implementations (notably the Node polyfill's VP9 path) mislabel RGBA input.
 *
 * @public
 */
export function rgbaToI420(rgba: Uint8Array, width: number, height: number, out: Uint8Array): void {
  const chromaWidth = width >> 1;
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * (height >> 1);
  for (let y = 0; y < height; y += 2) {
    const row0 = y * width * 4;
    const row1 = row0 + width * 4;
    const yRow0 = y * width;
    const yRow1 = yRow0 + width;
    const cRow = (y >> 1) * chromaWidth;
    for (let x = 0; x < width; x += 2) {
      const p00 = row0 + x * 4;
      const p01 = p00 + 4;
      const p10 = row1 + x * 4;
      const p11 = p10 + 4;
      const r00 = rgba[p00]!, g00 = rgba[p00 + 1]!, b00 = rgba[p00 + 2]!;
      const r01 = rgba[p01]!, g01 = rgba[p01 + 1]!, b01 = rgba[p01 + 2]!;
      const r10 = rgba[p10]!, g10 = rgba[p10 + 1]!, b10 = rgba[p10 + 2]!;
      const r11 = rgba[p11]!, g11 = rgba[p11 + 1]!, b11 = rgba[p11 + 2]!;
      out[yRow0 + x] = luma(r00, g00, b00);
      out[yRow0 + x + 1] = luma(r01, g01, b01);
      out[yRow1 + x] = luma(r10, g10, b10);
      out[yRow1 + x + 1] = luma(r11, g11, b11);
      // Sums of four samples: the coefficients are applied once to the block total, and the
      // extra factor of four is folded into the shift (>> 18 instead of >> 16).
      const r = r00 + r01 + r10 + r11;
      const g = g00 + g01 + g10 + g11;
      const b = b00 + b01 + b10 + b11;
      const c = cRow + (x >> 1);
      out[uOffset + c] = ((-9714 * r - 19071 * g + 28784 * b + 131072) >> 18) + 128;
      out[vOffset + c] = ((28784 * r - 24103 * g - 4681 * b + 131072) >> 18) + 128;
    }
  }
}
