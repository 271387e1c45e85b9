import type { DecodeLimits } from '../ports/imageDecoder';
import { ImageDecodeError } from '../errors/imageDecodeError';
import { ImageTooLargeError } from '../errors/imageTooLargeError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { sniffImageFormat } from './sniffImageFormat';

/**
 * The photo formats the sandboxed codecs decode.
 *
 * @public
 */
export type PhotoFormat = 'jpeg' | 'png' | 'webp';

/**
 * What a photo's container header says, read without decoding a pixel: stored size (before
 * EXIF orientation) and, for JPEG, the number of colour components (4 means CMYK or YCCK).
 *
 * @public
 */
export interface PhotoHeader {
  readonly format: PhotoFormat;
  readonly width: number;
  readonly height: number;
  /** JPEG only: colour components in the frame header (1 gray, 3 colour, 4 CMYK/YCCK). */
  readonly components?: number;
}

/**
 * The limits used where a caller sets none, as documented on `DecodeLimits`.
 *
 * 20 megapixels, from measured peaks (`pnpm bench photoMemory`, docs/reliability.md): a whole
 * `vopop generate` takes about 290 MiB plus 9–14 MiB per megapixel (the wasm decoder's heap and
 * the RGBA copy taken out of it; more for progressive JPEGs, whose coefficients the decoder
 * keeps whole, and for EXIF-rotated ones, which need an upright copy). At 25 MP a progressive
 * JPEG stored sideways reached 647 MiB, at 40 MP a plain one 648 and a progressive one 767; 20 MP
 * keeps every kind within the 600 MiB goal. It refuses a 24 MP phone photo (5712×4284), which
 * peaked at 588 MiB as a plain JPEG: raising the limit needs a decoder that does not hold the
 * wasm heap and a full copy at once.
 *
 * @public
 */
export const photoDecodeLimits: Readonly<Required<DecodeLimits>> = Object.freeze({
  maxPixels: 20_000_000,
  maxBytes: 50_000_000,
  maxDimension: 16_384,
});

const u16be = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number): number =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

function matches(b: Uint8Array, at: number, magic: string | readonly number[]): boolean {
  const codes = typeof magic === 'string' ? Array.from(magic, (c) => c.charCodeAt(0)) : magic;
  if (b.byteLength < at + codes.length) return false;
  return codes.every((code, i) => b[at + i] === code);
}

/**
 * JPEG, PNG or WebP from the magic bytes alone, else `undefined` (also for the formats that
 * {@link sniffImageFormat} names but no decoder accepts). File names and MIME types are never
 * consulted: the bytes are what the decoder parses.
 *
 * @public
 */
export function sniffPhotoFormat(bytes: Uint8Array): PhotoFormat | undefined {
  const format = sniffImageFormat(bytes);
  return format === 'jpeg' || format === 'png' || format === 'webp' ? format : undefined;
}

const truncated = (format: PhotoFormat): ImageDecodeError =>
  new ImageDecodeError('truncated', format, { detail: 'The file ends inside its header' });
const corrupt = (format: PhotoFormat, detail: string): ImageDecodeError =>
  new ImageDecodeError('corrupt', format, { detail });

function sized(format: PhotoFormat, width: number, height: number, components?: number): PhotoHeader {
  if (width <= 0 || height <= 0) throw corrupt(format, 'The header declares an empty image');
  return components === undefined ? { format, width, height } : { format, width, height, components };
}

/** SOF0–SOF15 carry the frame size; C4 (DHT), C8 (reserved) and CC (DAC) share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Where the JPEG frame header (its SOFn marker) starts: the segments before it are skipped by length. */
function jpegFrameAt(b: Uint8Array): number {
  let at = 2;
  for (;;) {
    if (at + 2 > b.byteLength) throw truncated('jpeg');
    if (b[at] !== 0xff) {
      // Stray bytes between segments: libjpeg warns and skips to the next marker; so do we.
      at = b.indexOf(0xff, at);
      if (at < 0) throw truncated('jpeg');
      continue;
    }
    const marker = b[at + 1]!;
    // Fill bytes: any number of 0xFF may precede a marker.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    // Standalone markers (TEM, RSTn) carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) {
      throw corrupt('jpeg', 'The JPEG image data starts before its frame header');
    }
    if (at + 4 > b.byteLength) throw truncated('jpeg');
    const length = u16be(b, at + 2);
    if (length < 2) throw corrupt('jpeg', 'A JPEG segment has an invalid length');
    if (isStartOfFrame(marker)) return at;
    at += 2 + length;
  }
}

function jpegHeader(b: Uint8Array): PhotoHeader {
  const at = jpegFrameAt(b);
  if (at + 9 > b.byteLength) throw truncated('jpeg');
  // The size alone decides the limits, as for PNG; a file cut off right after it is still
  // refused, as truncated, by `photoEndsEarly` or the decoder. A zero height means "defined
  // later by a DNL marker", which libjpeg does not support.
  const components = at + 10 <= b.byteLength ? b[at + 9] : undefined;
  return sized('jpeg', u16be(b, at + 7), u16be(b, at + 5), components);
}

function pngHeader(b: Uint8Array): PhotoHeader {
  if (b.byteLength < 24) throw truncated('png');
  if (!matches(b, 12, 'IHDR')) throw corrupt('png', 'The PNG does not start with its IHDR chunk');
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  if (width > 0x7fffffff || height > 0x7fffffff) throw corrupt('png', 'The PNG size is invalid');
  return sized('png', width, height);
}

function webpHeader(b: Uint8Array): PhotoHeader {
  if (b.byteLength < 20) throw truncated('webp');
  const data = 20;
  if (matches(b, 12, 'VP8 ')) {
    if (b.byteLength < data + 10) throw truncated('webp');
    if (!matches(b, data + 3, [0x9d, 0x01, 0x2a])) {
      throw corrupt('webp', 'The lossy WebP frame header is invalid');
    }
    return sized('webp', u16le(b, data + 6) & 0x3fff, u16le(b, data + 8) & 0x3fff);
  }
  if (matches(b, 12, 'VP8L')) {
    if (b.byteLength < data + 5) throw truncated('webp');
    if (b[data] !== 0x2f) throw corrupt('webp', 'The lossless WebP header is invalid');
    const bits = u32le(b, data + 1);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (matches(b, 12, 'VP8X')) {
    if (b.byteLength < data + 10) throw truncated('webp');
    if ((b[data]! & 0x02) !== 0) {
      throw new ImageDecodeError('unsupported-format', 'webp', {
        detail: 'Animated WebP images are not supported',
      });
    }
    return sized('webp', u24le(b, data + 4) + 1, u24le(b, data + 7) + 1);
  }
  throw corrupt('webp', 'The WebP file has no image chunk where one is required');
}

/** The photo format of `bytes`, or the typed error that says why there is none. */
function photoFormatOf(bytes: Uint8Array): PhotoFormat {
  if (bytes.byteLength === 0) throw new ImageDecodeError('empty');
  const format = sniffImageFormat(bytes);
  if (format === undefined) throw new ImageDecodeError('unrecognized');
  if (format !== 'jpeg' && format !== 'png' && format !== 'webp') {
    throw new ImageDecodeError('unsupported-format', format);
  }
  return format;
}

/**
 * Sniff the format and read the stored size from the container header, touching only the
 * first bytes (JPEG metadata segments are skipped by length). This is what lets limits be
 * enforced before a decoder allocates anything.
 *
 * @param format - The format already sniffed, if any: the bytes are then read as that format,
 *   without sniffing them again.
 * @throws `ImageDecodeError`: `empty`; `unrecognized` for bytes that are no image;
 *   `unsupported-format` naming the format for GIF, HEIC, AVIF, TIFF, BMP and JPEG XL, and for
 *   an animated WebP; `truncated` or `corrupt` for a header cut short or invalid.
 * @public
 */
export function readPhotoHeader(bytes: Uint8Array, format?: PhotoFormat): PhotoHeader {
  switch (format ?? photoFormatOf(bytes)) {
    case 'jpeg':
      return jpegHeader(bytes);
    case 'png':
      return pngHeader(bytes);
    case 'webp':
      return webpHeader(bytes);
  }
}

function checked(name: keyof DecodeLimits, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`limits.${name} must be a positive integer.`);
  }
  return value;
}

/**
 * Merge limits field by field, each layer over the ones before it and all over
 * {@link photoDecodeLimits} (a decoder passes its own limits, then the call's), rejecting
 * values that are not positive integers with `InvalidArgumentError`.
 *
 * @internal Used by the platform adapters to build their ports; not part of the app API.
 */
export function resolvePhotoLimits(
  ...layers: readonly (DecodeLimits | undefined)[]
): Required<DecodeLimits> {
  // A fresh object: the defaults are frozen and shared.
  let resolved: Required<DecodeLimits> = { ...photoDecodeLimits };
  for (const layer of layers) {
    if (layer === undefined) continue;
    resolved = {
      maxPixels: checked('maxPixels', layer.maxPixels, resolved.maxPixels),
      maxBytes: checked('maxBytes', layer.maxBytes, resolved.maxBytes),
      maxDimension: checked('maxDimension', layer.maxDimension, resolved.maxDimension),
    };
  }
  return resolved;
}

/**
 * Throws `ImageTooLargeError` when the file size, the longer side or the pixel count is over
 * a limit. Called with header values only, before any pixel buffer exists.
 *
 * @internal Used by the platform adapters to build their ports; not part of the app API.
 */
export function checkPhotoLimits(
  byteLength: number,
  width: number,
  height: number,
  limits: Required<DecodeLimits>,
): void {
  if (byteLength > limits.maxBytes) throw new ImageTooLargeError('bytes', byteLength, limits.maxBytes);
  const longer = Math.max(width, height);
  if (longer > limits.maxDimension) {
    throw new ImageTooLargeError('dimension', longer, limits.maxDimension, width, height);
  }
  if (width * height > limits.maxPixels) {
    throw new ImageTooLargeError('pixels', width * height, limits.maxPixels, width, height);
  }
}

/**
 * Where a JPEG's first scan (its SOS marker) starts, the metadata segments before it skipped by
 * length (an EXIF thumbnail holds markers of its own); at or past the end when there is none.
 */
function jpegFirstScanAt(bytes: Uint8Array): number {
  let at = 2;
  while (at + 4 <= bytes.byteLength) {
    if (bytes[at] !== 0xff) {
      at = bytes.indexOf(0xff, at);
      if (at < 0) return bytes.byteLength;
      continue;
    }
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xda) return at;
    at += 2 + u16be(bytes, at + 2);
  }
  return at;
}

function pngEndsEarly(b: Uint8Array): boolean {
  let at = 8;
  while (at + 8 <= b.byteLength) {
    const length = u32be(b, at);
    const end = matches(b, at + 4, 'IEND');
    at += 12 + length;
    if (at > b.byteLength) return true;
    if (end) return false;
  }
  return true;
}

/**
 * Whether the container stops before the image does: no PNG `IEND` chunk, no JPEG
 * end-of-image marker after the first scan, or a WebP shorter than its RIFF size. The C
 * decoders fill a cut-off JPEG or WebP with grey and only warn, and a decoder that did fail
 * does not say why; either way a photo cut in half must fail as `truncated` (download it
 * again), not as `corrupt`.
 *
 * @internal Used by the platform adapters to build their ports; not part of the app API.
 */
export function photoEndsEarly(bytes: Uint8Array, format: PhotoFormat): boolean {
  if (format === 'png') return pngEndsEarly(bytes);
  if (format === 'webp') return bytes.byteLength < 8 || bytes.byteLength < u32le(bytes, 4) + 8;
  // From the first scan on, 0xFF is byte-stuffed, so the first FF D9 is the real end, even
  // when a motion photo appends a video.
  let at = bytes.indexOf(0xff, jpegFirstScanAt(bytes) + 2);
  while (at >= 0 && at + 1 < bytes.byteLength) {
    if (bytes[at + 1] === 0xd9) return false;
    at = bytes.indexOf(0xff, at + 1);
  }
  return true;
}

/**
 * Pixels per byte of scan data beyond which a JPEG cannot be complete. A Huffman-coded scan
 * spends at least one bit on every 8×8 block of its full-resolution component (a DC code in a
 * baseline or a progressive first scan; a code length is never below one bit), so a complete
 * image holds at least `pixels / 512` bytes after its first SOS marker. The bound is 8× below
 * that: no real photo is refused, while a file whose frame header declares megapixels over a
 * few hundred bytes of data (which libjpeg would fill with grey, spending seconds and the whole
 * pixel allocation on it) is.
 */
const maxPixelsPerJpegScanByte = 4096;

/** SOF9–SOF11 and SOF13–SOF15 announce arithmetic coding, which has no per-block minimum in bits. */
function isArithmeticFrame(marker: number): boolean {
  return marker >= 0xc9 && marker !== 0xcc;
}

/**
 * Whether a photo is far too short to hold the image its header declares, so that it cannot be
 * complete: a Huffman-coded JPEG with less than one byte of scan data (from its first SOS marker
 * on) per 4096 declared pixels, 8× below the least any complete one holds. Refusing it before
 * decoding keeps a 1 KB file that declares 20 megapixels from costing seconds of decoding and
 * the full pixel buffer. Arithmetic-coded JPEGs, PNG and WebP are never refused here: their
 * coders can spend far less than a bit on a flat block (a solid-colour lossless WebP is a few
 * dozen bytes at any size), and the PNG decoders fail at once on a short zlib stream.
 *
 * @param header - What {@link readPhotoHeader} read from `bytes`.
 * @internal
 */
export function photoTooShortForSize(bytes: Uint8Array, header: PhotoHeader): boolean {
  if (header.format !== 'jpeg') return false;
  const pixels = header.width * header.height;
  const scanBytes = Math.max(0, bytes.byteLength - jpegFirstScanAt(bytes));
  if (scanBytes * maxPixelsPerJpegScanByte >= pixels) return false;
  return !isArithmeticFrame(bytes[jpegFrameAt(bytes) + 1]!);
}
