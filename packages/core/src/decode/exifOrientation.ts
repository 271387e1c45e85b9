import { exifBlocks } from './exifBlocks';

/**
 * The eight EXIF orientations (TIFF tag 0x0112). 1 is upright; 2–4 mirror or turn the image
 * in place; 5–8 also swap width and height.
 *
 * @public
 */
export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const orientationTag = 0x0112;
const shortType = 3;

function isOrientation(value: number): value is ExifOrientation {
  return Number.isInteger(value) && value >= 1 && value <= 8;
}

/**
 * Read the Orientation tag from IFD0 of a TIFF structure (the payload of a JPEG `Exif` APP1
 * segment after its six-byte prefix, a PNG `eXIf` chunk, or a WebP `EXIF` chunk).
 *
 * Anything malformed reads as 1 (upright): a broken EXIF block must not make a photo
 * undecodable, and it carries nothing else we use. Only IFD0 is read; the thumbnail's IFD1
 * and every other tag are never touched.
 *
 * @public
 */
export function readTiffOrientation(tiff: Uint8Array): ExifOrientation {
  if (tiff.byteLength < 8) return 1;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  const big = tiff[0] === 0x4d && tiff[1] === 0x4d;
  if (!little && !big) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (view.getUint16(2, little) !== 42) return 1;
  const ifd = view.getUint32(4, little);
  if (ifd < 8 || ifd + 2 > tiff.byteLength) return 1;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.byteLength) return 1;
    if (view.getUint16(entry, little) !== orientationTag) continue;
    const isShort = view.getUint16(entry + 2, little) === shortType;
    if (!isShort || view.getUint32(entry + 4, little) < 1) return 1;
    const value = view.getUint16(entry + 8, little);
    return isOrientation(value) ? value : 1;
  }
  return 1;
}

/**
 * Find the EXIF orientation of a JPEG (APP1 `Exif`), PNG (`eXIf`) or WebP (`EXIF` chunk),
 * reading only the container structure; 1 when there is none or it cannot be read.
 *
 * @public
 */
export function readExifOrientation(
  bytes: Uint8Array,
  format: 'jpeg' | 'png' | 'webp',
): ExifOrientation {
  const first = exifBlocks(bytes, format).next();
  return first.done === true ? 1 : readTiffOrientation(first.value);
}
