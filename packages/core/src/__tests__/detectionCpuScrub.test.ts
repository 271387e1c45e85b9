import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceDetector } from '../detect/createFaceDetector';
import type { FaceDetector } from '../ports/faceDetector';
import { EphemeralScope } from '../purge/ephemeralScope';
import { isAllZero } from '../purge/zeroFill';
import { fileModelSource, loadFace, webSha256 } from './detectionTestKit';

interface CpuBackendView {
  data: { get(id: object): { values?: unknown; refCount: number } | undefined };
  disposeData(dataId: object, force?: boolean): boolean;
}

let detector: FaceDetector;
/** The value arrays of every tensor finally released, captured just before the release. */
const released: ArrayBufferView[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
  detector = await createFaceDetector({ tf, models: fileModelSource(), sha256: webSha256, landmarks: 468, maxFaces: 1 });
  const backend = tf.backend() as unknown as CpuBackendView;
  const original = backend.disposeData.bind(backend);
  Object.defineProperty(backend, 'disposeData', {
    configurable: true,
    writable: true,
    value: (dataId: object, force = false): boolean => {
      const entry = backend.data.get(dataId);
      if (entry && ArrayBuffer.isView(entry.values) && (force || entry.refCount <= 1)) released.push(entry.values);
      return original(dataId, force);
    },
  });
}, 120_000);

afterAll(() => {
  delete (tf.backend() as unknown as { disposeData?: unknown }).disposeData;
  detector?.dispose();
});

describe('detection memory hygiene (cpu)', () => {
  it('zeroes the input and the photo-sized copies, and the model still works afterwards', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('portrait_small.jpg', scope);
    const baseline = tf.memory().numTensors;
    const first = await detector.detect(image, scope);
    expect(tf.memory().numTensors).toBe(baseline);

    const pixelsCount = image.width * image.height;
    const photoSized = released.filter((v) => v.byteLength / 4 === pixelsCount * 3 || v.byteLength / 4 === pixelsCount * 4);
    expect(photoSized.length).toBeGreaterThanOrEqual(2); // the RGB input and the library's float copy
    for (const values of photoSized) {
      expect(isAllZero(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))).toBe(true);
    }

    // Zeroing freed memory (deferred to the end of the call on cpu) must not have touched the
    // weights: a second run finds the same face at the same place.
    const second = await detector.detect(image, scope);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(Array.from(second[0]!.value.box)).toEqual(Array.from(first[0]!.value.box));
    expect(Array.from(second[0]!.value.points.subarray(0, 30))).toEqual(Array.from(first[0]!.value.points.subarray(0, 30)));
  });
});
