import type { FaceDetector, VideoCodecChoice, VopopPlatform } from '@vopop/core';
import { LocalRenderer, defaultWiperRegistry } from '@vopop/core';
import { NodeImageDecoder } from './decode/nodeImageDecoder';
import { NodeTempStore } from './tempStore/nodeTempStore';
import type { NodeFaceDetectorOptions } from './tfjs/createNodeFaceDetector';
import { createNodeFaceDetector } from './tfjs/createNodeFaceDetector';
import { createNodeVideoEncoder } from './webcodecs/nodeVideoEncoder';

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
}

/**
 * Everything {@link generateVideo} needs in Node, plus the temp store. Dispose it (`await using`)
 * to release the detector's model memory.
 *
 * @public
 */
export interface NodePlatform extends VopopPlatform, AsyncDisposable {
  readonly detector: FaceDetector;
  /** Temp files, swept of any a crashed process left when the platform was created (P6). */
  readonly tempStore: NodeTempStore;
  /** How many leftover temp files the start-up sweep removed. */
  readonly sweptTempFiles: number;
}

/**
 * Wire the Node ports: sharp decoding, tfjs face detection on wasm (cpu fallback) with verified
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
  const encoder = await createNodeVideoEncoder();
  const detector = await createNodeFaceDetector({ ...options.detector, mode: 'image' });
  return {
    decoder: new NodeImageDecoder(),
    detector,
    renderer: new LocalRenderer({ encoder, codec: options.codec ?? 'auto' }),
    wipers: defaultWiperRegistry,
    tempStore,
    sweptTempFiles,
    async [Symbol.asyncDispose]() {
      detector[Symbol.dispose]();
    },
  };
}
