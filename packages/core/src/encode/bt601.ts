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

/** Whether this runtime stores multi-byte words little-endian (every current JS engine does). */
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Convert tightly packed RGBA into planar I420 (Y, then U, then V) with BT.601 limited-range
 * integer coefficients. Chroma is the average of each 2×2 block, which keeps saturated edges
 * from ringing. Alpha is ignored. `width` and `height` must be even (checked by the caller).
 *
 * Doing this ourselves, rather than handing RGBA to the encoder, makes the colour conversion the
 * same on every platform and lets the frame carry an explicit colour space: some WebCodecs
 * implementations (notably the Node polyfill's VP9 path) mislabel RGBA input.
 *
 * It runs once per frame on the thread that renders, so it is written for speed: each pixel is
 * read as one 32-bit word and luma and chroma are stored a word at a time, for widths that are a
 * multiple of 4 and 4-byte aligned views (every template size); other sizes take a byte-wise
 * path with the same results.
 *
 * @public
 */
export function rgbaToI420(rgba: Uint8Array, width: number, height: number, out: Uint8Array): void {
  if (littleEndian && width % 4 === 0 && rgba.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    rgbaWordsToI420(rgba, width, height, out);
  } else {
    rgbaBytesToI420(rgba, width, height, out);
  }
}

/**
 * The word path, for a width that is a multiple of 4: `words[i]` is pixel i as `0xAABBGGRR`.
 * Each step takes a 4×2 block (two chroma samples), so every store is a whole word as well: four
 * luma bytes per row as one 32-bit store, two chroma bytes per plane as one 16-bit store. The
 * coefficients are those of {@link luma} and of the byte path, so both give identical bytes.
 */
function rgbaWordsToI420(rgba: Uint8Array, width: number, height: number, out: Uint8Array): void {
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  const y32 = new Uint32Array(out.buffer, out.byteOffset, (width * height) >> 2);
  const chromaWidth = width >> 1;
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * (height >> 1);
  const u16 = new Uint16Array(out.buffer, out.byteOffset + uOffset, (chromaWidth * (height >> 1)) >> 1);
  const v16 = new Uint16Array(out.buffer, out.byteOffset + vOffset, (chromaWidth * (height >> 1)) >> 1);
  const quarter = width >> 2;
  let top = 0;
  let yw = 0;
  let cw = 0;
  for (let y = 0; y < height; y += 2) {
    const rowEnd = top + width;
    for (; top < rowEnd; top += 4, yw++, cw++) {
      const bottom = top + width;
      let w = words[top]!;
      let r0 = w & 255, g0 = (w >> 8) & 255, b0 = (w >> 16) & 255;
      let y0 = ((16829 * r0 + 33039 * g0 + 6416 * b0 + 32768) >> 16) + 16;
      w = words[top + 1]!;
      let r1 = w & 255, g1 = (w >> 8) & 255, b1 = (w >> 16) & 255;
      let y1 = ((16829 * r1 + 33039 * g1 + 6416 * b1 + 32768) >> 16) + 16;
      w = words[top + 2]!;
      let r2 = w & 255, g2 = (w >> 8) & 255, b2 = (w >> 16) & 255;
      let y2 = ((16829 * r2 + 33039 * g2 + 6416 * b2 + 32768) >> 16) + 16;
      w = words[top + 3]!;
      let r3 = w & 255, g3 = (w >> 8) & 255, b3 = (w >> 16) & 255;
      let y3 = ((16829 * r3 + 33039 * g3 + 6416 * b3 + 32768) >> 16) + 16;
      y32[yw] = y0 | (y1 << 8) | (y2 << 16) | (y3 << 24);
      let ra = r0 + r1, ga = g0 + g1, ba = b0 + b1;
      let rb = r2 + r3, gb = g2 + g3, bb = b2 + b3;
      w = words[bottom]!;
      r0 = w & 255; g0 = (w >> 8) & 255; b0 = (w >> 16) & 255;
      y0 = ((16829 * r0 + 33039 * g0 + 6416 * b0 + 32768) >> 16) + 16;
      w = words[bottom + 1]!;
      r1 = w & 255; g1 = (w >> 8) & 255; b1 = (w >> 16) & 255;
      y1 = ((16829 * r1 + 33039 * g1 + 6416 * b1 + 32768) >> 16) + 16;
      w = words[bottom + 2]!;
      r2 = w & 255; g2 = (w >> 8) & 255; b2 = (w >> 16) & 255;
      y2 = ((16829 * r2 + 33039 * g2 + 6416 * b2 + 32768) >> 16) + 16;
      w = words[bottom + 3]!;
      r3 = w & 255; g3 = (w >> 8) & 255; b3 = (w >> 16) & 255;
      y3 = ((16829 * r3 + 33039 * g3 + 6416 * b3 + 32768) >> 16) + 16;
      y32[yw + quarter] = y0 | (y1 << 8) | (y2 << 16) | (y3 << 24);
      ra += r0 + r1; ga += g0 + g1; ba += b0 + b1;
      rb += r2 + r3; gb += g2 + g3; bb += b2 + b3;
      u16[cw] = (((-9714 * ra - 19071 * ga + 28784 * ba + 131072) >> 18) + 128) | ((((-9714 * rb - 19071 * gb + 28784 * bb + 131072) >> 18) + 128) << 8);
      v16[cw] = (((28784 * ra - 24103 * ga - 4681 * ba + 131072) >> 18) + 128) | ((((28784 * rb - 24103 * gb - 4681 * bb + 131072) >> 18) + 128) << 8);
    }
    top += width;
    yw += quarter;
  }
}

/** The byte path: any even size, any alignment, either byte order. */
function rgbaBytesToI420(rgba: Uint8Array, width: number, height: number, out: Uint8Array): void {
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
