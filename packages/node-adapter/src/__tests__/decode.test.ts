import { readFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '@vopop/core';
import { AbortedError, EphemeralScope, PurgedError, isAllZero } from '@vopop/core';
import { NodeImageDecoder } from '../decode/nodeImageDecoder';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';


interface Raw {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Mean absolute difference over every channel of two same-sized RGBA images. */
function meanAbsDiff(a: Raw, b: Raw): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

function alphaValues(data: Uint8Array): Set<number> {
  const values = new Set<number>();
  for (let i = 3; i < data.length; i += 4) values.add(data[i]!);
  return values;
}

function copyOf(image: RgbaImage): Raw {
  return { width: image.width, height: image.height, data: image.pixels.value.slice() };
}

/**
 * Where stored pixel (sx, sy) is shown once EXIF orientation `n` is applied (EXIF 2.32 §4.6.4,
 * written out here rather than taken from sharp, so that the test checks sharp's handling).
 */
function uprightOf(n: number, sx: number, sy: number, sw: number, sh: number): [number, number] {
  switch (n) {
    case 1: return [sx, sy];
    case 2: return [sw - 1 - sx, sy];
    case 3: return [sw - 1 - sx, sh - 1 - sy];
    case 4: return [sx, sh - 1 - sy];
    case 5: return [sy, sx];
    case 6: return [sh - 1 - sy, sx];
    case 7: return [sh - 1 - sy, sw - 1 - sx];
    case 8: return [sy, sw - 1 - sx];
    default: throw new Error(`orientation ${n}`);
  }
}

/** The pixels a camera would store so that orientation `n` displays `upright`. */
function storedFor(n: number, upright: Raw): Raw {
  const swap = n >= 5;
  const sw = swap ? upright.height : upright.width;
  const sh = swap ? upright.width : upright.height;
  const data = new Uint8Array(sw * sh * 4);
  for (let sy = 0; sy < sh; sy++) {
    for (let sx = 0; sx < sw; sx++) {
      const [ux, uy] = uprightOf(n, sx, sy, sw, sh);
      data.set(upright.data.subarray((uy * upright.width + ux) * 4, (uy * upright.width + ux) * 4 + 4), (sy * sw + sx) * 4);
    }
  }
  return { width: sw, height: sh, data };
}

function rawInput(image: Raw) {
  return { raw: { width: image.width, height: image.height, channels: 4 as const } };
}

describe('NodeImageDecoder', () => {
  const decoder = new NodeImageDecoder();
  let jpegBytes: Uint8Array;
  let upright: Raw;

  beforeAll(async () => {
    jpegBytes = await readFile(path.join(faces, 'portrait_small.jpg'));
    // The reference is jpeg-js, an independent pure-JS decoder, not sharp itself.
    const decoded = jpeg.decode(jpegBytes, { useTArray: true, formatAsRGBA: true });
    upright = { width: decoded.width, height: decoded.height, data: decoded.data };
  });

  it('decodes a JPEG into tight, opaque RGBA that matches an independent decoder', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(jpegBytes, scope);
    expect(image.pixels.value.byteLength).toBe(image.width * image.height * 4);
    expect(image.pixels.kind).toBe('pixels');
    expect(image.pixels.label).toBe('photo.pixels');
    expect(alphaValues(image.pixels.value)).toEqual(new Set([255]));
    expect(meanAbsDiff(copyOf(image), upright)).toBeLessThan(1.5);
    expect(scope.liveHandles).toBe(1);
  });

  it('wipes the pixels on purge: the bytes read as zeros and the handle refuses access', async () => {
    const scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(jpegBytes, scope);
    const pixels = image.pixels.value;
    expect(isAllZero(pixels)).toBe(false);
    const receipt = scope.purge();
    expect(isAllZero(pixels)).toBe(true);
    expect(receipt.records).toEqual([
      expect.objectContaining({ kind: 'pixels', bytes: pixels.byteLength, verified: true }),
    ]);
    expect(() => image.pixels.value).toThrow(PurgedError);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('applies EXIF orientation %i', async (n) => {
    const stored = storedFor(n, upright);
    const file = await sharp(stored.data, rawInput(stored))
      .removeAlpha()
      .withMetadata({ orientation: n })
      .jpeg({ quality: 95 })
      .toBuffer();
    expect((await sharp(file).metadata()).orientation).toBe(n);
    // Without orientation the file's pixels are not upright (or not even the same shape),
    // so a decoder that ignored the tag would fail the comparison below.
    if (n !== 1) {
      if (n < 5) expect(meanAbsDiff(stored, upright)).toBeGreaterThan(20);
      else expect([stored.width, stored.height]).not.toEqual([upright.width, upright.height]);
    }
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(meanAbsDiff(copyOf(image), upright)).toBeLessThan(3);
  });

  it('applies EXIF orientation in a lossless WebP exactly', async () => {
    const stored = storedFor(6, upright);
    const file = await sharp(stored.data, rawInput(stored))
      .withMetadata({ orientation: 6 })
      .webp({ lossless: true })
      .toBuffer();
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(meanAbsDiff(copyOf(image), upright)).toBe(0);
  });

  it('applies EXIF orientation in a PNG (eXIf chunk) exactly', async () => {
    const stored = storedFor(8, upright);
    const file = await sharp(stored.data, rawInput(stored))
      .withMetadata({ orientation: 8 })
      .png()
      .toBuffer();
    expect((await sharp(file).metadata()).orientation).toBe(8);
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(meanAbsDiff(copyOf(image), upright)).toBe(0);
  });

  it('expands a 16-bit gray + alpha PNG to 8-bit RGBA', async () => {
    const file = await sharp(upright.data, rawInput(upright))
      .toColourspace('b-w')
      .ensureAlpha(0.5)
      .toColourspace('grey16')
      .png()
      .toBuffer();
    const meta = await sharp(file).metadata();
    expect([meta.channels, meta.depth]).toEqual([2, 'ushort']);
    const reference = PNG.sync.read(Buffer.from(file));
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(alphaValues(image.pixels.value)).toEqual(new Set([reference.data[3]]));
    expect(meanAbsDiff(copyOf(image), { ...reference, data: reference.data })).toBeLessThan(0.5);
  });

  it('decodes a lossy WebP', async () => {
    const file = await sharp(upright.data, rawInput(upright)).webp({ quality: 95 }).toBuffer();
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(meanAbsDiff(copyOf(image), upright)).toBeLessThan(3);
  });

  it('expands a grayscale JPEG to RGBA with equal channels', async () => {
    const file = await sharp(upright.data, rawInput(upright)).toColourspace('b-w').jpeg().toBuffer();
    expect((await sharp(file).metadata()).channels).toBe(1);
    const reference = jpeg.decode(file, { useTArray: true, formatAsRGBA: true });
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    const data = image.pixels.value;
    let unequal = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) unequal++;
    }
    expect(unequal).toBe(0);
    expect(alphaValues(data)).toEqual(new Set([255]));
    expect(meanAbsDiff(copyOf(image), reference)).toBeLessThan(1.5);
  });

  it('converts a CMYK JPEG to sRGB close to the original colours', async () => {
    const file = await sharp(upright.data, rawInput(upright))
      .removeAlpha()
      .toColourspace('cmyk')
      .jpeg({ quality: 95 })
      .toBuffer();
    const meta = await sharp(file).metadata();
    expect([meta.space, meta.channels]).toEqual(['cmyk', 4]);
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(alphaValues(image.pixels.value)).toEqual(new Set([255]));
    // Read as RGB without conversion, the four CMYK channels would be far off.
    expect(meanAbsDiff(copyOf(image), upright)).toBeLessThan(8);
  });

  it('keeps the alpha channel of a PNG exactly', async () => {
    const withAlpha = upright.data.slice();
    for (let i = 3; i < withAlpha.length; i += 4) withAlpha[i] = (i >> 2) % 256;
    const source = { ...upright, data: withAlpha };
    const file = await sharp(withAlpha, rawInput(source)).png().toBuffer();
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(meanAbsDiff(copyOf(image), source)).toBe(0);
  });

  it('reduces a 16-bit PNG to 8 bits per channel', async () => {
    const file = await sharp(upright.data, rawInput(upright))
      .removeAlpha()
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(file).metadata()).depth).toBe('ushort');
    const reference = PNG.sync.read(Buffer.from(file));
    expect(reference.depth).toBe(16);
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(meanAbsDiff(copyOf(image), upright)).toBeLessThan(0.01);
    // pngjs and libvips round 16 → 8 bits slightly differently: at most one level apart.
    expect(meanAbsDiff(copyOf(image), { ...reference, data: reference.data })).toBeLessThan(0.5);
  });

  it('expands a palette PNG exactly as an independent decoder does', async () => {
    const file = await sharp(upright.data, rawInput(upright)).png({ palette: true }).toBuffer();
    const reference = PNG.sync.read(Buffer.from(file));
    expect(reference.colorType).toBe(3);
    using scope = new EphemeralScope({ label: 'test' });
    const image = await decoder.decode(file, scope);
    expect(meanAbsDiff(copyOf(image), { ...reference, data: reference.data })).toBe(0);
  });

  it('rejects at once on an abort during the decode and leaves nothing in the scope', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const controller = new AbortController();
    const pending = decoder.decode(jpegBytes, scope, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(scope.liveHandles).toBe(0);
    // libvips finishes in the background after the rejection; its output must not land here.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(scope.liveHandles).toBe(0);
    expect(scope.purge().records).toHaveLength(0);
  });

  it('refuses an already aborted signal and a closed scope', async () => {
    const scope = new EphemeralScope({ label: 'test' });
    await expect(
      decoder.decode(jpegBytes, scope, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortedError);
    scope.purge();
    await expect(decoder.decode(jpegBytes, scope)).rejects.toBeInstanceOf(PurgedError);
  });

  it('wipes the result when the scope is purged while decoding', async () => {
    const scope = new EphemeralScope({ label: 'test' });
    const pending = decoder.decode(jpegBytes, scope);
    scope.purge();
    await expect(pending).rejects.toBeInstanceOf(PurgedError);
    expect(scope.liveHandles).toBe(0);
  });
});
