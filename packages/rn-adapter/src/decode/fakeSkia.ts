import { decodePng, EphemeralScope } from '@vopop/core';
import type { SkiaData, SkiaImage, SkiaModule } from './skiaModule';

/**
 * An in-memory stand-in for the parts of `@shopify/react-native-skia` the SDK uses, for tests.
 * It decodes PNG (with core's decoder) and returns `null` for anything else, as Skia does for
 * bytes it cannot decode; `readPixels` returns a new array each call, like Skia's. It counts
 * the "native" objects still alive, so a test can check that every one was disposed.
 *
 * @public
 */
export interface FakeSkia extends SkiaModule {
  /** `SkData` and `SkImage` objects created and not yet disposed. */
  liveObjects(): number;
}

/**
 * Create a {@link FakeSkia}.
 *
 * @public
 */
export function createFakeSkia(): FakeSkia {
  let live = 0;
  const nativeObject = () => {
    live++;
    let disposed = false;
    return {
      dispose() {
        if (disposed) return;
        disposed = true;
        live--;
      },
    };
  };
  const encoded = new WeakMap<SkiaData, Uint8Array>();
  return {
    liveObjects: () => live,
    ColorType: { RGBA_8888: 4 },
    AlphaType: { Unpremul: 3 },
    Skia: {
      Data: {
        fromBytes(bytes) {
          const data = nativeObject();
          encoded.set(data, bytes.slice());
          return data;
        },
      },
      Image: {
        MakeImageFromEncoded(data) {
          const bytes = encoded.get(data);
          if (!bytes) return null;
          const scope = new EphemeralScope({ label: 'fake-skia' });
          let width: number;
          let height: number;
          let native: Uint8Array;
          try {
            const decoded = decodePng(bytes, scope);
            width = decoded.width;
            height = decoded.height;
            native = decoded.pixels.value.slice();
          } catch {
            return null;
          } finally {
            scope.purge();
          }
          const image: SkiaImage = {
            ...nativeObject(),
            width: () => width,
            height: () => height,
            readPixels: (x, y, info) =>
              x === 0 && y === 0 && info.width === width && info.height === height && info.colorType === 4 && info.alphaType === 3
                ? native.slice()
                : null,
          };
          return image;
        },
      },
    },
  };
}
