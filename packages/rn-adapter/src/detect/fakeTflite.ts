import type { TfliteModel, TfliteModelLoader } from '@vopop/core';

/**
 * What a {@link FakeTflite} model computes, given the model's bytes and its inputs. The default
 * answers like the real face models on a photo without a face: every detector score far below
 * the threshold.
 *
 * @public
 */
export type FakeTfliteRun = (modelBytes: Uint8Array, inputs: readonly Float32Array[]) => ArrayBuffer[];

/**
 * An in-memory stand-in for `react-native-fast-tflite`'s `createModel`, for tests: it fails
 * where the native module fails (a model it cannot load, a run that throws), and counts models
 * not yet disposed.
 *
 * @public
 */
export interface FakeTflite {
  readonly loader: TfliteModelLoader;
  /** Models created and not yet disposed. */
  liveModels(): number;
  /** Runs so far. */
  runs(): number;
  /** Make the next loads fail (`true`) or succeed again. */
  failLoad: boolean;
  /** Make the next runs fail (`true`) or succeed again. */
  failRun: boolean;
}

const noFace: FakeTfliteRun = (_bytes, inputs) => {
  const size = inputs[0]?.length ?? 0;
  if (size === 128 * 128 * 3) return [new Float32Array(896 * 16).buffer, new Float32Array(896).fill(-100).buffer];
  // The iris model: 71 eye contour points and 5 iris points per eye crop.
  if (size === 64 * 64 * 3) return [new Float32Array(76 * 3).buffer];
  return [new Float32Array(468 * 3).buffer, new Float32Array([-100]).buffer];
};

/**
 * Create a {@link FakeTflite}.
 *
 * @public
 */
export function createFakeTflite(run: FakeTfliteRun = noFace): FakeTflite {
  let live = 0;
  let runs = 0;
  const fake: FakeTflite = {
    failLoad: false,
    failRun: false,
    liveModels: () => live,
    runs: () => runs,
    loader: (modelData) => {
      if (fake.failLoad) throw new Error('TFLite: Failed to allocate memory for the model');
      // The native module copies the model into its own memory.
      const bytes = new Uint8Array(modelData.slice(0));
      live++;
      let disposed = false;
      const model: TfliteModel = {
        run: async (inputs) => {
          if (disposed) throw new Error('TFLite: the model was disposed');
          runs++;
          if (fake.failRun) throw new Error('TFLite: Failed to run the model');
          return run(bytes, inputs.map((buffer) => new Float32Array(buffer.slice(0))));
        },
        dispose: () => {
          if (disposed) return;
          disposed = true;
          live--;
        },
      };
      return model;
    },
  };
  return fake;
}
