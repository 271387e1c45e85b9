import { ImageDecodeError } from '../errors/imageDecodeError';
import { exifBlocks } from './exifBlocks';
import type { PhotoFormat } from './photoHeader';

/**
 * The most directories (IFDs) one EXIF block may hold. A camera writes IFD0, IFD1 (the
 * thumbnail) and the Exif, GPS and Interoperability sub-directories: five; 16 leaves room for
 * any writer while keeping a reader's walk short.
 */
const maxExifDirectories = 16;

/** The tags whose value is the offset of a sub-directory: Exif, GPS, Interoperability. */
const directoryPointerTags = new Set([0x8769, 0x8825, 0xa005]);

/**
 * Why the directories of one EXIF TIFF block would send a reader round in circles, or
 * `undefined`. Walks IFD0, every next-directory link and every sub-directory pointer, once
 * each. Offsets outside the block and cut-off directories are not problems here: readers stop
 * at them.
 */
function directoryLoop(tiff: Uint8Array): string | undefined {
  if (tiff.byteLength < 8) return undefined;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  const big = tiff[0] === 0x4d && tiff[1] === 0x4d;
  if (!little && !big) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (view.getUint16(2, little) !== 42) return undefined;
  const pending = [view.getUint32(4, little)];
  const visited = new Set<number>();
  for (let ifd = pending.pop(); ifd !== undefined; ifd = pending.pop()) {
    // 0 ends a chain; an offset past the end is where readers stop.
    if (ifd === 0 || ifd + 2 > tiff.byteLength) continue;
    if (visited.has(ifd)) return 'Its EXIF directories point back at one another';
    visited.add(ifd);
    if (visited.size > maxExifDirectories) return `Its EXIF block holds more than ${maxExifDirectories} directories`;
    const count = view.getUint16(ifd, little);
    const whole = Math.min(count, Math.floor((tiff.byteLength - ifd - 2) / 12));
    for (let i = 0; i < whole; i++) {
      const entry = ifd + 2 + i * 12;
      if (directoryPointerTags.has(view.getUint16(entry, little))) pending.push(view.getUint32(entry + 8, little));
    }
    const next = ifd + 2 + count * 12;
    if (next + 4 <= tiff.byteLength) pending.push(view.getUint32(next, little));
  }
  return undefined;
}

/**
 * Refuse a photo whose EXIF directories loop (a directory reached twice, through next links or
 * sub-directory pointers) or are too many (over 16 in one block), checking every EXIF block in
 * the file. libexif, which sharp's libvips runs on every JPEG, PNG and WebP it loads, follows
 * such pointers over and over: a 700-byte PNG whose IFD0 points back at itself up to 40 times held
 * it for 3 to 46 seconds. No camera or editor writes either; both are corrupt.
 *
 * @throws `ImageDecodeError('corrupt')`.
 * @internal
 */
export function checkExifDirectories(bytes: Uint8Array, format: PhotoFormat): void {
  for (const tiff of exifBlocks(bytes, format)) {
    const problem = directoryLoop(tiff);
    if (problem !== undefined) throw new ImageDecodeError('corrupt', format, { detail: problem });
  }
}
