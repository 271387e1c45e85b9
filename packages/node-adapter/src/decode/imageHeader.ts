import { ImageDecodeError } from '@vopop/core';
import type { DecodableImageFormat } from './sniffImageFormat';

/**
 * What the container header says about an image, read without decoding any pixel data.
 * Width and height are as stored, before EXIF orientation (which may swap them).
 *
 * @public
 */
export interface ImageHeader {
  readonly format: DecodableImageFormat;
  readonly width: number;
  readonly height: number;
}

const u16be = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number): number =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const fourcc = (b: Uint8Array, at: number): string =>
  String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

function truncated(format: DecodableImageFormat): ImageDecodeError {
  return new ImageDecodeError('truncated', format, { detail: 'The file ends inside its header' });
}

function corrupt(format: DecodableImageFormat, detail: string): ImageDecodeError {
  return new ImageDecodeError('corrupt', format, { detail });
}

function sized(format: DecodableImageFormat, width: number, height: number): ImageHeader {
  if (width <= 0 || height <= 0) throw corrupt(format, 'The header declares an empty image');
  return { format, width, height };
}

/** SOF0–SOF15 carry the frame size; C4 (DHT), C8 (reserved) and CC (DAC) share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpeg(b: Uint8Array): ImageHeader {
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
    if (isStartOfFrame(marker)) {
      if (at + 9 > b.byteLength) throw truncated('jpeg');
      // A zero height means "defined later by a DNL marker", which libjpeg does not support.
      return sized('jpeg', u16be(b, at + 7), u16be(b, at + 5));
    }
    at += 2 + length;
  }
}

function readPng(b: Uint8Array): ImageHeader {
  if (b.byteLength < 24) throw truncated('png');
  if (fourcc(b, 12) !== 'IHDR') throw corrupt('png', 'The PNG does not start with its IHDR chunk');
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  if (width > 0x7fffffff || height > 0x7fffffff) throw corrupt('png', 'The PNG size is invalid');
  return sized('png', width, height);
}

function readWebp(b: Uint8Array): ImageHeader {
  if (b.byteLength < 20) throw truncated('webp');
  const chunk = fourcc(b, 12);
  const data = 20;
  if (chunk === 'VP8 ') {
    if (b.byteLength < data + 10) throw truncated('webp');
    if (b[data + 3] !== 0x9d || b[data + 4] !== 0x01 || b[data + 5] !== 0x2a) {
      throw corrupt('webp', 'The lossy WebP frame header is invalid');
    }
    return sized('webp', u16le(b, data + 6) & 0x3fff, u16le(b, data + 8) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b.byteLength < data + 5) throw truncated('webp');
    if (b[data] !== 0x2f) throw corrupt('webp', 'The lossless WebP header is invalid');
    const bits = u32le(b, data + 1);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
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

/**
 * Read width and height from the container header of a JPEG, PNG or WebP, touching only the
 * first few hundred bytes (a JPEG's metadata segments are skipped by length, not parsed).
 * This is what lets size limits be enforced before a decoder allocates anything.
 *
 * Throws `ImageDecodeError` when the header itself is truncated or invalid, and for animated
 * WebP (`unsupported-format`).
 *
 * @public
 */
export function readImageHeader(bytes: Uint8Array, format: DecodableImageFormat): ImageHeader {
  switch (format) {
    case 'jpeg':
      return readJpeg(bytes);
    case 'png':
      return readPng(bytes);
    case 'webp':
      return readWebp(bytes);
  }
}

function pngEndsEarly(b: Uint8Array): boolean {
  let at = 8;
  while (at + 8 <= b.byteLength) {
    const length = u32be(b, at);
    const type = fourcc(b, at + 4);
    at += 12 + length;
    if (at > b.byteLength) return true;
    if (type === 'IEND') return false;
  }
  return true;
}

function jpegEndsEarly(b: Uint8Array): boolean {
  // Skip the metadata segments by length: an EXIF thumbnail is a whole JPEG, end marker
  // included. From the first scan on, 0xFF is byte-stuffed inside entropy-coded data, so the
  // first FF D9 there is the real end of image, even when a motion photo appends a video.
  let at = 2;
  while (at + 4 <= b.byteLength) {
    const marker = b[at + 1]!;
    if (b[at] !== 0xff) {
      at = b.indexOf(0xff, at);
      if (at < 0) return true;
      continue;
    }
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xda) break;
    at += 2 + u16be(b, at + 2);
  }
  at = b.indexOf(0xff, at + 2);
  while (at >= 0 && at + 1 < b.byteLength) {
    if (b[at + 1] === 0xd9) return false;
    at = b.indexOf(0xff, at + 1);
  }
  return true;
}

/**
 * Whether the container structure stops before the image ends: no PNG `IEND`, no JPEG end of
 * image, a WebP shorter than its RIFF size. Used after a decoder failed, to tell a truncated
 * file (download again) from a corrupt one.
 *
 * @internal
 */
export function endsEarly(bytes: Uint8Array, format: DecodableImageFormat): boolean {
  switch (format) {
    case 'jpeg':
      return jpegEndsEarly(bytes);
    case 'png':
      return pngEndsEarly(bytes);
    case 'webp':
      return bytes.byteLength < 8 || bytes.byteLength < u32le(bytes, 4) + 8;
  }
}
