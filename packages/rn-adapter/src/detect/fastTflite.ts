import type { ModelBytesSource, TfliteModel, TfliteModelLoader } from '@vopop/core';
import { tfliteFaceModelPins, tfliteIrisModelPin } from '@vopop/core';

/**
 * The part of `react-native-fast-tflite`'s native module the SDK uses: `createModel` from the
 * model's bytes. Get it with
 * `NitroModules.createHybridObject('TfliteModule')` (`react-native-nitro-modules`): loading
 * from bytes the SDK has just verified leaves no gap between the SHA-256 check and the load,
 * which `loadTensorflowModel(require(...))` (a path) would.
 *
 * @public
 */
export interface FastTfliteModule {
  /** A model from its bytes; `[]` delegates means the CPU. */
  createModel(modelData: ArrayBuffer, delegates: ('metal' | 'core-ml' | 'nnapi' | 'android-gpu')[]): TfliteModel;
}

/**
 * A {@link TfliteModelLoader} over `react-native-fast-tflite`. The CPU delegate by default:
 * the face models are small, and GPU delegates do not run every MediaPipe op.
 *
 * @public
 */
export function fastTfliteLoader(module: FastTfliteModule, delegates: ('metal' | 'core-ml' | 'nnapi' | 'android-gpu')[] = []): TfliteModelLoader {
  return (bytes) => module.createModel(bytes, delegates);
}

/**
 * The face models' bytes, from wherever the app bundles them (`readModel` gets a pinned file
 * name: `face_detection_short_range.tflite`, `face_landmark.tflite`, and with `iris: true`
 * `iris_landmark.tflite`, which `@vopop/models`' `scripts/convertIrisModel.mjs` writes). With
 * the iris model the detector returns 478 points. The detector checks every byte against the
 * pins before use, so the source is trusted for availability only.
 *
 * @public
 */
export function tfliteModelSource(
  readModel: (name: string) => Promise<ArrayBuffer | Uint8Array>,
  options: { readonly iris?: boolean } = {},
): ModelBytesSource {
  return {
    pinned: [tfliteFaceModelPins.detector, tfliteFaceModelPins.landmarks, ...(options.iris ? [tfliteIrisModelPin] : [])],
    read: async (name) => {
      const bytes = await readModel(name);
      return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    },
  };
}
