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

const exifPrefix = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

function hasExifPrefix(bytes: Uint8Array, at: number): boolean {
  if (at + exifPrefix.length > bytes.byteLength) return false;
  return exifPrefix.every((byte, i) => bytes[at + i] === byte);
}

function jpegOrientation(b: Uint8Array): ExifOrientation {
  let at = 2;
  while (at + 4 <= b.byteLength) {
    if (b[at] !== 0xff) return 1;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    // The EXIF block sits among the metadata segments before the first scan.
    if (marker === 0xda || marker === 0xd9) return 1;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (length < 2) return 1;
    const end = Math.min(b.byteLength, at + 2 + length);
    if (marker === 0xe1 && hasExifPrefix(b, at + 4)) {
      return readTiffOrientation(b.subarray(at + 10, end));
    }
    at += 2 + length;
  }
  return 1;
}

function pngOrientation(b: Uint8Array): ExifOrientation {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  while (at + 8 <= b.byteLength) {
    const length = view.getUint32(at);
    const type = view.getUint32(at + 4);
    const end = at + 8 + length;
    if (end > b.byteLength) return 1;
    if (type === 0x65584966 /* eXIf */) return readTiffOrientation(b.subarray(at + 8, end));
    if (type === 0x49454e44 /* IEND */) return 1;
    at = end + 4;
  }
  return 1;
}

function webpOrientation(b: Uint8Array): ExifOrientation {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 12;
  while (at + 8 <= b.byteLength) {
    const type = view.getUint32(at);
    const length = view.getUint32(at + 4, true);
    const end = Math.min(b.byteLength, at + 8 + length);
    if (type === 0x45584946 /* EXIF */) {
      // Some writers keep the JPEG-style "Exif\0\0" prefix inside the chunk.
      const start = hasExifPrefix(b, at + 8) ? at + 14 : at + 8;
      return readTiffOrientation(b.subarray(start, end));
    }
    // Chunks are padded to an even length.
    at += 8 + length + (length & 1);
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
  switch (format) {
    case 'jpeg':
      return jpegOrientation(bytes);
    case 'png':
      return pngOrientation(bytes);
    case 'webp':
      return webpOrientation(bytes);
  }
}
