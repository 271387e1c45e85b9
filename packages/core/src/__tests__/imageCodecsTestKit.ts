/**
 * Test helpers for the image codecs: a small PNG writer that can produce every colour type,
 * bit depth, filter and interlace (so the decoder is checked against sharp on inputs no
 * ordinary encoder emits), an EXIF block with one Orientation tag, and the compiled codecs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { EphemeralScope, compilePhotoCodecModules, preparePhotoDecode } from '../index';
import type { PhotoCodecModules } from '../index';

export interface PngSpec {
  readonly width: number;
  readonly height: number;
  readonly colourType: 0 | 2 | 3 | 4 | 6;
  readonly depth: 1 | 2 | 4 | 8 | 16;
  readonly interlace?: boolean;
  /** Samples, `width * height * channels`, each below 2^depth. */
  readonly samples: Uint16Array;
  readonly palette?: Uint8Array;
  readonly transparency?: Uint8Array;
  readonly exif?: Uint8Array;
  /** Extra ancillary chunks, written before IDAT (e.g. a tEXt). */
  readonly extra?: readonly { readonly type: string; readonly data: Uint8Array }[];
}

export const channelsOf = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

const adam7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.byteLength, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function filterRow(kind: number, raw: Uint8Array, prior: Uint8Array | undefined, bpp: number): Uint8Array {
  const out = new Uint8Array(raw.byteLength + 1);
  out[0] = kind;
  for (let i = 0; i < raw.byteLength; i++) {
    const a = i >= bpp ? raw[i - bpp]! : 0;
    const b = prior ? prior[i]! : 0;
    const c = i >= bpp && prior ? prior[i - bpp]! : 0;
    let predicted = 0;
    if (kind === 1) predicted = a;
    else if (kind === 2) predicted = b;
    else if (kind === 3) predicted = (a + b) >> 1;
    else if (kind === 4) {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out[i + 1] = (raw[i]! - predicted) & 0xff;
  }
  return out;
}

/** Write a PNG; rows cycle through all five filter types. */
export function encodePng(spec: PngSpec): Uint8Array {
  const { width, height, colourType, depth, samples } = spec;
  const channels = channelsOf[colourType];
  const bitsPerPixel = channels * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const passes = spec.interlace ? adam7 : ([[0, 0, 1, 1]] as const);
  const lines: Uint8Array[] = [];
  let rowCounter = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    let prior: Uint8Array | undefined;
    for (let r = 0; r < ph; r++) {
      const y = y0 + r * dy;
      const raw = new Uint8Array(Math.ceil((pw * bitsPerPixel) / 8));
      let bit = 0;
      for (let c = 0; c < pw; c++) {
        const x = x0 + c * dx;
        for (let k = 0; k < channels; k++) {
          const v = samples[(y * width + x) * channels + k]!;
          if (depth === 16) {
            raw[bit >> 3] = v >> 8;
            raw[(bit >> 3) + 1] = v & 0xff;
          } else if (depth === 8) {
            raw[bit >> 3] = v;
          } else {
            raw[bit >> 3]! |= v << (8 - depth - (bit & 7));
          }
          bit += depth;
        }
      }
      lines.push(filterRow(rowCounter++ % 5, raw, prior, bpp));
      prior = raw;
    }
  }
  const zlib = deflateSync(Buffer.concat(lines));
  const half = zlib.byteLength >> 1;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colourType;
  ihdr[12] = spec.interlace ? 1 : 0;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (spec.exif) parts.push(chunk('eXIf', spec.exif));
  for (const extra of spec.extra ?? []) parts.push(chunk(extra.type, extra.data));
  if (spec.palette) parts.push(chunk('PLTE', spec.palette));
  if (spec.transparency) parts.push(chunk('tRNS', spec.transparency));
  // Two IDAT chunks: the decoder must join them.
  parts.push(chunk('IDAT', zlib.subarray(0, half)), chunk('IDAT', zlib.subarray(half)));
  parts.push(chunk('IEND', new Uint8Array(0)));
  return new Uint8Array(Buffer.concat(parts));
}

/** A TIFF block (little- or big-endian) holding IFD0 with one Orientation tag. */
export function exifWithOrientation(orientation: number, littleEndian = true): Uint8Array {
  const b = Buffer.alloc(26);
  const u16 = (v: number, at: number) => (littleEndian ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (littleEndian ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  b.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(1, 8);
  u16(0x0112, 10);
  u16(3, 12);
  u32(1, 14);
  u16(orientation, 18);
  u32(0, 22);
  return new Uint8Array(b);
}

/** sharp's decode, the reference: upright sRGB RGBA8, as NodeImageDecoder configures it. */
export async function sharpRgba(bytes: Uint8Array): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(bytes)
    .autoOrient()
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/** Mean and largest absolute difference between two equally long byte arrays. */
export function difference(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  if (a.byteLength !== b.byteLength) throw new Error(`length ${a.byteLength} ≠ ${b.byteLength}`);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.byteLength; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.byteLength, max };
}

let modules: Promise<PhotoCodecModules> | undefined;

/** Compile the jSquash decoders from core's node_modules once per test file, as adapters do. */
export function codecModules(): Promise<PhotoCodecModules> {
  const require = createRequire(import.meta.url);
  modules ??= compilePhotoCodecModules({
    jpeg: readFileSync(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm')),
    webp: readFileSync(require.resolve('@jsquash/webp/codec/dec/webp_dec.wasm')),
  });
  return modules;
}

/** A deterministic pseudo-random generator (xorshift32), so failures reproduce. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

/**
 * Run the shared pre-decode checks (`preparePhotoDecode`) on `bytes` in a scope of their own,
 * purged afterwards: the error they throw, or `undefined` when the photo may be decoded.
 */
export function preparePhotoDecodeError(bytes: Uint8Array): unknown {
  const scope = new EphemeralScope({ label: 'pre-decode' });
  try {
    preparePhotoDecode(bytes, scope, undefined);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    scope.purge();
  }
}
