import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { modelFilesFor } from '@vopop/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFaceDetector } from '../detect/createFaceDetector';
import { ModelIntegrityError } from '../errors/modelIntegrityError';
import { isVopopError } from '../errors/vopopError';
import { fileModelSource, webSha256 } from './detectionTestKit';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  // The cpu backend's one-time "install tfjs-node" banner (the Node adapter does the same).
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
});

/** Expect creation to fail with ModelIntegrityError, and to leave the tensor count unchanged. */
async function expectRefused(
  options: Parameters<typeof createFaceDetector>[0],
): Promise<ModelIntegrityError> {
  const before = tf.memory();
  const error = await createFaceDetector(options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelIntegrityError);
  // Refused before tfjs saw a byte: no tensor, no backend memory.
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numBytes).toBe(before.numBytes);
  return error as ModelIntegrityError;
}

describe('model integrity', () => {
  for (const landmarks of [468, 478] as const) {
    for (const file of modelFilesFor(landmarks)) {
      it(`refuses ${file.name} with one flipped byte (${landmarks})`, async () => {
        const models = fileModelSource((name, bytes) => {
          if (name === file.name) bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
          return bytes;
        });
        const error = await expectRefused({ tf, models, sha256: webSha256, landmarks });
        expect(error.code).toBe('MODEL_INTEGRITY');
        expect(error.reason).toBe('mismatch');
        expect(error.file).toBe(file.name);
        expect(error.expectedSha256).toBe(file.sha256);
        expect(error.actualSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(error.actualSha256).not.toBe(file.sha256);
        expect(error.actualBytes).toBe(file.bytes);
        expect(isVopopError(error)).toBe(true);
        expect(error.message).toContain(file.name);
      });
    }
  }

  it('refuses a truncated weights file and reports both sizes', async () => {
    const models = fileModelSource((name, bytes) => (name === 'facemesh.bin' ? bytes.subarray(0, bytes.length - 1) : bytes));
    const error = await expectRefused({ tf, models, sha256: webSha256, landmarks: 468 });
    expect(error.file).toBe('facemesh.bin');
    expect(error.reason).toBe('mismatch');
    expect(error.actualBytes).toBe(error.expectedBytes - 1);
    expect(error.message).toMatch(/bytes, expected/);
  });

  it('refuses a file the manifest does not pin', async () => {
    const models = { ...fileModelSource(), pinned: modelFilesFor(468).filter((f) => f.name !== 'facemesh.json') };
    const error = await expectRefused({ tf, models, sha256: webSha256, landmarks: 468 });
    expect(error.reason).toBe('not-pinned');
    expect(error.file).toBe('facemesh.json');
  });

  it('reports a missing file as unreadable, with the cause attached', async () => {
    const models = fileModelSource((name, bytes) => {
      if (name === 'facemesh-detection-short.bin') throw new Error('ENOENT');
      return bytes;
    });
    const error = await expectRefused({ tf, models, sha256: webSha256, landmarks: 468 });
    expect(error.reason).toBe('unreadable');
    expect(error.file).toBe('facemesh-detection-short.bin');
    expect((error.cause as Error).message).toBe('ENOENT');
  });

  it('reads every file of the chosen model set and nothing else', async () => {
    const models = fileModelSource();
    const detector = await createFaceDetector({ tf, models, sha256: webSha256, landmarks: 468, maxFaces: 1 });
    try {
      expect([...models.reads].sort()).toEqual(modelFilesFor(468).map((f) => f.name).sort());
      expect(detector.landmarks).toBe(468);
      expect(detector.backend).toBe('cpu');
    } finally {
      detector.dispose();
    }
    expect(tf.memory().numTensors).toBe(0);
  });
});
