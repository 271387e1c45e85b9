import * as tf from '@tensorflow/tfjs-core';
import type { PersonSegmenter } from '@vopop/core';
import { createPersonSegmenter } from '@vopop/core';
import { nodeModelBytesSource } from './nodeModelSource';
import { nodeSha256 } from './nodeSha256';
import type { NodeTfjsBackend } from './nodeTfjsBackend';
import { useNodeTfjsBackend } from './nodeTfjsBackend';

/**
 * Options of {@link createNodePersonSegmenter}.
 *
 * @public
 */
export interface NodePersonSegmenterOptions {
  /** Force a backend. Default: wasm, falling back to cpu (the detector's, when it exists). */
  readonly backend?: NodeTfjsBackend;
  /** Read the model files from here instead of the installed `@vopop/models`. */
  readonly modelsDir?: string;
  /** Aborts model loading. */
  readonly signal?: AbortSignal;
}

/**
 * A person segmenter for Node (MediaPipe selfie segmentation, for templates with a `head`
 * cut-out): tfjs on the same backend as detection, `selfie.json` and its weights from
 * `@vopop/models`, verified with `node:crypto` before use. Runs fully offline.
 *
 * @example
 * ```ts
 * using segmenter = await createNodePersonSegmenter();
 * const renderer = new LocalRenderer({ encoder, segmenter });
 * ```
 * @public
 */
export async function createNodePersonSegmenter(options: NodePersonSegmenterOptions = {}): Promise<PersonSegmenter> {
  await useNodeTfjsBackend(options.backend);
  return createPersonSegmenter({
    tf,
    models: nodeModelBytesSource(options.modelsDir),
    sha256: nodeSha256,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
