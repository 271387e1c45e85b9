import type { Wiper, WiperRegistry } from '@vopop/core';

/**
 * Closes an `ImageBitmap`. Its pixels live in the browser's own memory, which JavaScript cannot
 * overwrite; `close()` is the strongest release there is, so the outcome is unverifiable
 * (`verified: null`). An already-closed bitmap reports 0×0 and wipes as 0 bytes.
 *
 * @public
 */
export const imageBitmapWiper: Wiper<ImageBitmap> = {
  name: 'image-bitmap-close',
  matches: (value): value is ImageBitmap =>
    typeof ImageBitmap === 'function' && value instanceof ImageBitmap,
  measure: (value) => value.width * value.height * 4,
  wipe: (value) => {
    const bytes = value.width * value.height * 4;
    value.close();
    return { method: 'close', bytes, verified: null };
  },
};

/**
 * Closes a WebCodecs `VideoFrame` (a frame with the face in it). Like bitmaps, the memory is
 * the browser's; `close()` releases it at once instead of at garbage collection.
 *
 * @public
 */
export const videoFrameWiper: Wiper<VideoFrame> = {
  name: 'video-frame-close',
  matches: (value): value is VideoFrame =>
    typeof VideoFrame === 'function' && value instanceof VideoFrame,
  measure: (value) => {
    try {
      return value.allocationSize();
    } catch {
      // A closed frame refuses every call; it holds nothing any more.
      return 0;
    }
  },
  wipe: (value) => {
    let bytes = 0;
    try {
      bytes = value.allocationSize();
    } catch {
      bytes = 0;
    }
    value.close();
    return { method: 'close', bytes, verified: null };
  },
};

/**
 * Clears an `OffscreenCanvas` and shrinks it to 0×0, which drops its backing store. For a 2D
 * canvas a re-read of a pixel before shrinking checks that the clear took (`verified`); a canvas
 * with another kind of context cannot be re-read here (`null`).
 *
 * @public
 */
export const offscreenCanvasWiper: Wiper<OffscreenCanvas> = {
  name: 'offscreen-canvas-shrink',
  matches: (value): value is OffscreenCanvas =>
    typeof OffscreenCanvas === 'function' && value instanceof OffscreenCanvas,
  measure: (value) => value.width * value.height * 4,
  wipe: (value) => {
    const { width, height } = value;
    const bytes = width * height * 4;
    let verified: boolean | null = null;
    if (width > 0 && height > 0) {
      // getContext returns the context the canvas already has, or null for another kind.
      const context = value.getContext('2d') as OffscreenCanvasRenderingContext2D | null;
      if (context) {
        context.clearRect(0, 0, width, height);
        const probe = context.getImageData(Math.floor(width / 2), Math.floor(height / 2), 1, 1).data;
        verified = probe.every((byte) => byte === 0);
        probe.fill(0);
      }
    }
    value.width = 0;
    value.height = 0;
    return { method: 'clear-shrink', bytes, verified };
  },
};

/**
 * Revokes an object URL (`blob:…`). The URL string itself is no personal data, but while it is
 * registered the Blob behind it (photo or video bytes) stays reachable from the whole origin.
 *
 * @public
 */
export const objectUrlWiper: Wiper<string> = {
  name: 'object-url-revoke',
  matches: (value): value is string => typeof value === 'string' && value.startsWith('blob:'),
  measure: () => 0,
  wipe: (value) => {
    URL.revokeObjectURL(value);
    return { method: 'revoke', bytes: 0, verified: null };
  },
};

/**
 * Every browser wiper, in registration order.
 *
 * @public
 */
export const browserWipers: readonly Wiper[] = Object.freeze([
  imageBitmapWiper,
  videoFrameWiper,
  offscreenCanvasWiper,
  objectUrlWiper,
] as Wiper[]);

const registered = new WeakMap<WiperRegistry, () => void>();

/**
 * Register {@link browserWipers} in `registry` (core's default registry, usually). Registering
 * twice in the same registry is harmless. Returns a function that removes them again.
 *
 * @public
 */
export function registerBrowserWipers(registry: WiperRegistry): () => void {
  const existing = registered.get(registry);
  if (existing) return existing;
  const removers = browserWipers.map((wiper) => registry.register(wiper));
  const remove = (): void => {
    registered.delete(registry);
    for (const undo of removers) undo();
  };
  registered.set(registry, remove);
  return remove;
}
