import type { PhotoFormat } from './photoHeader';

const exifPrefix = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

function hasExifPrefix(bytes: Uint8Array, at: number): boolean {
  if (at + exifPrefix.length > bytes.byteLength) return false;
  return exifPrefix.every((byte, i) => bytes[at + i] === byte);
}

function* jpegExifBlocks(b: Uint8Array): Generator<Uint8Array> {
  let at = 2;
  while (at + 4 <= b.byteLength) {
    if (b[at] !== 0xff) return;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    // EXIF blocks sit among the metadata segments before the first scan.
    if (marker === 0xda || marker === 0xd9) return;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (length < 2) return;
    const end = Math.min(b.byteLength, at + 2 + length);
    if (marker === 0xe1 && hasExifPrefix(b, at + 4)) yield b.subarray(at + 10, end);
    at += 2 + length;
  }
}

function* pngExifBlocks(b: Uint8Array): Generator<Uint8Array> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  while (at + 8 <= b.byteLength) {
    const length = view.getUint32(at);
    const type = view.getUint32(at + 4);
    const end = at + 8 + length;
    if (end > b.byteLength) return;
    if (type === 0x65584966 /* eXIf */) yield b.subarray(at + 8, end);
    if (type === 0x49454e44 /* IEND */) return;
    at = end + 4;
  }
}

function* webpExifBlocks(b: Uint8Array): Generator<Uint8Array> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 12;
  while (at + 8 <= b.byteLength) {
    const type = view.getUint32(at);
    const length = view.getUint32(at + 4, true);
    const end = Math.min(b.byteLength, at + 8 + length);
    if (type === 0x45584946 /* EXIF */) {
      // Some writers keep the JPEG-style "Exif\0\0" prefix inside the chunk.
      yield b.subarray(hasExifPrefix(b, at + 8) ? at + 14 : at + 8, end);
    }
    // Chunks are padded to an even length.
    at += 8 + length + (length & 1);
  }
}

/**
 * The TIFF structure of every EXIF block in a JPEG (APP1 `Exif`), PNG (`eXIf`) or WebP (`EXIF`
 * chunk), in file order, found by walking the container's segments or chunks only. Views into
 * `bytes`, nothing copied. A file may hold several (a decoder may read any of them), so checks
 * look at all; the orientation comes from the first.
 *
 * @internal
 */
export function exifBlocks(bytes: Uint8Array, format: PhotoFormat): Generator<Uint8Array> {
  switch (format) {
    case 'jpeg':
      return jpegExifBlocks(bytes);
    case 'png':
      return pngExifBlocks(bytes);
    case 'webp':
      return webpExifBlocks(bytes);
  }
}
