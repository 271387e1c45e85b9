import type { ConsentPolicy, FaceDetector, VideoCodecChoice, VopopPlatform } from '@vopop/core';
import { LocalRenderer, defaultWiperRegistry } from '@vopop/core';
import type { ImageDecoder } from '@vopop/core';
import { WasmImageDecoder } from './decode/wasmImageDecoder';
import { NodeTempStore } from './tempStore/nodeTempStore';
import { NodeImageDecoder } from './decode/nodeImageDecoder';
import type { NodeFaceDetectorOptions } from './detect/createNodeFaceDetector';
import { createNodeFaceDetector } from './detect/createNodeFaceDetector';
import { createNodePersonSegmenter } from './detect/createNodePersonSegmenter';
import { createNodeVideoEncoder } from './encode/nodeVideoEncoder';

/**
 * Options of {@link createNodePlatform}.
 *
 * @public
 */
export interface NodePlatformOptions {
  /** Detector options: backend (wasm by default, cpu fallback), landmark count, models dir. */
  readonly detector?: Omit<NodeFaceDetectorOptions, 'mode'>;
  /** `'auto'` (default): H.264 MP4, VP9 WebM where H.264 is missing. */
  readonly codec?: VideoCodecChoice;
  /** Private directory for temp files; default `<tmpdir>/vopop-<uid>`. */
  readonly tempDirectory?: string;
  /**
   * The photo decoder. Default: {@link WasmImageDecoder}, which decodes in a WebAssembly instance
   * whose whole memory is zeroed afterwards, so no copy of the photo survives in the process (P3).
   * `NodeImageDecoder` (sharp) is up to 3× faster on large JPEGs but leaves copies of decoded
   * pixels in freed native memory that no purge can reach.
   */
  readonly decoder?: ImageDecoder;
  /** The app's consent requirements (accepted notice versions, minimum age), checked first (P8). */
  readonly consentPolicy?: ConsentPolicy;
}

/**
 * Everything {@link generateVideo} needs in Node, plus the temp store. Dispose it (`await using`)
 * to release the detector's model memory.
 *
 * @public
 */
export interface NodePlatform extends VopopPlatform, AsyncDisposable {
  readonly detector: FaceDetector;
  /**
   * Temp files, swept of any a crashed process left when the platform was created (P6). Its
   * directory is removed when the platform is disposed, if nothing is left in it.
   */
  readonly tempStore: NodeTempStore;
  /** How many leftover temp files the start-up sweep removed. */
  readonly sweptTempFiles: number;
}

/**
 * Wire the Node ports: residue-free WebAssembly decoding, tfjs face detection on wasm (cpu fallback) with verified
 * local models, the WebCodecs encoder from `@napi-rs/webcodecs` with corrected colour tags, and a
 * private temp store. Nothing here opens a network connection.
 *
 * @example
 * ```ts
 * await using platform = await createNodePlatform();
 * const result = await generateVideo({ photo, consent }, platform);
 * ```
 * @public
 */
export async function createNodePlatform(options: NodePlatformOptions = {}): Promise<NodePlatform> {
  const tempStore = new NodeTempStore(options.tempDirectory ? { directory: options.tempDirectory } : {});
  const sweptTempFiles = tempStore.sweep();
  let encoder;
  let detector;
  let segmenter;
  try {
    encoder = await createNodeVideoEncoder();
    detector = await createNodeFaceDetector({ ...options.detector, mode: 'image' });
    // For templates that cut out the whole head; its model is small (0.3 MB) and loads in ms.
    const { backend, modelsDir } = options.detector ?? {};
    segmenter = await createNodePersonSegmenter({ ...(backend ? { backend } : {}), ...(modelsDir ? { modelsDir } : {}) });
  } catch (error) {
    detector?.[Symbol.dispose]();
    tempStore.removeIfEmpty();
    throw error;
  }
  return {
    decoder: options.decoder ?? new WasmImageDecoder(),
    detector,
    renderer: new LocalRenderer({
      encoder,
      codec: options.codec ?? 'auto',
      // Template images are not personal data: sharp leaves decoded pixels in freed native memory,
      // which matters for photos only, and decodes a 720×1280 JPEG several times faster than the
      // residue-free decoder (docs/benchmarks.md, "Recorded backgrounds").
      backgroundImages: new NodeImageDecoder({ label: 'background.pixels' }),
      segmenter,
    }),
    wipers: defaultWiperRegistry,
    ...(options.consentPolicy ? { consentPolicy: options.consentPolicy } : {}),
    tempStore,
    sweptTempFiles,
    async [Symbol.asyncDispose]() {
      detector[Symbol.dispose]();
      segmenter[Symbol.dispose]();
      // No stage writes a temp file today: the directory made above is empty and goes again.
      tempStore.removeIfEmpty();
    },
  };
}
