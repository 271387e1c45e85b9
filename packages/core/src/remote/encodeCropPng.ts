import { zlibSync } from 'fflate';
import { crc32 } from '../decode/crc32';


/**
 * Encode RGBA pixels as a minimal PNG: signature, IHDR, one IDAT, IEND — no text, time, colour
 * profile or any other chunk, so nothing but the pixels leaves the device (P5). The filtered
 * scanlines, a copy of the pixels, are zero-filled before returning; the caller owns (and wipes)
 * the result.
 *
 * @internal
 */
export function encodeCropPng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width * 4;
  const raw = new Uint8Array((stride + 1) * height);
  // Filter type 4 (Paeth) on every row: a photo's neighbouring pixels predict each other well,
  // which shrinks what is sent by about 40 % against no filter (257 → 145 KB for a fixture crop).
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const out = y * (stride + 1);
    raw[out] = 4;
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? rgba[row + x - 4]! : 0;
      const b = y > 0 ? rgba[row - stride + x]! : 0;
      const c = x >= 4 && y > 0 ? rgba[row - stride + x - 4]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      raw[out + 1 + x] = (rgba[row + x]! - predictor) & 0xff;
    }
  }
  const compressed = zlibSync(raw, { level: 6 });
  raw.fill(0);
  const total = 8 + (12 + 13) + (12 + compressed.length) + 12;
  const png = new Uint8Array(total);
  const view = new DataView(png.buffer);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  let at = 8;
  const chunk = (type: string, length: number, fill: (offset: number) => void) => {
    view.setUint32(at, length);
    for (let i = 0; i < 4; i++) png[at + 4 + i] = type.charCodeAt(i);
    fill(at + 8);
    view.setUint32(at + 8 + length, crc32(png, at + 4, at + 8 + length));
    at += 12 + length;
  };
  chunk('IHDR', 13, (o) => {
    view.setUint32(o, width);
    view.setUint32(o + 4, height);
    png[o + 8] = 8; // bit depth
    png[o + 9] = 6; // RGBA
  });
  chunk('IDAT', compressed.length, (o) => png.set(compressed, o));
  compressed.fill(0);
  chunk('IEND', 0, () => undefined);
  return png;
}
