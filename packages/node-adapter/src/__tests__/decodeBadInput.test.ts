import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageDecodeFailure, ImageSizeLimit, SniffedImageFormat } from '@vopop/core';
import {
  EphemeralScope,
  ImageDecodeError,
  ImageTooLargeError,
  InvalidArgumentError,
  isVopopError,
  sniffImageFormat,
} from '@vopop/core';
import { NodeImageDecoder } from '../decode/nodeImageDecoder';
import type { ImageHeader } from '../index';
import { pngChunk } from './support/pngChunk';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';


/** A deterministic byte stream, so a failure reproduces. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

/** A well-formed PNG whose header claims `width`×`height`, with one row of real data. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(new Uint8Array(1 + width * 3))),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

type Expected =
  | { readonly decode: ImageDecodeFailure; readonly format?: SniffedImageFormat }
  | { readonly tooLarge: ImageSizeLimit; readonly width?: number; readonly height?: number };

interface CorpusEntry {
  /** The file name, chosen to mislead: the decoder must read the content, not the name. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly expected: Expected;
}

describe('NodeImageDecoder on bad input', () => {
  const decoder = new NodeImageDecoder();
  let dir: string;
  let corpus: CorpusEntry[];
  let vipsTempBefore: string[];

  const vipsTempFiles = async (): Promise<string[]> =>
    (await readdir(tmpdir())).filter((name) => name.startsWith('vips-')).sort();

  beforeAll(async () => {
    vipsTempBefore = await vipsTempFiles();
    const jpg = await readFile(path.join(faces, 'portrait_small.jpg'));
    const png = await readFile(path.join(faces, 'astronaut.png'));
    const corruptPng = Buffer.from(png);
    // Overwrite compressed data inside the first IDAT: its CRC no longer matches.
    corruptPng.fill(0x5a, 5000, 5400);
    const zeroWidthJpeg = Buffer.from(jpg);
    // The fixture is progressive (SOF2); its only FF C2 is the frame header.
    const sof = zeroWidthJpeg.indexOf(Buffer.from([0xff, 0xc2]));
    expect(sof).toBeGreaterThan(0);
    zeroWidthJpeg.writeUInt16BE(0, sof + 7);
    const animatedWebp = Buffer.alloc(30);
    animatedWebp.write('RIFF', 0, 'latin1');
    animatedWebp.writeUInt32LE(22, 4);
    animatedWebp.write('WEBPVP8X', 8, 'latin1');
    animatedWebp.writeUInt32LE(10, 16);
    animatedWebp[20] = 0x02;
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);
    const gif = await sharp(jpg).gif().toBuffer();

    corpus = [
      { name: 'empty.jpg', bytes: new Uint8Array(0), expected: { decode: 'empty' } },
      { name: 'random.jpg', bytes: pseudoRandomBytes(4096, 7), expected: { decode: 'unrecognized' } },
      {
        name: 'text.jpg',
        bytes: new TextEncoder().encode('This is a text file with a .jpg name.\n'),
        expected: { decode: 'unrecognized' },
      },
      {
        name: 'truncated.jpg',
        bytes: jpg.subarray(0, jpg.length >> 1),
        expected: { decode: 'truncated', format: 'jpeg' },
      },
      {
        name: 'header-only.jpg',
        bytes: jpg.subarray(0, 100),
        expected: { decode: 'truncated', format: 'jpeg' },
      },
      {
        name: 'truncated.png',
        bytes: png.subarray(0, png.length >> 1),
        expected: { decode: 'truncated', format: 'png' },
      },
      { name: 'bad-crc.png', bytes: corruptPng, expected: { decode: 'corrupt', format: 'png' } },
      {
        name: 'zero-width.jpg',
        bytes: zeroWidthJpeg,
        expected: { decode: 'corrupt', format: 'jpeg' },
      },
      { name: 'photo.jpg', bytes: gif, expected: { decode: 'unsupported-format', format: 'gif' } },
      {
        name: 'animated.webp',
        bytes: animatedWebp,
        expected: { decode: 'unsupported-format', format: 'webp' },
      },
      { name: 'photo.heic', bytes: heic, expected: { decode: 'unsupported-format', format: 'heic' } },
      {
        name: 'huge.png',
        bytes: pngClaiming(30000, 30000),
        expected: { tooLarge: 'dimension', width: 30000, height: 30000 },
      },
      {
        name: 'many-pixels.png',
        bytes: pngClaiming(8000, 8000),
        expected: { tooLarge: 'pixels', width: 8000, height: 8000 },
      },
    ];
    dir = await mkdtemp(path.join(tmpdir(), 'vopop-decode-corpus-'));
    for (const entry of corpus) await writeFile(path.join(dir, entry.name), entry.bytes);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names every corpus entry after a format it is not, or is not at all', () => {
    // Guards the corpus: each entry must reach the decoder under a misleading or empty name.
    expect(corpus.map((entry) => sniffImageFormat(entry.bytes))).toEqual([
      undefined, undefined, undefined, 'jpeg', 'jpeg', 'png', 'png', 'jpeg', 'gif', 'webp',
      'heic', 'png', 'png',
    ]);
  });

  it('turns every bad file into a typed error and leaves nothing behind', async () => {
    for (const entry of corpus) {
      const bytes = await readFile(path.join(dir, entry.name));
      const scope = new EphemeralScope({ label: 'corpus' });
      const error: unknown = await decoder.decode(bytes, scope).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      const where = `${entry.name}: ${String(error)}`;
      expect(isVopopError(error), where).toBe(true);
      if ('decode' in entry.expected) {
        expect(error, where).toBeInstanceOf(ImageDecodeError);
        const decodeError = error as ImageDecodeError;
        expect(decodeError.reason, where).toBe(entry.expected.decode);
        expect(decodeError.format, where).toBe(entry.expected.format);
      } else {
        expect(error, where).toBeInstanceOf(ImageTooLargeError);
        const tooLarge = error as ImageTooLargeError;
        expect(tooLarge.limit, where).toBe(entry.expected.tooLarge);
        expect([tooLarge.width, tooLarge.height], where).toEqual([
          entry.expected.width,
          entry.expected.height,
        ]);
      }
      expect(scope.liveHandles, where).toBe(0);
      expect(scope.isOpen, where).toBe(true);
      expect(scope.purge().records, where).toHaveLength(0);
    }
    expect((await readdir(dir)).sort()).toEqual(corpus.map((entry) => entry.name).sort());
    expect(await vipsTempFiles()).toEqual(vipsTempBefore);
  });

  it('tolerates stray bytes between JPEG segments, as libjpeg does', async () => {
    const jpg = await readFile(path.join(faces, 'portrait_small.jpg'));
    // Four junk bytes before the first DQT segment, which follows the ICC and Adobe segments.
    const dqt = jpg.indexOf(Buffer.from([0xff, 0xdb]));
    expect(dqt).toBeGreaterThan(0);
    const junk = Buffer.concat([jpg.subarray(0, dqt), Buffer.from([1, 2, 3, 4]), jpg.subarray(dqt)]);
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(junk, scope);
    expect([image.width, image.height]).toEqual([192, 256]);
  });

  it('refuses a 30000×30000 header before any decoder runs', async () => {
    // The header alone, with no pixel data at all: a decoder that ran first would report the
    // file as truncated; only a header check reports the size.
    const headerOnly = pngClaiming(30000, 30000).subarray(0, 33);
    using scope = new EphemeralScope({ label: 'test' });
    const error = await decoder.decode(headerOnly, scope).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error).toMatchObject({ limit: 'dimension', actual: 30000, max: 16384 });
    expect(scope.liveHandles).toBe(0);
  });

  it('applies byte, pixel and dimension limits from the call over the decoder defaults', async () => {
    const jpg = await readFile(path.join(faces, 'portrait_small.jpg'));
    const strict = new NodeImageDecoder({ limits: { maxDimension: 200 } });
    using scope = new EphemeralScope({ label: 'test' });
    await expect(strict.decode(jpg, scope)).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      limit: 'dimension',
      actual: 256,
      width: 192,
      height: 256,
    });
    await expect(
      strict.decode(jpg, scope, { limits: { maxDimension: 256, maxPixels: 192 * 256 - 1 } }),
    ).rejects.toMatchObject({ limit: 'pixels', actual: 192 * 256 });
    await expect(
      decoder.decode(jpg, scope, { limits: { maxBytes: jpg.length - 1 } }),
    ).rejects.toMatchObject({ limit: 'bytes', actual: jpg.length, width: undefined });
    const image = await strict.decode(jpg, scope, { limits: { maxDimension: 256 } });
    expect([image.width, image.height]).toEqual([192, 256]);
    expect(scope.liveHandles).toBe(1);
  });

  it('rejects invalid limits and non-byte input with InvalidArgumentError', async () => {
    expect(() => new NodeImageDecoder({ limits: { maxPixels: 0 } })).toThrow(InvalidArgumentError);
    using scope = new EphemeralScope({ label: 'test' });
    await expect(
      decoder.decode(new Uint8Array(1), scope, { limits: { maxBytes: 1.5 } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      decoder.decode('not bytes' as unknown as Uint8Array, scope),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("still exports readImageHeader and ImageHeader, now core's reader under its old names", async () => {
    const adapter = await import('../index');
    expect(adapter.readImageHeader).toBe(adapter.readPhotoHeader);
    const header: ImageHeader = adapter.readImageHeader(pngClaiming(300, 200), 'png');
    expect(header).toEqual({ format: 'png', width: 300, height: 200 });
    expect(adapter.sniffImageFormat(await readFile(path.join(dir, 'photo.heic')))).toBe('heic');
  });

  it('keeps decoder output out of error messages', async () => {
    const scope = new EphemeralScope({ label: 'test' });
    const png = await readFile(path.join(dir, 'bad-crc.png'));
    const error = (await decoder.decode(png, scope).catch((thrown: unknown) => thrown)) as Error;
    expect(error.message).not.toMatch(/libspng|pngload|vips/i);
    expect(error.cause).toBeInstanceOf(Error);
  });
});
