import { facesDir } from '../../../../fixtures/faces/facesDir';
import { readFileSync } from 'node:fs';
import { resolveObjectURL } from 'node:buffer';
import path from 'node:path';
import { EphemeralScope, ImageDecodeError, ImageTooLargeError, InvalidArgumentError, WiperRegistry } from '@vopop/core';
import { describe, expect, it, vi } from 'vitest';
import { BrowserImageDecoder } from '../decode/browserImageDecoder';
import { fetchModelBytesSource } from '../detect/browserModelSource';
import { browserWipers, objectUrlWiper, registerBrowserWipers } from '../purge/browserWipers';

// What the browser ports decide before touching a browser API: limits and format checks from
// the header, the origin rule for model files, object URL revocation. (The decode itself and
// the bitmap/canvas/frame wipers run in Chromium: see packages/web-adapter/e2e.)


/** A PNG signature and IHDR claiming `width` × `height`, and nothing else. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

describe('BrowserImageDecoder checks before decoding', () => {
  // createImageBitmap does not exist in Node: reaching it would throw a ReferenceError, so each
  // typed error below proves the check happened first.
  it.each([
    ['a huge pixel count', pngHeader(20_000, 15_000), ImageTooLargeError, {}],
    ['a side over the limit', pngHeader(4000, 3000), ImageTooLargeError, { maxDimension: 2000 }],
    ['too many bytes', pngHeader(10, 10), ImageTooLargeError, { maxBytes: 16 }],
    ['unrecognised bytes', new TextEncoder().encode('not an image at all'), ImageDecodeError, {}],
    ['no bytes', new Uint8Array(0), ImageDecodeError, {}],
  ])('%s → typed error, nothing held', async (_name, bytes, errorClass, limits) => {
    const scope = new EphemeralScope({ label: 'test' });
    const decoder = new BrowserImageDecoder();
    await expect(decoder.decode(bytes, scope, { limits })).rejects.toBeInstanceOf(errorClass);
    expect(scope.purge().records).toEqual([]);
  });

  it('reports a JPEG cut in half as truncated', async () => {
    const jpeg = readFileSync(path.join(facesDir, 'portrait_small.jpg'));
    const half = new Uint8Array(jpeg.subarray(0, Math.floor(jpeg.byteLength / 2)));
    const scope = new EphemeralScope({ label: 'test' });
    const error = await new BrowserImageDecoder().decode(half, scope).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect((error as ImageDecodeError).reason).toBe('truncated');
    expect(scope.purge().records).toEqual([]);
  });

  it('names a refused format and refuses bytes that are not a Uint8Array', async () => {
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');
    const scope = new EphemeralScope({ label: 'test' });
    const error = await new BrowserImageDecoder().decode(gif, scope).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect(error).toMatchObject({ reason: 'unsupported-format', format: 'gif' });
    const notBytes = [0xff, 0xd8, 0xff] as unknown as Uint8Array;
    await expect(new BrowserImageDecoder().decode(notBytes, scope)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(scope.purge().records).toEqual([]);
  });

  it('turns a browser decode failure into ImageDecodeError and closes nothing it did not open', async () => {
    const failing = vi.fn(async () => {
      throw new DOMException('The source image could not be decoded.', 'InvalidStateError');
    });
    vi.stubGlobal('createImageBitmap', failing);
    try {
      const png = new Uint8Array(readFileSync(path.join(facesDir, 'astronaut.png')));
      const scope = new EphemeralScope({ label: 'test' });
      const error = await new BrowserImageDecoder().decode(png, scope).catch((e: unknown) => e);
      expect(failing).toHaveBeenCalledTimes(1);
      expect(error).toBeInstanceOf(ImageDecodeError);
      expect((error as ImageDecodeError).reason).toBe('corrupt');
      expect(scope.purge().records).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('browser wipers', () => {
  it('revokes object URLs', () => {
    const url = URL.createObjectURL(new Blob([new Uint8Array([1, 2, 3])]));
    expect(resolveObjectURL(url)).toBeDefined();
    expect(objectUrlWiper.matches(url)).toBe(true);
    expect(objectUrlWiper.matches('https://example.invalid/x')).toBe(false);
    expect(objectUrlWiper.wipe(url)).toEqual({ method: 'revoke', bytes: 0, verified: null });
    expect(resolveObjectURL(url)).toBeUndefined();
  });

  it('purges an object URL held in a scope', () => {
    const registry = new WiperRegistry();
    registerBrowserWipers(registry);
    const scope = new EphemeralScope({ label: 'test', wipers: registry });
    const url = URL.createObjectURL(new Blob([new Uint8Array([4, 5, 6])]));
    scope.hold(url, { kind: 'object-url', label: 'video.url' });
    const receipt = scope.purge();
    expect(receipt.records[0]).toMatchObject({ kind: 'object-url', method: 'revoke', outcome: 'wiped' });
    expect(resolveObjectURL(url)).toBeUndefined();
  });

  it('registers once per registry, and can be removed', () => {
    const registry = new WiperRegistry();
    const remove = registerBrowserWipers(registry);
    expect(registerBrowserWipers(registry)).toBe(remove);
    expect(registry.find('blob:http://127.0.0.1/x')).toBe(objectUrlWiper);
    remove();
    expect(registry.find('blob:http://127.0.0.1/x')).toBeUndefined();
    expect(browserWipers).toHaveLength(4);
  });
});

describe('fetchModelBytesSource', () => {
  it('accepts only a folder on the given origin', () => {
    expect(() => fetchModelBytesSource({ baseUrl: 'https://cdn.example/models/', origin: 'http://127.0.0.1' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => fetchModelBytesSource({ baseUrl: 'http://127.0.0.1/models', origin: 'http://127.0.0.1' })).not.toThrow();
  });

  it('fetches only pinned names, from the folder, without following redirects', async () => {
    const fetched: { url: string; init: RequestInit | undefined }[] = [];
    vi.stubGlobal('fetch', async (url: URL, init?: RequestInit) => {
      fetched.push({ url: String(url), init });
      return new Response(new Uint8Array([1, 2, 3]));
    });
    try {
      const source = fetchModelBytesSource({ baseUrl: 'http://127.0.0.1/app/models', origin: 'http://127.0.0.1' });
      await expect(source.read('../secrets.json')).rejects.toBeInstanceOf(InvalidArgumentError);
      const bytes = await source.read('facemesh.json');
      expect(Array.from(bytes)).toEqual([1, 2, 3]);
      expect(fetched).toHaveLength(1);
      expect(fetched[0]!.url).toBe('http://127.0.0.1/app/models/facemesh.json');
      expect(fetched[0]!.init?.redirect).toBe('error');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
