import { unzlibSync } from 'fflate';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { ImageDecodeError } from '../errors/imageDecodeError';
import type { DecodeLimits } from '../ports/imageDecoder';
import type { RgbaImage } from '../ports/rgbaImage';
import { readTiffOrientation } from './exifOrientation';
import type { ExifOrientation } from './exifOrientation';
import { orientedSize, orientRgba } from './orientRgba';
import { checkPhotoLimits, resolvePhotoLimits, sniffPhotoFormat } from './photoHeader';
import { crc32 } from './crc32';

/**
 * How to call {@link decodePng}.
 *
 * @public
 */
export interface PngDecodeOptions {
  /** Size limits, checked from IHDR before anything is allocated. */
  readonly limits?: DecodeLimits;
  /** Label of the pixels handle in receipts. Default `'photo.pixels'`. */
  readonly label?: string;
  /** Checked before decoding starts (the decode itself is synchronous). */
  readonly signal?: AbortSignal;
}

interface Chunk {
  readonly type: number;
  readonly data: Uint8Array;
}

interface Ihdr {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colourType: number;
  readonly interlaced: boolean;
}

const IHDR = 0x49484452;
const PLTE = 0x504c5445;
const IDAT = 0x49444154;
const IEND = 0x49454e44;
const tRNS = 0x74524e53;
const eXIf = 0x65584966;

/** Bit 5 of a chunk type's first letter: clear (upper case) means critical. */
const isCritical = (type: number): boolean => (type & 0x20000000) === 0;

const channelsOf: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const depthsOf: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** Adam7: [x0, y0, dx, dy] per pass; a plain image is one pass of [0, 0, 1, 1]. */
const adam7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;
const progressive = [[0, 0, 1, 1]] as const;


const corrupt = (detail: string, cause?: unknown): ImageDecodeError =>
  new ImageDecodeError('corrupt', 'png', cause === undefined ? { detail } : { detail, cause });
const truncated = (detail: string): ImageDecodeError =>
  new ImageDecodeError('truncated', 'png', { detail });

/**
 * Split the file into chunks, checking CRCs: a bad critical chunk fails, a bad ancillary one
 * is dropped (as libpng does).
 */
function readChunks(bytes: Uint8Array): Chunk[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  let at = 8;
  for (;;) {
    if (at + 8 > bytes.byteLength) throw truncated('The PNG ends before its IEND chunk');
    const length = view.getUint32(at);
    const type = view.getUint32(at + 4);
    if (length > 0x7fffffff) throw corrupt('A PNG chunk has an invalid length');
    const end = at + 8 + length;
    if (end + 4 > bytes.byteLength) throw truncated('The PNG ends inside a chunk');
    const critical = isCritical(type);
    if (crc32(bytes, at + 4, end) !== view.getUint32(end)) {
      if (critical) throw corrupt('A PNG chunk fails its CRC check');
    } else {
      chunks.push({ type, data: bytes.subarray(at + 8, end) });
    }
    at = end + 4;
    if (type === IEND) return chunks;
    if (chunks.length === 1 && chunks[0]!.type !== IHDR) {
      throw corrupt('The PNG does not start with its IHDR chunk');
    }
  }
}

function parseIhdr(chunk: Chunk | undefined): Ihdr {
  if (chunk === undefined || chunk.type !== IHDR || chunk.data.byteLength !== 13) {
    throw corrupt('The PNG header (IHDR) is missing or invalid');
  }
  const d = chunk.data;
  const view = new DataView(d.buffer, d.byteOffset, 13);
  const ihdr: Ihdr = {
    width: view.getUint32(0),
    height: view.getUint32(4),
    depth: d[8]!,
    colourType: d[9]!,
    interlaced: d[12] === 1,
  };
  if (ihdr.width === 0 || ihdr.height === 0 || ihdr.width > 0x7fffffff || ihdr.height > 0x7fffffff) {
    throw corrupt('The PNG header declares an invalid size');
  }
  if (!(depthsOf[ihdr.colourType] ?? []).includes(ihdr.depth)) {
    throw corrupt('The PNG header declares an invalid colour type or bit depth');
  }
  if (d[10] !== 0 || d[11] !== 0 || d[12]! > 1) {
    throw corrupt('The PNG header declares an unknown compression, filter or interlace method');
  }
  return ihdr;
}

/** Undo the five scanline filters in place; each row's predecessor is already unfiltered. */
function unfilter(data: Uint8Array, start: number, rows: number, rowBytes: number, bpp: number): void {
  const stride = rowBytes + 1;
  for (let r = 0; r < rows; r++) {
    const rowStart = start + r * stride;
    const line = rowStart + 1;
    const prev = r === 0 ? -1 : line - stride;
    switch (data[rowStart]) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < rowBytes; i++) data[line + i] = data[line + i]! + data[line + i - bpp]!;
        break;
      case 2:
        if (prev < 0) break;
        for (let i = 0; i < rowBytes; i++) data[line + i] = data[line + i]! + data[prev + i]!;
        break;
      case 3:
        for (let i = 0; i < rowBytes; i++) {
          const left = i >= bpp ? data[line + i - bpp]! : 0;
          const up = prev >= 0 ? data[prev + i]! : 0;
          data[line + i] = data[line + i]! + ((left + up) >> 1);
        }
        break;
      case 4:
        for (let i = 0; i < rowBytes; i++) {
          const a = i >= bpp ? data[line + i - bpp]! : 0;
          const b = prev >= 0 ? data[prev + i]! : 0;
          const c = i >= bpp && prev >= 0 ? data[prev + i - bpp]! : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          data[line + i] = data[line + i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        throw corrupt('A PNG scanline has an unknown filter type');
    }
  }
}

interface Expander {
  readonly ihdr: Ihdr;
  readonly palette: Uint8Array | undefined;
  readonly transparency: Uint8Array | undefined;
}

/** Convert one pass of unfiltered scanlines to RGBA8 at the pass's positions in `out`. */
function expandPass(
  data: Uint8Array,
  start: number,
  pass: readonly [number, number, number, number],
  passWidth: number,
  passHeight: number,
  rowBytes: number,
  { ihdr, palette, transparency }: Expander,
  out: Uint8Array,
): void {
  const { width, depth, colourType } = ihdr;
  const channels = channelsOf[colourType]!;
  const [x0, y0, dx, dy] = pass;
  const maxSample = (1 << depth) - 1;
  const scale = depth < 8 ? 255 / maxSample : 1;
  // tRNS for gray/RGB holds 16-bit samples, compared at the image's own depth.
  let keyGray = -1;
  let keyR = -1;
  let keyG = -1;
  let keyB = -1;
  if (transparency !== undefined && colourType === 0 && transparency.byteLength >= 2) {
    keyGray = ((transparency[0]! << 8) | transparency[1]!) & (depth === 16 ? 0xffff : maxSample);
  }
  if (transparency !== undefined && colourType === 2 && transparency.byteLength >= 6) {
    keyR = (transparency[0]! << 8) | transparency[1]!;
    keyG = (transparency[2]! << 8) | transparency[3]!;
    keyB = (transparency[4]! << 8) | transparency[5]!;
  }
  const paletteEntries = palette === undefined ? 0 : Math.floor(palette.byteLength / 3);
  for (let r = 0; r < passHeight; r++) {
    const line = start + r * (rowBytes + 1) + 1;
    let o = ((y0 + r * dy) * width + x0) * 4;
    const step = dx * 4;
    for (let c = 0; c < passWidth; c++, o += step) {
      if (depth < 8) {
        const bit = c * depth;
        const v = (data[line + (bit >> 3)]! >> (8 - depth - (bit & 7))) & maxSample;
        if (colourType === 3) {
          writePaletteEntry(out, o, v, palette, paletteEntries, transparency);
        } else {
          const g = Math.round(v * scale);
          out[o] = g;
          out[o + 1] = g;
          out[o + 2] = g;
          out[o + 3] = v === keyGray ? 0 : 255;
        }
        continue;
      }
      if (depth === 8) {
        const p = line + c * channels;
        switch (colourType) {
          case 0: {
            const g = data[p]!;
            out[o] = g;
            out[o + 1] = g;
            out[o + 2] = g;
            out[o + 3] = g === keyGray ? 0 : 255;
            break;
          }
          case 2: {
            const red = data[p]!;
            const green = data[p + 1]!;
            const blue = data[p + 2]!;
            out[o] = red;
            out[o + 1] = green;
            out[o + 2] = blue;
            out[o + 3] = red === keyR && green === keyG && blue === keyB ? 0 : 255;
            break;
          }
          case 3:
            writePaletteEntry(out, o, data[p]!, palette, paletteEntries, transparency);
            break;
          case 4: {
            const g = data[p]!;
            out[o] = g;
            out[o + 1] = g;
            out[o + 2] = g;
            out[o + 3] = data[p + 1]!;
            break;
          }
          default:
            out[o] = data[p]!;
            out[o + 1] = data[p + 1]!;
            out[o + 2] = data[p + 2]!;
            out[o + 3] = data[p + 3]!;
        }
        continue;
      }
      // 16 bits: keep the high byte, as libvips does when it casts to 8 bits.
      const p = line + c * channels * 2;
      const s0 = (data[p]! << 8) | data[p + 1]!;
      switch (colourType) {
        case 0:
          out[o] = out[o + 1] = out[o + 2] = data[p]!;
          out[o + 3] = s0 === keyGray ? 0 : 255;
          break;
        case 2: {
          const s1 = (data[p + 2]! << 8) | data[p + 3]!;
          const s2 = (data[p + 4]! << 8) | data[p + 5]!;
          out[o] = data[p]!;
          out[o + 1] = data[p + 2]!;
          out[o + 2] = data[p + 4]!;
          out[o + 3] = s0 === keyR && s1 === keyG && s2 === keyB ? 0 : 255;
          break;
        }
        case 4:
          out[o] = out[o + 1] = out[o + 2] = data[p]!;
          out[o + 3] = data[p + 2]!;
          break;
        default:
          out[o] = data[p]!;
          out[o + 1] = data[p + 2]!;
          out[o + 2] = data[p + 4]!;
          out[o + 3] = data[p + 6]!;
      }
    }
  }
}

function writePaletteEntry(
  out: Uint8Array,
  o: number,
  index: number,
  palette: Uint8Array | undefined,
  entries: number,
  transparency: Uint8Array | undefined,
): void {
  // An index past the palette reads as black, as libpng's zero-filled palette does.
  const inside = palette !== undefined && index < entries;
  out[o] = inside ? palette[index * 3]! : 0;
  out[o + 1] = inside ? palette[index * 3 + 1]! : 0;
  out[o + 2] = inside ? palette[index * 3 + 2]! : 0;
  const keyed = transparency !== undefined && index < transparency.byteLength;
  out[o + 3] = keyed ? transparency[index]! : 255;
}

/** One interlace pass (or the whole image): its size and where its scanlines start. */
interface PassLayout {
  readonly pass: readonly [number, number, number, number];
  readonly width: number;
  readonly height: number;
  readonly rowBytes: number;
  readonly start: number;
}

function layoutPasses(ihdr: Ihdr): { passes: PassLayout[]; total: number } {
  const bitsPerPixel = channelsOf[ihdr.colourType]! * ihdr.depth;
  const passes: PassLayout[] = [];
  let total = 0;
  for (const pass of ihdr.interlaced ? adam7 : progressive) {
    const [x0, y0, dx, dy] = pass;
    const width = Math.ceil((ihdr.width - x0) / dx);
    const height = Math.ceil((ihdr.height - y0) / dy);
    // An empty pass has no scanlines at all, not even filter bytes.
    if (width <= 0 || height <= 0) continue;
    const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
    passes.push({ pass, width, height, rowBytes, start: total });
    total += height * (rowBytes + 1);
  }
  return { passes, total };
}

/**
 * Decode a PNG into upright, tightly packed RGBA8 held in `scope` as a `'pixels'` handle,
 * entirely in buffers this function allocates, owns and zero-fills.
 *
 * Supports colour types 0, 2, 3, 4 and 6 at every legal bit depth (16-bit samples keep their
 * high byte; low depths scale to 0–255), palettes and `tRNS`, Adam7 interlace, all five
 * filters and the `eXIf` orientation. Every chunk's CRC is checked. The size from IHDR is
 * checked against `limits` before anything is allocated.
 *
 * Privacy: the concatenated IDAT and the inflated scanlines are zero-filled before this
 * returns or throws; inflation (fflate) writes into a buffer allocated here, and its own
 * tables hold code lengths, never pixels. The only surviving copy is the handle's value.
 * On any error nothing is left behind.
 *
 * @throws `ImageDecodeError`, `ImageTooLargeError`, `AbortedError`, `PurgedError`.
 * @public
 */
export function decodePng(
  bytes: Uint8Array,
  scope: EphemeralScope,
  options: PngDecodeOptions = {},
): RgbaImage {
  if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
  scope.throwIfClosed();
  const limits = resolvePhotoLimits(options.limits);
  if (bytes.byteLength === 0) throw new ImageDecodeError('empty');
  if (sniffPhotoFormat(bytes) !== 'png') throw new ImageDecodeError('unrecognized');
  // Limits first, from IHDR alone: the chunk walk below must not run on a hostile giant.
  if (bytes.byteLength < 33) throw truncated('The PNG ends inside its header');
  const headerView = new DataView(bytes.buffer, bytes.byteOffset + 8, 16);
  if (headerView.getUint32(4) !== IHDR) throw corrupt('The PNG does not start with its IHDR chunk');
  checkPhotoLimits(bytes.byteLength, headerView.getUint32(8), headerView.getUint32(12), limits);

  const chunks = readChunks(bytes);
  const ihdr = parseIhdr(chunks[0]);
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  let orientation: ExifOrientation = 1;
  let idatLength = 0;
  let idatRun = 0; // 0 before IDAT, 1 inside the run, 2 after it
  for (const chunk of chunks) {
    if (chunk.type === IDAT) {
      if (idatRun === 2) throw corrupt('The PNG image data (IDAT) is not contiguous');
      idatRun = 1;
      idatLength += chunk.data.byteLength;
      continue;
    }
    if (idatRun === 1) idatRun = 2;
    if (chunk.type === PLTE && palette === undefined && idatRun === 0) palette = chunk.data;
    else if (chunk.type === tRNS && idatRun === 0) transparency = chunk.data;
    else if (chunk.type === eXIf) orientation = readTiffOrientation(chunk.data);
    else if (isCritical(chunk.type) && chunk.type !== IHDR && chunk.type !== IEND && chunk.type !== PLTE) {
      throw new ImageDecodeError('unsupported-format', 'png', {
        detail: 'The PNG uses a critical chunk this decoder does not know',
      });
    }
  }
  if (idatLength === 0) throw corrupt('The PNG has no image data');
  const validPalette = palette !== undefined && palette.byteLength > 0 && palette.byteLength % 3 === 0;
  if (ihdr.colourType === 3 && !validPalette) {
    throw corrupt('The palette PNG has no valid palette');
  }

  const { passes, total } = layoutPasses(ihdr);
  let idat: Uint8Array | undefined;
  let inflated: Uint8Array | undefined;
  let stored: Uint8Array | undefined;
  let upright: Uint8Array | undefined;
  try {
    idat = new Uint8Array(idatLength);
    let at = 0;
    for (const chunk of chunks) {
      if (chunk.type !== IDAT) continue;
      idat.set(chunk.data, at);
      at += chunk.data.byteLength;
    }
    // One spare byte tells "more data than the image needs" (tolerated, as by libpng) from
    // exactly enough; fflate never grows a buffer it was given.
    inflated = new Uint8Array(total + 1);
    let produced: number;
    try {
      produced = unzlibSync(idat, { out: inflated }).byteLength;
    } catch (error) {
      throw corrupt('The PNG image data cannot be decompressed', error);
    } finally {
      idat.fill(0);
    }
    if (produced < total) throw corrupt('The PNG image data is shorter than the image');

    stored = new Uint8Array(ihdr.width * ihdr.height * 4);
    const bpp = Math.max(1, (channelsOf[ihdr.colourType]! * ihdr.depth) >> 3);
    const expander: Expander = { ihdr, palette, transparency };
    for (const layout of passes) {
      unfilter(inflated, layout.start, layout.height, layout.rowBytes, bpp);
      const { start, pass, width, height, rowBytes } = layout;
      expandPass(inflated, start, pass, width, height, rowBytes, expander, stored);
    }
    inflated.fill(0);

    const size = orientedSize(ihdr.width, ihdr.height, orientation);
    if (orientation !== 1) {
      upright = new Uint8Array(stored.byteLength);
      orientRgba(stored, ihdr.width, ihdr.height, orientation, upright);
      stored.fill(0);
    } else {
      upright = stored;
    }
    const pixels: EphemeralHandle<Uint8Array> = scope.hold(upright, {
      kind: 'pixels',
      label: options.label ?? 'photo.pixels',
    });
    return { width: size.width, height: size.height, pixels };
  } catch (error) {
    upright?.fill(0);
    throw error;
  } finally {
    idat?.fill(0);
    inflated?.fill(0);
    if (stored !== upright) stored?.fill(0);
  }
}
