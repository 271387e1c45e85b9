import * as tf from '@tensorflow/tfjs-core';
import type {
  DecodeLimits,
  FaceDetector,
  LandmarkCount,
  VideoCodecChoice,
  VopopPlatform,
  WiperRegistry,
} from '@vopop/core';
import {
  LocalRenderer,
  WebCodecsVideoEncoder,
  createFaceDetector,
  createPersonSegmenter,
  defaultWiperRegistry,
} from '@vopop/core';
import { BrowserImageDecoder } from './decode/browserImageDecoder';
import { browserSha256, fetchModelBytesSource } from './detect/browserModelSource';
import type { BrowserTfjsBackend } from './detect/browserTfjsBackend';
import { useBrowserTfjsBackend } from './detect/browserTfjsBackend';
import { registerBrowserWipers } from './purge/browserWipers';

/**
 * Options of {@link createBrowserPlatform}. Every URL must be on the app's own origin.
 *
 * @public
 */
export interface BrowserPlatformOptions {
  /** Folder serving `@vopop/models`' files (`packages/models/files/*`). */
  readonly modelsUrl: string | URL;
  /** Folder serving tfjs' `.wasm` binaries; needed for the wasm backend. */
  readonly wasmUrl?: string | URL;
  /** Backends to try, in order. Default `['webgl', 'wasm']`. */
  readonly backends?: readonly BrowserTfjsBackend[];
  /** 468 (default) or 478 landmarks. */
  readonly landmarks?: LandmarkCount;
  /** Most faces looked for. Default 4. */
  readonly maxFaces?: number;
  /** `'auto'` (default): H.264 MP4, VP9 WebM where H.264 is missing. */
  readonly codec?: VideoCodecChoice;
  /** Header limits applied to every photo. */
  readonly decodeLimits?: DecodeLimits;
  /** Where the browser wipers are registered. Default: core's default registry. */
  readonly wipers?: WiperRegistry;
  /** Cancels model loading. */
  readonly signal?: AbortSignal;
}

/**
 * Everything `generateVideo` needs in a browser, plus the backend that was chosen. Dispose it
 * to release the detector's model memory.
 *
 * @public
 */
export interface BrowserPlatform extends VopopPlatform, Disposable {
  readonly detector: FaceDetector;
  /** The tfjs backend detection runs on. */
  readonly backend: BrowserTfjsBackend;
}

/**
 * Wire the browser ports: `createImageBitmap` decoding, tfjs detection on WebGL (wasm as the
 * fallback) with model files fetched from the app's origin and SHA-256-checked before use,
 * native WebCodecs encoding (H.264 MP4, else VP9 WebM) through core's encoder, and wipers for
 * bitmaps, video frames, canvases and object URLs. Meant for a worker (see
 * {@link exposeVopopWorker}); it works on the main thread too, but blocks it while it runs.
 *
 * @public
 */
export async function createBrowserPlatform(options: BrowserPlatformOptions): Promise<BrowserPlatform> {
  const wipers = options.wipers ?? defaultWiperRegistry;
  registerBrowserWipers(wipers);
  const models = fetchModelBytesSource({ baseUrl: options.modelsUrl });
  const backend = await useBrowserTfjsBackend({
    ...(options.backends ? { backends: options.backends } : {}),
    ...(options.wasmUrl !== undefined ? { wasmBaseUrl: options.wasmUrl } : {}),
  });
  const detector = await createFaceDetector({
    tf,
    models,
    sha256: browserSha256,
    mode: 'image',
    ...(options.landmarks ? { landmarks: options.landmarks } : {}),
    ...(options.maxFaces ? { maxFaces: options.maxFaces } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // For templates that cut out the whole head: the selfie model, from the same verified folder.
  let segmenter;
  try {
    segmenter = await createPersonSegmenter({ tf, models, sha256: browserSha256, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    detector[Symbol.dispose]();
    throw error;
  }
  const decoder = new BrowserImageDecoder(options.decodeLimits ? { limits: options.decodeLimits } : {});
  const encoder = new WebCodecsVideoEncoder();
  const codec = options.codec ?? 'auto';
  // Background images are the template's, not the photo: their own label in receipts, and the
  // default limits rather than the app's (possibly tighter) photo limits.
  const backgroundImages = new BrowserImageDecoder({ label: 'background.pixels' });
  return {
    decoder,
    detector,
    // A recorded template's files come with it (`loadTemplateUrl` → `generateVideo`'s template).
    renderer: new LocalRenderer({ encoder, codec, backgroundImages, segmenter }),
    wipers,
    backend,
    [Symbol.dispose]() {
      detector[Symbol.dispose]();
      segmenter[Symbol.dispose]();
    },
  };
}
