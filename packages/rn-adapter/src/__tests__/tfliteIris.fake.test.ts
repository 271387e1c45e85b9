import { describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '@vopop/core';
import { createTfliteFaceDetector, EphemeralScope, InferenceFailedError, ModelIntegrityError, tfliteIrisModelPin } from '@vopop/core';
import { nodeSha256 } from '@vopop/node-adapter';
import { convertIrisModel } from '../../../models/scripts/convertIrisModel.mjs';
import { createFakeTflite } from '../detect/fakeTflite';
import type { FakeTfliteRun } from '../detect/fakeTflite';
import { tfliteModelSource } from '../detect/fastTflite';
import { readTfliteModel } from '../../scripts/extractTfliteModels.mjs';

// A fake face: one confident detection, a mesh spread over the crop, and an iris model whose
// iris sits in the middle of its crop with its side points 8 crop pixels either side.
const oneFace: FakeTfliteRun = (_bytes, inputs) => {
  const size = inputs[0]!.length;
  if (size === 128 * 128 * 3) {
    const regressors = new Float32Array(896 * 16);
    regressors[2] = 60;
    regressors[3] = 60;
    const scores = new Float32Array(896).fill(-100);
    scores[0] = 10;
    return [regressors.buffer, scores.buffer];
  }
  if (size === 192 * 192 * 3) {
    const mesh = new Float32Array(468 * 3);
    for (let p = 0; p < 468; p++) {
      mesh[3 * p] = 20 + (p % 22) * 7;
      mesh[3 * p + 1] = 20 + Math.floor(p / 22) * 7;
      mesh[3 * p + 2] = p / 100;
    }
    // The eye corners of an upright face: 33 and 133 on the image's left, 362 and 263 on its right.
    for (const [p, x] of [
      [33, 60],
      [133, 85],
      [362, 107],
      [263, 132],
    ] as const) {
      mesh[3 * p] = x;
      mesh[3 * p + 1] = 80;
    }
    return [mesh.buffer, new Float32Array([10]).buffer];
  }
  const eye = new Float32Array(76 * 3);
  const iris = [
    [32, 32],
    [40, 32],
    [32, 24],
    [24, 32],
    [32, 40],
  ];
  iris.forEach(([x, y], i) => {
    eye[3 * (71 + i)] = x!;
    eye[3 * (71 + i) + 1] = y!;
  });
  return [eye.buffer];
};

function photo(scope: EphemeralScope) {
  return { width: 200, height: 200, pixels: scope.hold(new Uint8Array(200 * 200 * 4).fill(128), { kind: 'pixels', label: 'photo.pixels' }) };
}

const read = async (name: string) => (name === tfliteIrisModelPin.name ? convertIrisModel() : readTfliteModel(name));

describe('TFLite detector with the iris model (fake interpreter)', () => {
  it('returns 478 points when the source lists the iris model, each iris where its eye crop put it', async () => {
    const fake = createFakeTflite(oneFace);
    const detector = await createTfliteFaceDetector({ loadModel: fake.loader, models: tfliteModelSource(read, { iris: true }), sha256: nodeSha256 });
    expect(detector.landmarks).toBe(478);
    expect(fake.liveModels()).toBe(3);
    const scope = new EphemeralScope();
    try {
      const faces = await detector.detect(photo(scope), scope);
      expect(faces).toHaveLength(1);
      const face: FaceLandmarks = faces[0]!.value;
      expect(face.pointCount).toBe(478);
      expect(face.points).toHaveLength(478 * 3);
      // Detector, mesh, then the iris model once per eye.
      expect(fake.runs()).toBe(4);
      const at = (p: number) => [face.points[3 * p]!, face.points[3 * p + 1]!] as const;
      for (const [centre, corners] of [
        [468, [33, 133]],
        [473, [362, 263]],
      ] as const) {
        // The crop's centre is the middle of the two eye corners.
        expect(at(centre)[0]).toBeCloseTo((at(corners[0])[0] + at(corners[1])[0]) / 2, 3);
        expect(at(centre)[1]).toBeCloseTo((at(corners[0])[1] + at(corners[1])[1]) / 2, 3);
        // Both eyes list the image-right point first and the top second, the mirrored eye too.
        expect(at(centre + 1)[0]).toBeGreaterThan(at(centre)[0] + 1);
        expect(at(centre + 3)[0]).toBeLessThan(at(centre)[0] - 1);
        expect(at(centre + 2)[1]).toBeLessThan(at(centre)[1] - 1);
        expect(at(centre + 4)[1]).toBeGreaterThan(at(centre)[1] + 1);
      }
    } finally {
      scope.purge();
    }
    detector.dispose();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fake.liveModels()).toBe(0);
  });

  it('stays at 468 points, without loading the iris model, when the source does not list it', async () => {
    const fake = createFakeTflite(oneFace);
    const detector = await createTfliteFaceDetector({ loadModel: fake.loader, models: tfliteModelSource(read), sha256: nodeSha256 });
    expect(detector.landmarks).toBe(468);
    expect(fake.liveModels()).toBe(2);
    const scope = new EphemeralScope();
    try {
      const [face] = await detector.detect(photo(scope), scope);
      expect(face!.value.pointCount).toBe(468);
      expect(fake.runs()).toBe(2);
    } finally {
      scope.purge();
    }
    detector.dispose();
  });

  it('refuses a missing iris file with a typed error and leaves no model loaded', async () => {
    const fake = createFakeTflite(oneFace);
    const missing = tfliteModelSource(async (name) => {
      if (name === tfliteIrisModelPin.name) throw new Error('ENOENT');
      return readTfliteModel(name);
    }, { iris: true });
    await expect(createTfliteFaceDetector({ loadModel: fake.loader, models: missing, sha256: nodeSha256 })).rejects.toBeInstanceOf(ModelIntegrityError);
    expect(fake.liveModels()).toBe(0);
  });

  it('wipes the eye crops and the iris outputs with the rest of the call', async () => {
    const fake = createFakeTflite(oneFace);
    const detector = await createTfliteFaceDetector({ loadModel: fake.loader, models: tfliteModelSource(read, { iris: true }), sha256: nodeSha256 });
    const scope = new EphemeralScope();
    await detector.detect(photo(scope), scope);
    const receipt = scope.purge();
    detector.dispose();
    const iris = receipt.records.filter((record) => record.label === 'tflite.iris.input');
    expect(iris).toHaveLength(2);
    expect(iris.every((record) => record.outcome === 'wiped' && record.bytes === 64 * 64 * 3 * 4)).toBe(true);
    // Outputs: detector (2), mesh (2), iris (1 per eye).
    expect(receipt.records.filter((record) => record.label.startsWith('tflite.output.'))).toHaveLength(6);
    expect(receipt.totals.failed).toBe(0);
  });

  it('an iris run that fails gives InferenceFailedError and no face, with everything made for the call wiped', async () => {
    const fake = createFakeTflite((bytes, inputs) => {
      if (inputs[0]!.length === 64 * 64 * 3) throw new Error('TFLite: Failed to run the model');
      return oneFace(bytes, inputs);
    });
    const detector = await createTfliteFaceDetector({ loadModel: fake.loader, models: tfliteModelSource(read, { iris: true }), sha256: nodeSha256 });
    const scope = new EphemeralScope();
    await expect(detector.detect(photo(scope), scope)).rejects.toBeInstanceOf(InferenceFailedError);
    const receipt = scope.purge();
    detector.dispose();
    expect(receipt.records.some((record) => record.kind === 'landmarks')).toBe(false);
    expect(receipt.records.filter((record) => record.label === 'tflite.iris.input')).toHaveLength(1);
    expect(receipt.totals.failed).toBe(0);
    expect(receipt.totals.wiped).toBe(receipt.totals.handles);
  });
});
