import { describe, expect, it } from 'vitest';
import {
  EphemeralScope,
  ImageDecodeError,
  ImageTooLargeError,
  decodePng,
  isAllZero,
} from '../index';
import { channelsOf, encodePng, exifWithOrientation, randomBytes, sharpRgba } from './imageCodecsTestKit';
import type { PngSpec } from './imageCodecsTestKit';

const matrix: readonly [PngSpec['colourType'], readonly PngSpec['depth'][]][] = [
  [0, [1, 2, 4, 8, 16]],
  [2, [8, 16]],
  [3, [1, 2, 4, 8]],
  [4, [8, 16]],
  [6, [8, 16]],
];

function randomSpec(
  colourType: PngSpec['colourType'],
  depth: PngSpec['depth'],
  interlace: boolean,
  width: number,
  height: number,
  seed: number,
): PngSpec {
  const channels = channelsOf[colourType];
  const noise = randomBytes(width * height * channels * 2, seed);
  const samples = new Uint16Array(width * height * channels);
  const mask = (1 << depth) - 1;
  for (let i = 0; i < samples.length; i++) samples[i] = ((noise[2 * i]! << 8) | noise[2 * i + 1]!) & mask;
  const spec: PngSpec = { width, height, colourType, depth, interlace, samples };
  if (colourType === 3) {
    // A palette one entry short of full, so some indices fall outside it.
    const entries = Math.max(1, (1 << depth) - 1);
    const palette = randomBytes(entries * 3, seed + 1);
    const transparency = randomBytes(Math.max(1, entries >> 1), seed + 2);
    return { ...spec, palette, transparency };
  }
  if (colourType === 0 || colourType === 2) {
    // Colour-key transparency keyed to the first pixel, so at least one pixel matches it.
    const key = new Uint8Array(channels * 2);
    for (let k = 0; k < channels; k++) {
      key[2 * k] = samples[k]! >> 8;
      key[2 * k + 1] = samples[k]! & 0xff;
    }
    return { ...spec, transparency: key };
  }
  return spec;
}

describe('decodePng conformance against sharp (libpng)', () => {
  for (const [colourType, depths] of matrix) {
    for (const depth of depths) {
      for (const interlace of [false, true]) {
        it(`colour type ${colourType}, ${depth}-bit${interlace ? ', Adam7' : ''}`, async () => {
          const spec = randomSpec(colourType, depth, interlace, 37, 29, colourType * 100 + depth * 2 + (interlace ? 1 : 0));
          const png = encodePng(spec);
          const expected = await sharpRgba(png);
          const scope = new EphemeralScope();
          const image = decodePng(png, scope);
          expect([image.width, image.height]).toEqual([expected.width, expected.height]);
          expect(Buffer.from(image.pixels.value).equals(Buffer.from(expected.data))).toBe(true);
          scope.purge();
        });
      }
    }
  }

  it('decodes images too small to fill every Adam7 pass', async () => {
    for (const [width, height] of [
      [1, 1],
      [2, 1],
      [1, 5],
      [3, 2],
    ] as const) {
      const png = encodePng(randomSpec(6, 8, true, width, height, width * 7 + height));
      const expected = await sharpRgba(png);
      const scope = new EphemeralScope();
      const image = decodePng(png, scope);
      expect(Buffer.from(image.pixels.value).equals(Buffer.from(expected.data))).toBe(true);
      scope.purge();
    }
  });

  it('applies the eXIf orientation, and only IFD0 Orientation matters', () => {
    // 3×2 stored image; orientation 6 (turn clockwise) must give a 2×3 upright image.
    const samples = Uint16Array.from({ length: 3 * 2 * 4 }, (_, i) => (i % 4 === 3 ? 255 : i * 9));
    const png = encodePng({ width: 3, height: 2, colourType: 6, depth: 8, samples, exif: exifWithOrientation(6, false) });
    const scope = new EphemeralScope();
    const image = decodePng(png, scope);
    expect([image.width, image.height]).toEqual([2, 3]);
    // Upright (x, y) comes from stored (y, height - 1 - x): upright (0, 0) = stored (0, 1).
    const px = (buffer: Uint8Array, i: number) => Array.from(buffer.subarray(i * 4, i * 4 + 4));
    expect(px(image.pixels.value, 0)).toEqual(Array.from(samples.subarray(3 * 4, 3 * 4 + 4)));
    expect(px(image.pixels.value, 1)).toEqual(Array.from(samples.subarray(0, 4)));
    scope.purge();
  });
});

describe('decodePng on bad input', () => {
  const good = encodePng(randomSpec(2, 8, false, 16, 16, 7));

  function expectTypedFailure(bytes: Uint8Array, reason?: string): void {
    const scope = new EphemeralScope();
    let caught: unknown;
    try {
      decodePng(bytes, scope);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ImageDecodeError);
    if (reason !== undefined) expect((caught as ImageDecodeError).reason).toBe(reason);
    expect(scope.liveHandles).toBe(0);
  }

  it('refuses empty, non-PNG and truncated bytes with typed errors', () => {
    expectTypedFailure(new Uint8Array(0), 'empty');
    expectTypedFailure(new TextEncoder().encode('not a png, just text'), 'unrecognized');
    expectTypedFailure(good.subarray(0, 20), 'truncated');
    expectTypedFailure(good.subarray(0, good.byteLength - 20), 'truncated');
  });

  it('checks CRCs of critical chunks', () => {
    const bad = good.slice();
    bad[bad.byteLength - 20] = bad[bad.byteLength - 20]! ^ 0x55; // inside the last IDAT's data
    expectTypedFailure(bad, 'corrupt');
  });

  it('refuses corrupt compressed data and unknown filters', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const spec = randomSpec(6, 8, false, 8, 8, seed);
      const samples = spec.samples;
      const png = encodePng({ ...spec, samples });
      // Re-encode the IDAT with its compressed stream damaged but CRCs recomputed.
      const damaged = png.slice();
      const view = new DataView(damaged.buffer);
      let at = 8;
      while (at < damaged.byteLength) {
        const length = view.getUint32(at);
        const type = String.fromCharCode(...damaged.subarray(at + 4, at + 8));
        if (type === 'IDAT') {
          const noise = randomBytes(length, seed);
          for (let i = 2; i < length; i++) damaged[at + 8 + i] = damaged[at + 8 + i]! ^ noise[i]!;
          break;
        }
        at += 12 + length;
      }
      // Recompute that chunk's CRC so that only the payload is wrong.
      const length = view.getUint32(at);
      let crc = 0xffffffff;
      for (let i = at + 4; i < at + 8 + length; i++) {
        crc ^= damaged[i]!;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
      }
      view.setUint32(at + 8 + length, (crc ^ 0xffffffff) >>> 0);
      expectTypedFailure(damaged);
    }
  });

  it('refuses a 30000×30000 header before allocating anything', () => {
    const huge = good.slice(0, 33);
    const view = new DataView(huge.buffer);
    view.setUint32(16, 30000);
    view.setUint32(20, 30000);
    const scope = new EphemeralScope();
    // 30000² × 4 bytes is 3.6 GB: an allocation attempt would throw RangeError, not this.
    expect(() => decodePng(huge, scope)).toThrow(ImageTooLargeError);
    expect(() => decodePng(huge, scope, { limits: { maxPixels: 1e9, maxDimension: 40000 } })).toThrow(
      ImageDecodeError,
    );
    expect(scope.liveHandles).toBe(0);
  });

  it('wipes the decoded pixels at purge', () => {
    const scope = new EphemeralScope();
    const image = decodePng(good, scope);
    const pixels = image.pixels.value;
    expect(isAllZero(pixels)).toBe(false);
    const receipt = scope.purge();
    expect(isAllZero(pixels)).toBe(true);
    expect(receipt.records[0]).toMatchObject({ kind: 'pixels', label: 'photo.pixels', verified: true });
  });
});
