import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  EphemeralScope,
  ImageDecodeError,
  ImageTooLargeError,
  InvalidArgumentError,
  PurgedError,
  isAllZero,
} from '@vopop/core';
import type { SandboxRelease } from '@vopop/core';
import { NodeImageDecoder } from '../decode/nodeImageDecoder';
import { WasmImageDecoder, loadNodePhotoCodecModules } from '../decode/wasmImageDecoder';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(faces, name)));

const releases: SandboxRelease[] = [];
const wasm = new WasmImageDecoder({ onSandboxRelease: (release) => releases.push(release) });
const reference = new NodeImageDecoder();

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.byteLength).toBe(b.byteLength);
  let sum = 0;
  for (let i = 0; i < a.byteLength; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.byteLength;
}

/** Decode with both Node decoders; returns the mean absolute difference per channel. */
async function compare(bytes: Uint8Array): Promise<number> {
  const scope = new EphemeralScope();
  const before = releases.length;
  const ours = await wasm.decode(bytes, scope);
  const theirs = await reference.decode(bytes, scope);
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
  const mean = meanDifference(ours.pixels.value, theirs.pixels.value);
  for (const release of releases.slice(before)) {
    expect(isAllZero(new Uint8Array(release.memory.buffer))).toBe(true);
  }
  const pixels = ours.pixels.value;
  scope.purge();
  expect(isAllZero(pixels)).toBe(true);
  return mean;
}

describe('WasmImageDecoder against NodeImageDecoder (sharp)', () => {
  it('loads and compiles the codecs from the installed packages, once', async () => {
    const first = loadNodePhotoCodecModules();
    expect(loadNodePhotoCodecModules()).toBe(first);
    const modules = await first;
    expect(modules.jpeg).toBeInstanceOf(WebAssembly.Module);
    expect(modules.webp).toBeInstanceOf(WebAssembly.Module);
  });

  it('decodes the JPEG fixtures within JPEG noise and the PNG fixture exactly', async () => {
    expect(await compare(fixture('portrait_small.jpg'))).toBeLessThan(2);
    expect(await compare(fixture('three_people.jpg'))).toBeLessThan(2);
    expect(await compare(fixture('astronaut.png'))).toBe(0);
  });

  it('decodes 16-bit, grayscale and alpha PNGs and WebP exactly as sharp does', async () => {
    const source = sharp(fixture('portrait_small.jpg'));
    const variants = [
      await source.clone().toColourspace('rgb16').png().toBuffer(),
      await source.clone().greyscale().png().toBuffer(),
      await source.clone().ensureAlpha(0.5).png().toBuffer(),
      await source.clone().greyscale().ensureAlpha(0.25).png({ palette: false }).toBuffer(),
      await source.clone().png({ palette: true, colours: 16 }).toBuffer(),
      await source.clone().webp({ lossless: true }).toBuffer(),
    ];
    for (const bytes of variants) expect(await compare(new Uint8Array(bytes))).toBe(0);
  });
});

describe('WasmImageDecoder contract', () => {
  it('names the formats it refuses', async () => {
    const gif = new TextEncoder().encode('GIF89a\u0001\u0000\u0001\u0000');
    const heic = Uint8Array.from([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0]);
    for (const [bytes, format] of [
      [gif, 'gif'],
      [heic, 'heic'],
    ] as const) {
      const scope = new EphemeralScope();
      const error = await wasm.decode(bytes, scope).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageDecodeError);
      expect(error).toMatchObject({ reason: 'unsupported-format', format });
      expect(scope.liveHandles).toBe(0);
    }
  });

  it('enforces limits from the constructor and from the call', async () => {
    const bytes = fixture('portrait_small.jpg');
    expect(() => new WasmImageDecoder({ limits: { maxPixels: 0 } })).toThrow(InvalidArgumentError);
    const strict = new WasmImageDecoder({ limits: { maxDimension: 100 } });
    const scope = new EphemeralScope();
    await expect(strict.decode(bytes, scope)).rejects.toMatchObject({ limit: 'dimension', max: 100 });
    await expect(wasm.decode(bytes, scope, { limits: { maxBytes: 1000 } })).rejects.toBeInstanceOf(
      ImageTooLargeError,
    );
    expect(scope.liveHandles).toBe(0);
  });

  it('refuses non-bytes, aborted signals and closed scopes, leaving nothing', async () => {
    const scope = new EphemeralScope();
    await expect(wasm.decode('photo.jpg' as unknown as Uint8Array, scope)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      wasm.decode(fixture('portrait_small.jpg'), scope, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(scope.liveHandles).toBe(0);
    scope.purge();
    await expect(wasm.decode(fixture('portrait_small.jpg'), scope)).rejects.toBeInstanceOf(PurgedError);
  });

  it('labels the pixels handle and wipes it on purge', async () => {
    const decoder = new WasmImageDecoder({ label: 'selfie.pixels' });
    const scope = new EphemeralScope();
    const image = await decoder.decode(fixture('portrait_small.jpg'), scope);
    const receipt = scope.purge();
    expect(receipt.records).toEqual([
      expect.objectContaining({ kind: 'pixels', label: 'selfie.pixels', bytes: image.width * image.height * 4, verified: true }),
    ]);
  });
});
