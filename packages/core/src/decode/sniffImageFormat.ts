import type { SniffedImageFormat } from '../errors/imageDecodeError';

function startsWith(bytes: Uint8Array, offset: number, magic: readonly number[]): boolean {
  if (bytes.byteLength < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) {
    if (bytes[offset + i] !== magic[i]) return false;
  }
  return true;
}

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

const pngMagic = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const jxlContainerMagic = [0, 0, 0, 0x0c, ...ascii('JXL '), 0x0d, 0x0a, 0x87, 0x0a];
const heicBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const avifBrands = new Set(['avif', 'avis']);

/** The major brand of an ISO base media file (`ftyp` box), which names HEIC and AVIF. */
function isoBrand(bytes: Uint8Array): string | undefined {
  if (!startsWith(bytes, 4, ascii('ftyp')) || bytes.byteLength < 12) return undefined;
  return String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!);
}

/**
 * The image format announced by the leading (magic) bytes, or `undefined` when they match
 * none. The file name and any MIME type are never consulted: both are chosen by whoever sent
 * the file, while the magic bytes are what a decoder will actually parse.
 *
 * Formats no decoder accepts (GIF, HEIC, AVIF, TIFF, BMP, JPEG XL) are still named, so that
 * the error can say what the file was (`unsupported-format`) rather than that it is no image
 * at all (`unrecognized`).
 *
 * @public
 */
export function sniffImageFormat(bytes: Uint8Array): SniffedImageFormat | undefined {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, 0, pngMagic)) return 'png';
  if (startsWith(bytes, 0, ascii('RIFF')) && startsWith(bytes, 8, ascii('WEBP'))) return 'webp';
  if (startsWith(bytes, 0, ascii('GIF87a')) || startsWith(bytes, 0, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, 0, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, 0, [0x4d, 0x4d, 0x00, 0x2a])) {
    return 'tiff';
  }
  if (startsWith(bytes, 0, [0xff, 0x0a]) || startsWith(bytes, 0, jxlContainerMagic)) return 'jxl';
  const brand = isoBrand(bytes);
  if (brand !== undefined && heicBrands.has(brand)) return 'heic';
  if (brand !== undefined && avifBrands.has(brand)) return 'avif';
  // 'BM' alone is two bytes that text could start with; the reserved zero words make it firm.
  if (startsWith(bytes, 0, ascii('BM')) && startsWith(bytes, 6, [0, 0, 0, 0])) return 'bmp';
  return undefined;
}
