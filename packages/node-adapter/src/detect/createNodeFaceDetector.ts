import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetector, FaceDetectorOptions } from '@vopop/core';
import { createFaceDetector } from '@vopop/core';
import { nodeModelBytesSource } from './nodeModelSource';
import { nodeSha256 } from './nodeSha256';
import type { NodeTfjsBackend } from './nodeTfjsBackend';
import { useNodeTfjsBackend } from './nodeTfjsBackend';

/**
 * Options of {@link createNodeFaceDetector}: the core options, less what the adapter supplies.
 *
 * @public
 */
export interface NodeFaceDetectorOptions
  extends Omit<FaceDetectorOptions, 'tf' | 'models' | 'sha256'> {
  /** Force a backend. Default: wasm, falling back to cpu. */
  readonly backend?: NodeTfjsBackend;
  /** Read the model files from here instead of the installed `@vopop/models`. */
  readonly modelsDir?: string;
}

/**
 * A face detector for Node: tfjs on wasm (cpu as fallback), model files from `@vopop/models`
 * verified with `node:crypto` before use. Runs fully offline.
 *
 * tfjs has one active backend per process; this call makes the chosen one active.
 *
 * @example
 * ```ts
 * using detector = await createNodeFaceDetector({ landmarks: 478 });
 * const faces = await detector.detect(image, scope);
 * ```
 * @public
 */
export async function createNodeFaceDetector(options: NodeFaceDetectorOptions = {}): Promise<FaceDetector> {
  const { backend, modelsDir, ...core } = options;
  await useNodeTfjsBackend(backend);
  return createFaceDetector({
    ...core,
    tf,
    models: nodeModelBytesSource(modelsDir),
    sha256: nodeSha256,
  });
}
