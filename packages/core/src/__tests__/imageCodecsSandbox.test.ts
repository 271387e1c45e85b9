import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  EphemeralScope,
  ImageDecodeError,
  ImageTooLargeError,
  SandboxedImageDecoder,
  isAllZero,
  isVopopError,
  readExifOrientation,
} from '../index';
import type { ExifOrientation, PhotoCodecModules, SandboxRelease } from '../index';
import { WasmSandbox } from '../decode/wasmSandbox';
import type { EmscriptenFactory } from '../decode/wasmSandbox';
import { compactInitialMemory } from '../decode/compactWasmMemory';
import { createRequire } from 'node:module';
import { codecModules, difference, encodePng, exifWithOrientation, randomBytes, sharpRgba } from './imageCodecsTestKit';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(faces, name)));

let modules: PhotoCodecModules;
const releases: SandboxRelease[] = [];
let decoder: SandboxedImageDecoder;

beforeAll(async () => {
  modules = await codecModules();
  decoder = new SandboxedImageDecoder({ modules, onSandboxRelease: (release) => releases.push(release) });
});

/** Every sandbox released since `from` read back as zeros, checked again here independently. */
function expectSandboxesWiped(from: number): void {
  expect(releases.length).toBeGreaterThan(from);
  for (const release of releases.slice(from)) {
    expect(release.verified).toBe(true);
    expect(release.bytes).toBeGreaterThan(0);
    expect(isAllZero(new Uint8Array(release.memory.buffer))).toBe(true);
  }
}

describe('SandboxedImageDecoder: JPEG and WebP through wasm', () => {
  it('decodes a JPEG like sharp does, within JPEG noise, and wipes its sandbox', async () => {
    const bytes = fixture('portrait_small.jpg');
    const before = releases.length;
    const scope = new EphemeralScope();
    const image = await decoder.decode(bytes, scope);
    const reference = await sharpRgba(bytes);
    expect([image.width, image.height]).toEqual([reference.width, reference.height]);
    const diff = difference(image.pixels.value, reference.data);
    expect(diff.mean).toBeLessThan(2);
    expectSandboxesWiped(before);
    const pixels = image.pixels.value;
    scope.purge();
    expect(isAllZero(pixels)).toBe(true);
  });

  it('decodes lossy and lossless WebP like sharp does', async () => {
    const source = fixture('portrait_small.jpg');
    for (const options of [{ quality: 90 }, { lossless: true }]) {
      const webp = new Uint8Array(await sharp(source).webp(options).toBuffer());
      const before = releases.length;
      const scope = new EphemeralScope();
      const image = await decoder.decode(webp, scope);
      const reference = await sharpRgba(webp);
      const diff = difference(image.pixels.value, reference.data);
      if ('lossless' in options) expect(diff.max).toBe(0);
      else expect(diff.mean).toBeLessThan(2);
      expectSandboxesWiped(before);
      scope.purge();
    }
  });
});

describe('WasmSandbox', () => {
  interface Runtime {
    decode(data: Uint8Array, rotate: boolean): { data: Uint8ClampedArray } | null;
    readonly HEAPU8: Uint8Array;
  }

  it('gives every run a fresh instance and wipes its memory, also when the work throws', async () => {
    const glue = (await import('@jsquash/jpeg/codec/dec/mozjpeg_dec.js')) as unknown as {
      default: EmscriptenFactory<Runtime>;
    };
    const seen: SandboxRelease[] = [];
    const sandbox = new WasmSandbox(modules.jpeg, glue.default, { onRelease: (release) => seen.push(release) });
    const bytes = fixture('portrait_small.jpg');
    const width = await sandbox.run((runtime) => {
      const image = runtime.decode(bytes, false);
      const length = image!.data.byteLength;
      image!.data.fill(0);
      return length;
    });
    expect(width).toBeGreaterThan(0);
    let dirty = false;
    await expect(
      sandbox.run((runtime) => {
        runtime.decode(bytes, false);
        // The decoder's heap now holds the file and the pixels it freed: the sandbox's job.
        dirty = !isAllZero(runtime.HEAPU8);
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(dirty).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.memory).not.toBe(seen[1]!.memory);
    for (const release of seen) {
      expect(release.verified).toBe(true);
      expect(isAllZero(new Uint8Array(release.memory.buffer))).toBe(true);
    }
  });
});

describe('compactInitialMemory', () => {
  it('shrinks the decoders\' initial memory, and the decode still works', async () => {
    const require = createRequire(import.meta.url);
    const original = new Uint8Array(readFileSync(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm')));
    const compacted = compactInitialMemory(original);
    expect(compacted).not.toBe(original);
    expect(WebAssembly.validate(compacted as Uint8Array<ArrayBuffer>)).toBe(true);
    // What the first sandbox of a small decode held: far below the build's 16 MiB.
    const before = releases.length;
    const scope = new EphemeralScope();
    await decoder.decode(fixture('portrait_small.jpg'), scope);
    scope.purge();
    expect(releases[before]!.bytes).toBeLessThan(4 << 20);
  });

  it('returns bytes it does not understand unchanged', () => {
    const junk = randomBytes(64, 5);
    expect(compactInitialMemory(junk)).toBe(junk);
    const noMemory = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(compactInitialMemory(noMemory)).toBe(noMemory);
  });
});

describe('EXIF orientation, all eight, in every format', () => {
  const width = 40;
  const height = 24;
  // Smooth ramps (JPEG-friendly) plus a bright corner block, so every turn or mirror shows.
  const original = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      original[i] = Math.round((x / (width - 1)) * 255);
      original[i + 1] = Math.round((y / (height - 1)) * 255);
      original[i + 2] = x < 10 && y < 8 ? 255 : 0;
      original[i + 3] = 255;
    }
  }

  /** The stored image whose orientation-n display is `original`, built with sharp alone. */
  async function storedFor(orientation: ExifOrientation): Promise<{ data: Buffer; width: number; height: number }> {
    const step = async (input: { data: Buffer; width: number; height: number }, op: (s: sharp.Sharp) => sharp.Sharp) => {
      const { data, info } = await op(sharp(input.data, { raw: { width: input.width, height: input.height, channels: 4 } }))
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    };
    const start = { data: Buffer.from(original), width, height };
    switch (orientation) {
      case 1:
        return start;
      case 2:
        return step(start, (s) => s.flop());
      case 3:
        return step(start, (s) => s.rotate(180));
      case 4:
        return step(start, (s) => s.flip());
      case 5:
        return step(await step(start, (s) => s.rotate(90)), (s) => s.flop());
      case 6:
        return step(start, (s) => s.rotate(270));
      case 7:
        return step(await step(start, (s) => s.rotate(90)), (s) => s.flip());
      case 8:
        return step(start, (s) => s.rotate(90));
    }
  }

  for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
    it(`orientation ${orientation}: the upright decode equals the original`, async () => {
      const stored = await storedFor(orientation);
      const asSharp = () => sharp(stored.data, { raw: { width: stored.width, height: stored.height, channels: 4 } });
      const jpeg = new Uint8Array(
        await asSharp().jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).withMetadata({ orientation }).toBuffer(),
      );
      const webp = new Uint8Array(await asSharp().webp({ lossless: true }).withMetadata({ orientation }).toBuffer());
      const png = encodePng({
        width: stored.width,
        height: stored.height,
        colourType: 6,
        depth: 8,
        samples: Uint16Array.from(stored.data),
        exif: exifWithOrientation(orientation, orientation % 2 === 0),
      });
      expect(readExifOrientation(jpeg, 'jpeg')).toBe(orientation);
      expect(readExifOrientation(webp, 'webp')).toBe(orientation);
      expect(readExifOrientation(png, 'png')).toBe(orientation);
      const scope = new EphemeralScope();
      for (const [bytes, tolerance] of [
        [png, 0],
        [webp, 0],
        [jpeg, 3],
      ] as const) {
        const image = await decoder.decode(bytes, scope);
        expect([image.width, image.height]).toEqual([width, height]);
        expect(difference(image.pixels.value, original).mean).toBeLessThanOrEqual(tolerance);
      }
      scope.purge();
    });
  }
});

describe('SandboxedImageDecoder on bad input', () => {
  /** A result or a typed error, and in either case no handle left unless a result came back. */
  async function outcome(bytes: Uint8Array, limits?: { maxPixels?: number }): Promise<string> {
    const scope = new EphemeralScope();
    const before = releases.length;
    try {
      const image = await decoder.decode(bytes, scope, limits === undefined ? {} : { limits });
      expect(scope.liveHandles).toBe(1);
      expect(image.pixels.value.byteLength).toBe(image.width * image.height * 4);
      return 'decoded';
    } catch (error) {
      expect(isVopopError(error)).toBe(true);
      expect(scope.liveHandles).toBe(0);
      return error instanceof ImageDecodeError ? `${error.code}:${error.reason}` : (error as { code: string }).code;
    } finally {
      for (const release of releases.slice(before)) expect(isAllZero(new Uint8Array(release.memory.buffer))).toBe(true);
      scope.purge();
    }
  }

  it('turns each kind of bad input into a result or a typed error', async () => {
    const jpeg = fixture('portrait_small.jpg');
    const webp = new Uint8Array(await sharp(jpeg).webp({ quality: 80 }).toBuffer());
    const cmyk = new Uint8Array(await sharp(jpeg).toColourspace('cmyk').jpeg().toBuffer());
    const gray = new Uint8Array(await sharp(jpeg).greyscale().jpeg().toBuffer());
    const gif = new Uint8Array(await sharp(jpeg).gif().toBuffer());
    const damagedScan = jpeg.slice();
    const noise = randomBytes(2000, 3);
    for (let i = 0; i < noise.length; i++) damagedScan[damagedScan.byteLength - 3000 + i] = noise[i]!;
    const damagedWebp = webp.slice();
    for (let i = 0; i < 500; i++) damagedWebp[40 + i] = noise[i]!;
    // A baseline (SOF0) re-encode, so the frame header is easy to find and patch.
    const hugeJpeg = new Uint8Array(await sharp(jpeg).jpeg({ progressive: false }).toBuffer());
    const sof = hugeJpeg.findIndex((b, i) => b === 0xff && hugeJpeg[i + 1] === 0xc0);
    new DataView(hugeJpeg.buffer).setUint16(sof + 5, 30000);
    new DataView(hugeJpeg.buffer).setUint16(sof + 7, 30000);
    const hugeWebp = Uint8Array.from([
      ...new TextEncoder().encode('RIFF'), 30, 0, 0, 0, ...new TextEncoder().encode('WEBPVP8X'),
      10, 0, 0, 0, 0, 0, 0, 0, 0x2f, 0x75, 0x00, 0x2f, 0x75, 0x00,
    ]);

    expect(await outcome(new Uint8Array(0))).toBe('IMAGE_DECODE:empty');
    expect(await outcome(randomBytes(5000, 9))).toBe('IMAGE_DECODE:unrecognized');
    expect(await outcome(new TextEncoder().encode('hello, I am a text file named photo.jpg'))).toBe(
      'IMAGE_DECODE:unrecognized',
    );
    expect(await outcome(jpeg.subarray(0, jpeg.byteLength >> 1))).toBe('IMAGE_DECODE:truncated');
    expect(await outcome(webp.subarray(0, webp.byteLength >> 1))).toBe('IMAGE_DECODE:truncated');
    expect(await outcome(jpeg.subarray(0, 100))).toMatch(/IMAGE_DECODE:(truncated|corrupt)/);
    expect(await outcome(hugeJpeg)).toBe('IMAGE_TOO_LARGE');
    expect(await outcome(hugeWebp)).toBe('IMAGE_TOO_LARGE');
    expect(await outcome(cmyk)).toBe('IMAGE_DECODE:unsupported-format');
    // Named, not "unrecognized": the reader knows the formats it refuses.
    expect(await outcome(gif)).toBe('IMAGE_DECODE:unsupported-format');
    expect(await outcome(gray)).toBe('decoded');
    expect(await outcome(jpeg, { maxPixels: 1000 })).toBe('IMAGE_TOO_LARGE');
    expect(['decoded', 'IMAGE_DECODE:corrupt']).toContain(await outcome(damagedScan));
    expect(['decoded', 'IMAGE_DECODE:corrupt']).toContain(await outcome(damagedWebp));
  });

  it('refuses a huge header with ImageTooLargeError before any sandbox starts', async () => {
    const before = releases.length;
    const png = encodePng({ width: 2, height: 2, colourType: 0, depth: 8, samples: new Uint16Array(4) });
    new DataView(png.buffer).setUint32(16, 30000);
    new DataView(png.buffer).setUint32(20, 30000);
    await expect(decoder.decode(png, new EphemeralScope())).rejects.toBeInstanceOf(ImageTooLargeError);
    expect(releases.length).toBe(before);
  });

  it('leaves nothing behind when aborted during a decode', async () => {
    const scope = new EphemeralScope();
    const controller = new AbortController();
    const pending = decoder.decode(fixture('portrait_small.jpg'), scope, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(scope.liveHandles).toBe(0);
  });
});
