#!/usr/bin/env node
// Build step for apps: take MediaPipe's face models out of the pinned npm packages, check each
// against the SDK's pinned size and SHA-256, and write them where the app bundles its assets.
//   node node_modules/@vopop/rn-adapter/scripts/extractTfliteModels.mjs <out-dir>
// The landmark model has no file of its own: it sits inside @mediapipe/face_mesh's packed
// assets file, at the byte range that package's loader script lists.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Pins, kept equal to core's `tfliteFaceModelPins` by the rn-adapter tests. */
export const tfliteModelFiles = [
  {
    name: 'face_detection_short_range.tflite',
    bytes: 229032,
    sha256: '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633',
    package: '@mediapipe/face_detection',
    file: 'face_detection_short_range.tflite',
  },
  {
    name: 'face_landmark.tflite',
    bytes: 1241896,
    sha256: 'c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1',
    package: '@mediapipe/face_mesh',
    file: 'face_mesh_solution_packed_assets.data',
    range: [2495952, 3737848],
  },
];

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The verified bytes of one model file (a Buffer); throws when they differ from the pin. */
export function readTfliteModel(name) {
  const pin = tfliteModelFiles.find((file) => file.name === name);
  if (!pin) throw new Error(`not a pinned model: ${name}`);
  const whole = readFileSync(join(packageDir(pin.package), pin.file));
  const bytes = pin.range ? whole.subarray(pin.range[0], pin.range[1]) : whole;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== pin.bytes || sha256 !== pin.sha256) {
    throw new Error(`${name}: ${bytes.length} bytes, SHA-256 ${sha256}; pinned ${pin.bytes} bytes, ${pin.sha256}`);
  }
  return Buffer.from(bytes);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: extractTfliteModels.mjs <out-dir>');
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  for (const pin of tfliteModelFiles) {
    writeFileSync(join(out, pin.name), readTfliteModel(pin.name));
    console.log(`${pin.name}: ${pin.bytes} bytes, SHA-256 ${pin.sha256}`);
  }
}
