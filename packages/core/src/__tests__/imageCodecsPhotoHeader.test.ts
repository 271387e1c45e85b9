import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  EphemeralScope,
  ImageDecodeError,
  ImageTooLargeError,
  InvalidArgumentError,
  PurgedError,
  photoDecodeLimits,
  photoEndsEarly,
  preparePhotoDecode,
  readPhotoHeader,
  resolvePhotoLimits,
  sniffImageFormat,
} from '../index';
import { sniffPhotoFormat } from '../decode/photoHeader';
import { encodePng } from './imageCodecsTestKit';

// The one header reader every decoder uses (core's, the Node adapter's, the browser's): format
// from the magic bytes, size from the header, the formats it refuses named, and the checks
// that run before any pixel is decoded.

const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));
const bytesOf = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? ascii(part) : part)));

const gif = bytesOf('GIF89a', [1, 0, 1, 0, 0, 0, 0], ';');
const heic = bytesOf([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic');
const smallPng = encodePng({ width: 3, height: 2, colourType: 0, depth: 8, samples: new Uint16Array(6) });

/** A baseline JPEG up to and including its frame header (SOF0), `width` × `height`, 3 components. */
function jpegFrameHeader(width: number, height: number): Uint8Array {
  return bytesOf(
    [0xff, 0xd8],
    [0xff, 0xe0, 0, 16], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
    [0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3],
    [1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
  );
}

async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('sniffImageFormat', () => {
  it('names every format it knows from the magic bytes, and nothing else', () => {
    const cases: [Uint8Array, string | undefined][] = [
      [jpegFrameHeader(4, 4), 'jpeg'],
      [smallPng, 'png'],
      [bytesOf('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'webp'],
      [bytesOf('GIF87a'), 'gif'],
      [gif, 'gif'],
      [bytesOf([0x49, 0x49, 0x2a, 0]), 'tiff'],
      [bytesOf([0x4d, 0x4d, 0, 0x2a]), 'tiff'],
      [bytesOf([0xff, 0x0a, 0, 0]), 'jxl'],
      [bytesOf([0, 0, 0, 0x0c], 'JXL ', [0x0d, 0x0a, 0x87, 0x0a]), 'jxl'],
      [heic, 'heic'],
      [bytesOf([0, 0, 0, 0x18], 'ftypavif', [0, 0, 0, 0]), 'avif'],
      [bytesOf('BM', [0x3a, 0, 0, 0, 0, 0, 0, 0]), 'bmp'],
      // Text that happens to start like a bitmap, or a RIFF that is not WebP (a WAV).
      [bytesOf('BMW cars are fast'), undefined],
      [bytesOf('RIFF', [0, 0, 0, 0], 'WAVEfmt '), undefined],
      [new Uint8Array(0), undefined],
    ];
    expect(cases.map(([bytes]) => sniffImageFormat(bytes))).toEqual(cases.map(([, format]) => format));
  });

  it('keeps sniffPhotoFormat to the three decodable formats', () => {
    expect(sniffPhotoFormat(smallPng)).toBe('png');
    expect(sniffPhotoFormat(gif)).toBeUndefined();
    expect(sniffPhotoFormat(heic)).toBeUndefined();
  });
});

describe('readPhotoHeader', () => {
  it('names a refused format instead of calling it unrecognised', () => {
    for (const [bytes, format, message] of [
      [gif, 'gif', 'GIF images are not supported'],
      [heic, 'heic', 'HEIC images are not supported'],
    ] as const) {
      const error = (() => {
        try {
          return readPhotoHeader(bytes);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(ImageDecodeError);
      expect(error).toMatchObject({ reason: 'unsupported-format', format });
      expect((error as Error).message).toContain(message);
    }
  });

  it('tells empty bytes from bytes that are no image', () => {
    expect(() => readPhotoHeader(new Uint8Array(0))).toThrow(
      expect.objectContaining({ reason: 'empty', format: undefined }),
    );
    expect(() => readPhotoHeader(bytesOf('just some text'))).toThrow(
      expect.objectContaining({ reason: 'unrecognized', format: undefined }),
    );
  });

  it('reads the size of each format, and reads the bytes as a given format without sniffing', () => {
    expect(readPhotoHeader(smallPng)).toEqual({ format: 'png', width: 3, height: 2 });
    expect(readPhotoHeader(smallPng, 'png')).toEqual({ format: 'png', width: 3, height: 2 });
    expect(readPhotoHeader(jpegFrameHeader(640, 480))).toEqual({
      format: 'jpeg',
      width: 640,
      height: 480,
      components: 3,
    });
    // Told it is a PNG, the reader does not look for another format, not even "empty".
    expect(() => readPhotoHeader(new Uint8Array(0), 'png')).toThrow(
      expect.objectContaining({ reason: 'truncated', format: 'png' }),
    );
    expect(() => readPhotoHeader(jpegFrameHeader(640, 480), 'png')).toThrow(
      expect.objectContaining({ reason: 'corrupt', format: 'png' }),
    );
  });

  it('reads a JPEG size from a frame header cut off before its component count', () => {
    const full = jpegFrameHeader(30000, 20000);
    const sof = full.findIndex((byte, i) => byte === 0xff && full[i + 1] === 0xc0);
    // The size is all the limits need: a file cut off right after it is still measured.
    expect(readPhotoHeader(full.subarray(0, sof + 9))).toEqual({ format: 'jpeg', width: 30000, height: 20000 });
    expect(() => readPhotoHeader(full.subarray(0, sof + 8))).toThrow(
      expect.objectContaining({ reason: 'truncated', format: 'jpeg' }),
    );
  });
});

describe('photoEndsEarly', () => {
  it('finds a PNG without its IEND chunk', () => {
    expect(photoEndsEarly(smallPng, 'png')).toBe(false);
    expect(photoEndsEarly(smallPng.subarray(0, smallPng.byteLength - 1), 'png')).toBe(true);
    expect(photoEndsEarly(smallPng.subarray(0, smallPng.byteLength - 12), 'png')).toBe(true);
    expect(photoEndsEarly(smallPng.subarray(0, 20), 'png')).toBe(true);
  });

  it('finds a JPEG without its end of image, and a WebP shorter than its RIFF size', () => {
    const head = jpegFrameHeader(4, 4);
    const scan = bytesOf([0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0], [0x12, 0xff, 0, 0x34]);
    expect(photoEndsEarly(Uint8Array.from([...head, ...scan, 0xff, 0xd9]), 'jpeg')).toBe(false);
    expect(photoEndsEarly(Uint8Array.from([...head, ...scan]), 'jpeg')).toBe(true);
    const webp = bytesOf('RIFF', [12, 0, 0, 0], 'WEBPVP8 ', [0, 0, 0, 0]);
    expect(photoEndsEarly(webp, 'webp')).toBe(false);
    expect(photoEndsEarly(webp.subarray(0, 19), 'webp')).toBe(true);
  });
});

describe('resolvePhotoLimits', () => {
  it('merges layers field by field over the defaults', () => {
    expect(resolvePhotoLimits()).toEqual(photoDecodeLimits);
    expect(Object.isFrozen(resolvePhotoLimits(undefined))).toBe(false);
    expect(resolvePhotoLimits({ maxPixels: 10, maxBytes: 20 }, undefined, { maxBytes: 30 })).toEqual({
      maxPixels: 10,
      maxBytes: 30,
      maxDimension: photoDecodeLimits.maxDimension,
    });
  });

  it('refuses a limit that is not a positive integer, in any layer', () => {
    expect(() => resolvePhotoLimits({ maxPixels: 0 })).toThrow(InvalidArgumentError);
    expect(() => resolvePhotoLimits({}, { maxDimension: 1.5 })).toThrow('limits.maxDimension');
  });
});

describe('preparePhotoDecode', () => {
  it('returns the header and the merged limits, holding nothing', () => {
    const scope = new EphemeralScope();
    const prepared = preparePhotoDecode(smallPng, scope, undefined, { maxPixels: 100 }, { maxDimension: 50 });
    expect(prepared).toEqual({
      header: { format: 'png', width: 3, height: 2 },
      limits: { maxPixels: 100, maxBytes: photoDecodeLimits.maxBytes, maxDimension: 50 },
    });
    expect(scope.liveHandles).toBe(0);
  });

  it('checks the argument, the signal, the scope and the limits before reading a byte', async () => {
    const scope = new EphemeralScope();
    const aborted = AbortSignal.abort('stop');
    expect(await failure(() => preparePhotoDecode('bytes' as unknown as Uint8Array, scope, aborted))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await failure(() => preparePhotoDecode(gif, scope, aborted))).toBeInstanceOf(AbortedError);
    expect(await failure(() => preparePhotoDecode(gif, scope, undefined, { maxBytes: -1 }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    const closed = new EphemeralScope();
    closed.purge();
    expect(await failure(() => preparePhotoDecode(gif, closed, undefined))).toBeInstanceOf(PurgedError);
  });

  it('checks the file size before the format, and the header size after it', async () => {
    const scope = new EphemeralScope();
    const text = bytesOf('not an image, and too long');
    expect(await failure(() => preparePhotoDecode(text, scope, undefined, { maxBytes: 10 }))).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      limit: 'bytes',
    });
    expect(await failure(() => preparePhotoDecode(gif, scope, undefined))).toMatchObject({
      reason: 'unsupported-format',
      format: 'gif',
    });
    const tooLarge = await failure(() => preparePhotoDecode(smallPng, scope, undefined, { maxDimension: 2 }));
    expect(tooLarge).toBeInstanceOf(ImageTooLargeError);
    expect(tooLarge).toMatchObject({ limit: 'dimension', width: 3, height: 2 });
  });
});
