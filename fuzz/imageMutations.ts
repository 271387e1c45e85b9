/**
 * Hostile and careless images, made from a seed stream: bit flips, truncations, PNG chunk and
 * WebP RIFF surgery, JPEG marker surgery, huge declared sizes, EXIF bombs, empty and tiny files,
 * random bytes behind a valid magic number, and valid images the decoders have never seen. Each
 * gets a file name that lies about its format.
 */
import { crc32 } from 'node:zlib';
import { encodePng } from '../packages/core/src/__tests__/imageCodecsTestKit';
import type { FuzzRandom } from './fuzzRandom';
import type { SeedImage } from './seedImages';

/** The families of inputs, in the order the report lists them. */
export const mutationKinds = [
  'bit-flips',
  'truncation',
  'chunk-surgery',
  'jpeg-marker-surgery',
  'huge-declared-size',
  'exif-bomb',
  'empty-or-tiny',
  'random-after-magic',
  'generated-valid',
] as const;

export type MutationKind = (typeof mutationKinds)[number];

/** One fuzz input. */
export interface FuzzInput {
  readonly kind: MutationKind;
  /** What was done, short enough to print beside a failure. */
  readonly recipe: string;
  /** A file name whose extension does not match the content (wrong on purpose). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

const magic = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff],
  webp: [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')],
  gif: [...Buffer.from('GIF89a')],
  heic: [0, 0, 0, 0x18, ...Buffer.from('ftypheic')],
  avif: [0, 0, 0, 0x1c, ...Buffer.from('ftypavif')],
  tiff: [0x49, 0x49, 0x2a, 0],
  bmp: [...Buffer.from('BM')],
} as const;

const extensions = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'heic', 'txt', 'mp4', 'JPG', ''] as const;

// ---------------------------------------------------------------------------------------------
// Containers as lists of parts, so surgery can cut, repeat and reorder them.

interface Part {
  readonly type: string;
  bytes: Uint8Array;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.byteLength);
  out.writeUInt32BE(data.byteLength, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.byteLength)) >>> 0, 8 + data.byteLength);
  return new Uint8Array(out);
}

function pngParts(png: Uint8Array): Part[] {
  const view = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const parts: Part[] = [];
  for (let at = 8; at + 12 <= view.length; ) {
    const length = view.readUInt32BE(at);
    const end = Math.min(view.length, at + 12 + length);
    parts.push({ type: view.toString('latin1', at + 4, at + 8), bytes: png.slice(at, end) });
    at = end;
  }
  return parts;
}

const pngData = (part: Part): Uint8Array => part.bytes.subarray(8, part.bytes.byteLength - 4);

function riffParts(webp: Uint8Array): Part[] {
  const view = Buffer.from(webp.buffer, webp.byteOffset, webp.byteLength);
  const parts: Part[] = [];
  for (let at = 12; at + 8 <= view.length; ) {
    const size = view.readUInt32LE(at + 4);
    const end = Math.min(view.length, at + 8 + size + (size & 1));
    parts.push({ type: view.toString('latin1', at, at + 4), bytes: webp.slice(at, end) });
    at = end;
  }
  return parts;
}

function riffFile(parts: readonly Part[]): Uint8Array {
  const body = concat(parts.map((p) => p.bytes));
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.byteLength + 4, 4);
  head.write('WEBP', 8, 'latin1');
  return concat([head, body]);
}

function jpegParts(jpeg: Uint8Array): Part[] {
  // Segments up to and including SOS; then the entropy-coded data and EOI as one part.
  const view = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  const parts: Part[] = [{ type: 'SOI', bytes: jpeg.slice(0, 2) }];
  let at = 2;
  while (at + 4 <= view.length && view[at] === 0xff) {
    const marker = view[at + 1]!;
    const end = Math.min(view.length, at + 2 + view.readUInt16BE(at + 2));
    parts.push({ type: marker.toString(16), bytes: jpeg.slice(at, end) });
    at = end;
    if (marker === 0xda) break;
  }
  parts.push({ type: 'scan', bytes: jpeg.slice(at) });
  return parts;
}

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(Math.min(0xffff, payload.byteLength + 2), 2);
  return concat([head, payload.subarray(0, 0xffff - 2)]);
}

// ---------------------------------------------------------------------------------------------
// EXIF bombs: TIFF blocks built to loop, overflow or point outside themselves.

function exifBomb(random: FuzzRandom): { tiff: Uint8Array; recipe: string } {
  const little = random.chance(0.5);
  const size = random.pick([64, 512, 4096, 60_000]);
  const b = Buffer.alloc(size);
  const u16 = (v: number, at: number) => (little ? b.writeUInt16LE(v & 0xffff, at) : b.writeUInt16BE(v & 0xffff, at));
  const u32 = (v: number, at: number) => (little ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  b.write(little ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  const shape = random.pick(['self-loop', 'ifd-cycle', 'huge-count', 'out-of-range', 'deep-chain', 'many-orientations', 'random-ifd'] as const);
  const ifd0 = shape === 'out-of-range' ? random.pick([size + 8, 0xfffffff0, 0xffffffff]) : 8;
  u32(ifd0, 4);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    u16(tag, at);
    u16(type, at + 2);
    u32(count, at + 4);
    u32(value, at + 8);
  };
  const entries = Math.min(random.between(1, 40), Math.floor((size - 14) / 12));
  if (shape !== 'out-of-range') {
    u16(shape === 'huge-count' ? 0xffff : entries, 8);
    for (let i = 0; i < entries; i++) {
      const at = 10 + i * 12;
      if (shape === 'many-orientations') entry(at, 0x0112, 3, 1, random.pick([0, 1, 6, 8, 9, 0xffff]) << (little ? 0 : 16));
      else if (shape === 'ifd-cycle') entry(at, random.pick([0x8769, 0x8825, 0xa005]), 4, 1, 8);
      else if (shape === 'random-ifd') entry(at, random.below(0x10000), random.below(14), random.below(2 ** 32), random.below(2 ** 32));
      else entry(at, 0x0112, random.pick([3, 4, 7, 0, 99]), random.pick([1, 2, 0xffffffff, 0x40000000]), random.below(2 ** 32));
    }
    const next = 10 + entries * 12;
    if (next + 4 <= size) {
      if (shape === 'self-loop') u32(8, next);
      else if (shape === 'deep-chain') {
        // IFDs of one entry each, chained to the end of the block, the last pointing back.
        let at = next;
        u32(next + 4, at);
        for (at = next + 4; at + 22 <= size; at += 18) {
          u16(1, at);
          entry(at + 2, 0x0112, 3, 1, random.pick([1, 3, 6, 8]));
          u32(at + 18 + 18 <= size ? at + 18 : 8, at + 14);
        }
      } else u32(random.below(size + 16), next);
    }
  }
  return { tiff: new Uint8Array(b), recipe: `exif ${shape} ${little ? 'II' : 'MM'} ${size} B` };
}

// ---------------------------------------------------------------------------------------------
// The mutations.

function flipBits(random: FuzzRandom, bytes: Uint8Array): { bytes: Uint8Array; recipe: string } {
  const out = bytes.slice();
  const flips = random.pick([1, 2, 4, 8, 32, 256]);
  // Most flips land in the first kilobytes, where headers and tables live.
  const span = random.chance(0.6) ? Math.min(out.byteLength, 2048) : out.byteLength;
  for (let i = 0; i < flips; i++) out[random.below(span)]! ^= 1 << random.below(8);
  return { bytes: out, recipe: `${flips} flips in first ${span} B` };
}

function truncate(random: FuzzRandom, bytes: Uint8Array): { bytes: Uint8Array; recipe: string } {
  const at = random.chance(0.5) ? random.below(Math.min(bytes.byteLength, 600)) : random.below(bytes.byteLength);
  return { bytes: bytes.slice(0, at), recipe: `cut at ${at} of ${bytes.byteLength}` };
}

function partSurgery(random: FuzzRandom, parts: Part[], crc: boolean): string {
  const op = random.pick(['drop', 'duplicate', 'swap', 'length', 'data-fixed-crc', 'insert', 'split'] as const);
  const i = random.below(parts.length);
  const part = parts[i]!;
  switch (op) {
    case 'drop':
      parts.splice(i, 1);
      break;
    case 'duplicate':
      parts.splice(random.below(parts.length + 1), 0, { ...part, bytes: part.bytes.slice() });
      break;
    case 'swap': {
      const j = random.below(parts.length);
      [parts[i], parts[j]] = [parts[j]!, part];
      break;
    }
    case 'length': {
      const value = random.pick([0, 1, 0x7fffffff, 0xffffffff, random.below(2 ** 32), 0]);
      const view = Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength);
      // PNG: the big-endian length before the type; RIFF: the little-endian size after the fourcc.
      if (view.length >= 8 && crc) view.writeUInt32BE(value >>> 0, 0);
      else if (view.length >= 8) view.writeUInt32LE(value >>> 0, 4);
      break;
    }
    case 'data-fixed-crc': {
      // Change the data and, in PNG, fix the CRC, so the damage reaches the chunk's parser.
      const data = (crc ? pngData(part) : part.bytes.subarray(8)).slice();
      for (let k = random.between(1, 6); k > 0 && data.byteLength > 0; k--) data[random.below(data.byteLength)] = random.below(256);
      part.bytes = crc ? pngChunk(part.type, data) : concat([part.bytes.subarray(0, 8), data]);
      break;
    }
    case 'insert': {
      const type = random.pick(crc ? ['ABCD', 'abCD', 'IDAT', 'PLTE', 'tRNS', 'IHDR', 'IEND', 'eXIf', 'iCCP', 'zTXt'] : ['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'EXIF', 'ICCP', 'ANIM', 'ANMF', 'XXXX']);
      const data = random.bytes(random.pick([0, 1, 4, 13, 100, 3000]));
      const bytes = crc ? pngChunk(type, data) : riffChunk(type, data);
      parts.splice(random.below(parts.length + 1), 0, { type, bytes });
      break;
    }
    case 'split': {
      // PNG: IDAT split into many pieces (valid); RIFF: a chunk cut short of its declared size.
      if (crc) {
        const idat = parts.findIndex((p) => p.type === 'IDAT');
        if (idat >= 0) {
          const data = pngData(parts[idat]!);
          const size = random.pick([1, 7, 100]);
          const pieces: Part[] = [];
          for (let at = 0; at < data.byteLength && pieces.length < 5000; at += size) {
            pieces.push({ type: 'IDAT', bytes: pngChunk('IDAT', data.subarray(at, at + size)) });
          }
          parts.splice(idat, 1, ...pieces);
        }
      } else part.bytes = part.bytes.slice(0, random.below(part.bytes.byteLength));
      break;
    }
  }
  return `${op} ${part.type}`;
}

function riffChunk(type: string, data: Uint8Array): Uint8Array {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(data.byteLength, 4);
  return concat([head, data, data.byteLength & 1 ? new Uint8Array(1) : new Uint8Array(0)]);
}

function chunkSurgery(random: FuzzRandom, seed: SeedImage): { bytes: Uint8Array; recipe: string } {
  if (seed.format === 'png') {
    const parts = pngParts(seed.bytes);
    const rebuild = (p: Part[]) => concat([new Uint8Array(magic.png), ...p.map((x) => x.bytes)]);
    const ops = [partSurgery(random, parts, true)];
    if (random.chance(0.3)) ops.push(partSurgery(random, parts, true));
    return { bytes: rebuild(parts), recipe: `png ${ops.join(', ')}` };
  }
  if (seed.format === 'webp') {
    const parts = riffParts(seed.bytes);
    const ops = [partSurgery(random, parts, false)];
    return { bytes: riffFile(parts), recipe: `riff ${ops.join(', ')}` };
  }
  return jpegSurgery(random, seed.bytes);
}

function jpegSurgery(random: FuzzRandom, jpeg: Uint8Array): { bytes: Uint8Array; recipe: string } {
  const parts = jpegParts(jpeg);
  const op = random.pick(['drop', 'duplicate', 'swap', 'length', 'sof', 'dht', 'dqt', 'sos', 'dri', 'scan', 'app-flood', 'no-eoi'] as const);
  const segment = (marker: number) => parts.find((p) => p.type === marker.toString(16) || (marker === 0xc0 && /^c[0-2]$/.test(p.type)));
  const poke = (part: Part | undefined, offset: number, values: readonly number[]) => {
    if (!part || offset >= part.bytes.byteLength) return;
    part.bytes[offset] = random.pick(values);
  };
  const i = 1 + random.below(Math.max(1, parts.length - 1));
  switch (op) {
    case 'drop':
      parts.splice(i, 1);
      break;
    case 'duplicate':
      parts.splice(1 + random.below(parts.length), 0, { ...parts[i]!, bytes: parts[i]!.bytes.slice() });
      break;
    case 'swap': {
      const j = 1 + random.below(parts.length - 1);
      [parts[i], parts[j]] = [parts[j]!, parts[i]!];
      break;
    }
    case 'length': {
      const part = parts[i]!;
      if (part.bytes.byteLength >= 4) Buffer.from(part.bytes.buffer, part.bytes.byteOffset).writeUInt16BE(random.pick([0, 1, 2, 3, 0xffff, random.below(0x10000)]), 2);
      break;
    }
    case 'sof': {
      // Precision, height, width, component count, then per component id, sampling, table.
      const sof = segment(0xc0);
      const field = random.pick(['precision', 'size', 'components', 'sampling', 'table'] as const);
      if (field === 'precision') poke(sof, 4, [0, 1, 12, 16, 255]);
      else if (field === 'size') for (const at of [5, 6, 7, 8]) poke(sof, at, [0, 0, 1, 0xff, random.below(256)]);
      else if (field === 'components') poke(sof, 9, [0, 1, 2, 4, 255]);
      else if (field === 'sampling') poke(sof, 11 + 3 * random.below(3), [0x00, 0x11, 0x44, 0x41, 0xff, 0x0f]);
      else poke(sof, 12 + 3 * random.below(3), [0, 1, 3, 4, 255]);
      break;
    }
    case 'dht': {
      // Code counts that sum past 256, or a table class/id out of range.
      const dht = segment(0xc4);
      if (dht) for (let k = 0; k < 4; k++) poke(dht, 4 + random.below(17), [0, 0xff, 0x10, random.below(256)]);
      break;
    }
    case 'dqt':
      poke(segment(0xdb), 4, [0x00, 0x10, 0x04, 0xf0, 0x13]);
      break;
    case 'sos': {
      const sos = segment(0xda);
      poke(sos, random.pick([4, 5, 6, sos ? sos.bytes.byteLength - 3 : 0, sos ? sos.bytes.byteLength - 2 : 0]), [0, 1, 4, 63, 64, 0xff, 0x77]);
      break;
    }
    case 'dri': {
      const dri = jpegSegment(0xdd, new Uint8Array([0, random.pick([0, 1, 2, 255])]));
      parts.splice(1 + random.below(parts.length - 1), 0, { type: 'dd', bytes: dri });
      break;
    }
    case 'scan': {
      // Stray markers inside the entropy-coded data.
      const scan = parts.at(-1)!;
      const bytes = scan.bytes.slice();
      for (let k = random.between(1, 8); k > 0 && bytes.byteLength > 2; k--) {
        const at = random.below(bytes.byteLength - 1);
        bytes[at] = 0xff;
        bytes[at + 1] = random.pick([0x00, 0xd0, 0xd7, 0xd9, 0xda, 0xc4, 0xff, random.below(256)]);
      }
      scan.bytes = bytes;
      break;
    }
    case 'app-flood': {
      const count = random.pick([100, 2000]);
      const payload = random.bytes(random.pick([0, 16, 1000]));
      const flood = Array.from({ length: count }, () => ({ type: 'e5', bytes: jpegSegment(0xe0 + random.below(16), payload) }));
      parts.splice(1, 0, ...flood);
      break;
    }
    case 'no-eoi': {
      const scan = parts.at(-1)!;
      scan.bytes = scan.bytes.slice(0, Math.max(0, scan.bytes.byteLength - 2));
      break;
    }
  }
  return { bytes: concat(parts.map((p) => p.bytes)), recipe: `jpeg ${op}` };
}

function hugeDeclaredSize(random: FuzzRandom, seed: SeedImage): { bytes: Uint8Array; recipe: string } {
  // Mostly beyond the limits (16384 per side, 40 MP); some inside them, with too little data.
  const side = () => random.pick([0, 1, 16_384, 16_385, 30_000, 65_535, 0x7fffffff, 0xffffffff, 6_000, 6_324, random.below(20_000)]);
  const [w, h] = [side(), side()];
  const bytes = seed.bytes.slice();
  const view = Buffer.from(bytes.buffer);
  if (seed.format === 'png') {
    const parts = pngParts(bytes);
    const ihdr = parts.find((p) => p.type === 'IHDR');
    if (ihdr) {
      const data = pngData(ihdr).slice();
      Buffer.from(data.buffer).writeUInt32BE(w >>> 0, 0);
      Buffer.from(data.buffer).writeUInt32BE(h >>> 0, 4);
      ihdr.bytes = pngChunk('IHDR', data);
    }
    return { bytes: concat([new Uint8Array(magic.png), ...parts.map((p) => p.bytes)]), recipe: `png IHDR ${w}×${h}` };
  }
  if (seed.format === 'jpeg') {
    const sof = jpegParts(bytes).find((p) => /^c[0-2]$/.test(p.type));
    const at = sof ? Buffer.from(bytes).indexOf(Buffer.from(sof.bytes.subarray(0, 4))) : -1;
    if (at >= 0) {
      view.writeUInt16BE(h & 0xffff, at + 5);
      view.writeUInt16BE(w & 0xffff, at + 7);
    }
    return { bytes, recipe: `jpeg SOF ${w & 0xffff}×${h & 0xffff}` };
  }
  // WebP: the VP8X canvas (24 bits each, minus one), or the VP8/VP8L frame header (14 bits).
  const parts = riffParts(bytes);
  const first = parts[0];
  if (first?.type === 'VP8X' && first.bytes.byteLength >= 18) {
    const p = Buffer.from(first.bytes.buffer, first.bytes.byteOffset);
    p.writeUIntLE(Math.max(0, w - 1) & 0xffffff, 12, 3);
    p.writeUIntLE(Math.max(0, h - 1) & 0xffffff, 15, 3);
  } else if (first?.type === 'VP8 ' && first.bytes.byteLength >= 18) {
    const p = Buffer.from(first.bytes.buffer, first.bytes.byteOffset);
    p.writeUInt16LE(w & 0x3fff, 14);
    p.writeUInt16LE(h & 0x3fff, 16);
  } else if (first?.type === 'VP8L' && first.bytes.byteLength >= 13) {
    const p = Buffer.from(first.bytes.buffer, first.bytes.byteOffset);
    const bits = ((Math.max(0, w - 1) & 0x3fff) | ((Math.max(0, h - 1) & 0x3fff) << 14)) >>> 0;
    p.writeUInt32LE((bits | (p.readUInt32LE(9) & 0xf0000000)) >>> 0, 9);
  }
  return { bytes: riffFile(parts), recipe: `webp ${first?.type ?? '?'} ${w}×${h}` };
}

function withExifBomb(random: FuzzRandom, seed: SeedImage): { bytes: Uint8Array; recipe: string } {
  const { tiff, recipe } = exifBomb(random);
  const copies = random.pick([1, 1, 2, 20]);
  if (seed.format === 'jpeg') {
    const parts = jpegParts(seed.bytes);
    const app1 = jpegSegment(0xe1, concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
    parts.splice(1, 0, ...Array.from({ length: copies }, () => ({ type: 'e1', bytes: app1 })));
    return { bytes: concat(parts.map((p) => p.bytes)), recipe: `jpeg APP1×${copies} ${recipe}` };
  }
  if (seed.format === 'png') {
    const parts = pngParts(seed.bytes).filter((p) => p.type !== 'eXIf');
    parts.splice(1, 0, ...Array.from({ length: copies }, () => ({ type: 'eXIf', bytes: pngChunk('eXIf', tiff) })));
    return { bytes: concat([new Uint8Array(magic.png), ...parts.map((p) => p.bytes)]), recipe: `png eXIf×${copies} ${recipe}` };
  }
  // WebP: an EXIF chunk only counts behind a VP8X header whose flag announces it.
  const parts = riffParts(seed.bytes);
  if (parts[0]?.type !== 'VP8X') {
    const vp8x = Buffer.alloc(10);
    vp8x[0] = 0x08;
    vp8x.writeUIntLE(0, 4, 3);
    vp8x.writeUIntLE(0, 7, 3);
    parts.unshift({ type: 'VP8X', bytes: riffChunk('VP8X', vp8x) });
  } else parts[0].bytes[8]! |= 0x08;
  for (let k = 0; k < copies; k++) parts.push({ type: 'EXIF', bytes: riffChunk('EXIF', tiff) });
  return { bytes: riffFile(parts), recipe: `webp EXIF×${copies} ${recipe}` };
}

function emptyOrTiny(random: FuzzRandom): { bytes: Uint8Array; recipe: string } {
  const format = random.pick(Object.keys(magic) as (keyof typeof magic)[]);
  const head = magic[format];
  const length = random.pick([0, 0, 1, 2, 3, 4, 8, 12, 16, 24, 33]);
  const bytes = new Uint8Array(length);
  bytes.set(head.slice(0, length));
  if (length > head.length) bytes.set(random.bytes(length - head.length), head.length);
  return { bytes, recipe: `${length} B of ${format}` };
}

function randomAfterMagic(random: FuzzRandom): { bytes: Uint8Array; recipe: string } {
  const format = random.pick(['png', 'jpeg', 'webp', 'webp', 'gif', 'heic', 'avif', 'tiff', 'bmp', 'none'] as const);
  const length = random.pick([64, 1000, 20_000]);
  const bytes = random.bytes(length);
  if (format === 'none') return { bytes, recipe: `${length} random B` };
  bytes.set(magic[format]);
  if (format === 'webp') {
    Buffer.from(bytes.buffer).writeUInt32LE(length - 8, 4);
    bytes.set(Buffer.from(random.pick(['VP8 ', 'VP8L', 'VP8X']), 'latin1'), 12);
  }
  if (format === 'png' && random.chance(0.5)) bytes.set(pngChunk('IHDR', random.bytes(13)), 8);
  return { bytes, recipe: `${format} magic + ${length} random B` };
}

function generatedValid(random: FuzzRandom): { bytes: Uint8Array; recipe: string } {
  // Every PNG layout (colour type × bit depth × interlace), at sizes from 1×1.
  const colourType = random.pick([0, 2, 3, 4, 6] as const);
  const depths = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] } as const;
  const depth = random.pick(depths[colourType]);
  const width = random.between(1, 40);
  const height = random.between(1, 40);
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colourType];
  const paletteSize = random.between(1, 2 ** Math.min(depth, 8));
  const samples = Uint16Array.from({ length: width * height * channels }, () =>
    colourType === 3 ? random.below(paletteSize) : random.below(2 ** depth),
  );
  const interlace = random.chance(0.3);
  const bytes = encodePng({
    width,
    height,
    colourType,
    depth: depth as 1 | 2 | 4 | 8 | 16,
    interlace,
    samples,
    ...(colourType === 3 ? { palette: random.bytes(paletteSize * 3) } : {}),
  });
  return { bytes, recipe: `png ${width}×${height} type ${colourType} depth ${depth}${interlace ? ' interlaced' : ''}` };
}

/** Input number `index` of a run: one kind, one seed image, one misleading name. */
export function fuzzInput(random: FuzzRandom, seeds: readonly SeedImage[]): FuzzInput {
  const kind = random.pick(mutationKinds);
  const seed = random.pick(kind === 'jpeg-marker-surgery' ? seeds.filter((s) => s.format === 'jpeg') : seeds);
  const made =
    kind === 'bit-flips'
      ? flipBits(random, seed.bytes)
      : kind === 'truncation'
        ? truncate(random, seed.bytes)
        : kind === 'chunk-surgery'
          ? chunkSurgery(random, seed)
          : kind === 'jpeg-marker-surgery'
            ? jpegSurgery(random, seed.bytes)
            : kind === 'huge-declared-size'
              ? hugeDeclaredSize(random, seed)
              : kind === 'exif-bomb'
                ? withExifBomb(random, seed)
                : kind === 'empty-or-tiny'
                  ? emptyOrTiny(random)
                  : kind === 'random-after-magic'
                    ? randomAfterMagic(random)
                    : generatedValid(random);
  const real = kind === 'generated-valid' ? 'png' : seed.format === 'jpeg' ? 'jpg' : seed.format;
  const extension = random.pick(extensions.filter((e) => e.toLowerCase() !== real && !(real === 'jpg' && e.toLowerCase() === 'jpeg')));
  const from = kind === 'generated-valid' || kind === 'empty-or-tiny' || kind === 'random-after-magic' ? '' : ` of ${seed.name}`;
  return {
    kind,
    recipe: `${made.recipe}${from}`,
    name: extension === '' ? 'photo' : `photo.${extension}`,
    bytes: made.bytes,
  };
}
