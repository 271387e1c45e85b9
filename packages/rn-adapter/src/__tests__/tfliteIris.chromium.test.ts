import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetector, FaceLandmarks, TfliteModel } from '@vopop/core';
import { createTfliteFaceDetector, EphemeralScope, ModelIntegrityError, tfliteIrisModelPin } from '@vopop/core';
import { createNodeFaceDetector, nodeSha256 } from '@vopop/node-adapter';
import { facesDir } from '../../../../fixtures/faces/facesDir';
import { convertGraphModelToTflite, convertIrisModel, irisTflitePin, readIrisSource } from '../../../models/scripts/convertIrisModel.mjs';
import { readTfliteModel } from '../../scripts/extractTfliteModels.mjs';
import { tfliteModelSource } from '../detect/fastTflite';
import { startChromiumTflite } from './tflite/chromiumTflite';
import type { ChromiumTflite } from './tflite/chromiumTflite';

// The tfjs graph model the converter reads, run by tfjs itself: the reference for the converted file.
interface GraphModel {
  predict(input: unknown): { dataSync(): Float32Array; dispose(): void };
}
interface Tf {
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  tensor(values: Float32Array, shape: number[]): { dispose(): void };
  io: { getModelArtifactsForJSON(json: unknown, load: (specs: unknown) => Promise<[unknown, ArrayBuffer]>): Promise<unknown> };
}

let interpreter: ChromiumTflite;
let convertedIris: TfliteModel;
let graphIris: GraphModel;
let tf: Tf;
let tfliteDetector: FaceDetector;
let tfjsDetector: FaceDetector;
const measured: { name: string; faces: number; iris: number; irisCentres: number; model?: number }[] = [];

beforeAll(async () => {
  const require = createRequire(join(import.meta.dirname, '../../../core/package.json'));
  tf = require('@tensorflow/tfjs-core') as Tf;
  require('@tensorflow/tfjs-backend-cpu');
  const converter = require('@tensorflow/tfjs-converter') as { loadGraphModel(handler: unknown): Promise<GraphModel> };
  await tf.setBackend('cpu');
  const [json, bin] = readIrisSource();
  const model = JSON.parse(json.toString('utf8')) as { weightsManifest: { weights: unknown }[] };
  const weights = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  graphIris = await converter.loadGraphModel({ load: () => tf.io.getModelArtifactsForJSON(model, async () => [model.weightsManifest[0]!.weights, weights]) });

  interpreter = await startChromiumTflite();
  const iris = convertIrisModel();
  convertedIris = await interpreter.loader(iris.buffer.slice(iris.byteOffset, iris.byteOffset + iris.byteLength) as ArrayBuffer);
  const models = tfliteModelSource(async (name) => (name === tfliteIrisModelPin.name ? convertIrisModel() : readTfliteModel(name)), { iris: true });
  tfliteDetector = await createTfliteFaceDetector({ loadModel: interpreter.loader, models, sha256: nodeSha256 });
  tfjsDetector = await createNodeFaceDetector({ mode: 'image', landmarks: 478 });
}, 300_000);

afterAll(async () => {
  tfliteDetector?.dispose();
  tfjsDetector?.dispose();
  await interpreter?.close();
  // The figures for docs/react-native.md (a file: tests may not use the console).
  if (process.env.VOPOP_TFLITE_REPORT) writeFileSync(process.env.VOPOP_TFLITE_REPORT, JSON.stringify(measured, null, 2));
});

function largestDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}

describe('iris_landmark.tflite, converted from the pinned tfjs graph model', () => {
  it('is the pinned file, and converting again gives the same bytes', () => {
    expect(irisTflitePin).toEqual(tfliteIrisModelPin);
    const [json, bin] = readIrisSource();
    const again = convertGraphModelToTflite(json, bin);
    expect(Buffer.from(again).equals(convertIrisModel())).toBe(true);
  });

  it('refuses a source file that differs from its pin, and the detector a converted file that does', async () => {
    const [json, bin] = readIrisSource();
    const changed = Buffer.from(bin);
    changed[100] = changed[100]! ^ 1;
    const dir = mkdtempSync(join(tmpdir(), 'vopop-iris-'));
    try {
      writeFileSync(join(dir, 'iris.json'), json);
      writeFileSync(join(dir, 'iris.bin'), changed);
      expect(() => convertIrisModel(dir)).toThrow(/iris\.bin: .*pinned 2599092 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Converted anyway, the file differs from the pin, and the detector refuses it before the
    // interpreter sees a byte.
    const tampered = Buffer.from(convertGraphModelToTflite(json, changed));
    expect(tampered.equals(convertIrisModel())).toBe(false);
    let loads = 0;
    const models = tfliteModelSource(async (name) => (name === tfliteIrisModelPin.name ? tampered : readTfliteModel(name)), { iris: true });
    await expect(
      createTfliteFaceDetector({ loadModel: (bytes) => { loads++; return interpreter.loader(bytes); }, models, sha256: nodeSha256 }),
    ).rejects.toBeInstanceOf(ModelIntegrityError);
    // The detector and mesh models loaded (they are checked first); the iris file never did.
    expect(loads).toBe(2);
  });

  it('computes what the tfjs graph model computes, in a real TFLite interpreter', async () => {
    // A noise image and a real eye crop (the top left of portrait.jpg's face is enough to
    // exercise every layer with photo-like statistics).
    const noise = new Float32Array(64 * 64 * 3);
    let seed = 1;
    for (let i = 0; i < noise.length; i++) {
      seed = (seed * 16807) % 2147483647;
      noise[i] = seed / 2147483647;
    }
    const { data } = await sharp(readFileSync(join(facesDir, 'portrait.jpg'))).extract({ left: 300, top: 350, width: 128, height: 128 }).resize(64, 64).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const photo = Float32Array.from(data, (v) => v / 255);
    // The reference runs on tfjs's plain-JavaScript cpu backend: its own kernels, not XNNPACK
    // like the TFLite interpreter and tfjs's wasm backend (which the tfjs detector has selected
    // by now; on it the two agree bit for bit).
    const previous = tf.getBackend();
    await tf.setBackend('cpu');
    let largest = 0;
    for (const input of [noise, photo]) {
      const x = tf.tensor(input, [1, 64, 64, 3]);
      const reference = graphIris.predict(x);
      const expected = reference.dataSync().slice();
      reference.dispose();
      x.dispose();
      await tf.setBackend(previous);
      const [output] = await convertedIris.run([input.slice().buffer]);
      await tf.setBackend('cpu');
      const actual = new Float32Array(output!);
      expect(actual.length).toBe(228);
      largest = Math.max(largest, largestDifference(actual, expected));
    }
    await tf.setBackend(previous);
    measured.push({ name: 'converted model vs tfjs graph model (crop pixels)', faces: 0, iris: 0, irisCentres: 0, model: largest });
    // Float32 sums in another order; the outputs are crop pixels (0…64).
    expect(largest).toBeLessThanOrEqual(1e-3);
  });
});

async function detectBoth(name: string): Promise<{ tflite: FaceLandmarks[]; tfjs: FaceLandmarks[] }> {
  const { data, info } = await sharp(readFileSync(join(facesDir, name))).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const scope = new EphemeralScope();
  try {
    const image = { width: info.width, height: info.height, pixels: scope.hold(new Uint8Array(data), { kind: 'pixels', label: 'photo.pixels' }) };
    const copy = (faces: { value: FaceLandmarks }[]) => faces.map(({ value }) => ({ ...value, points: value.points.slice(), box: value.box.slice() }));
    return { tflite: copy(await tfliteDetector.detect(image, scope)), tfjs: copy(await tfjsDetector.detect(image, scope)) };
  } finally {
    scope.purge();
  }
}

describe('TFLite path with the iris model: 478 points', () => {
  for (const name of ['portrait_small.jpg', 'portrait.jpg', 'three_people.jpg']) {
    it(`finds the irises of ${name} within 5 px of the tfjs detector's`, async () => {
      const { tflite, tfjs } = await detectBoth(name);
      expect(tfliteDetector.landmarks).toBe(478);
      expect(tflite.length).toBe(tfjs.length);
      expect(tflite.length).toBeGreaterThan(0);
      const centre = (f: FaceLandmarks) => [(f.points[3 * 1]! + f.points[3 * 6]!) / 2, (f.points[3 * 1 + 1]! + f.points[3 * 6 + 1]!) / 2] as const;
      let iris = 0;
      let irisCentres = 0;
      for (const face of tflite) {
        expect(face.pointCount).toBe(478);
        const [x, y] = centre(face);
        const twin = tfjs.reduce((best, f) => (Math.hypot(centre(f)[0] - x, centre(f)[1] - y) < Math.hypot(centre(best)[0] - x, centre(best)[1] - y) ? f : best));
        for (let p = 468; p < 478; p++) {
          const d = Math.hypot(face.points[3 * p]! - twin.points[3 * p]!, face.points[3 * p + 1]! - twin.points[3 * p + 1]!);
          iris = Math.max(iris, d);
          if (p === 468 || p === 473) irisCentres = Math.max(irisCentres, d);
        }
      }
      measured.push({ name, faces: tflite.length, iris, irisCentres });
      // The bar: within 5 px of the tfjs detector's points. Two different models (the
      // iris model here, the attention mesh there), so this is a measured agreement, not identity.
      expect(iris).toBeLessThanOrEqual(5);
    });
  }
});
