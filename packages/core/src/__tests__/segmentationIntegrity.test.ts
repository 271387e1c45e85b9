import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { modelManifest } from '@vopop/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPersonSegmenter } from '../segment/createPersonSegmenter';
import { ModelIntegrityError } from '../errors/modelIntegrityError';
import { fileModelSource, webSha256 } from './detectionTestKit';

const segmentationFiles = modelManifest.filter((file) => file.role === 'segmentation');

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
});

/** Creation must fail with ModelIntegrityError before tfjs holds a single tensor or byte. */
async function expectRefused(models: ReturnType<typeof fileModelSource>): Promise<ModelIntegrityError> {
  const before = tf.memory();
  const error = await createPersonSegmenter({ tf, models, sha256: webSha256 }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelIntegrityError);
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numBytes).toBe(before.numBytes);
  return error as ModelIntegrityError;
}

describe('segmentation model integrity (P9)', () => {
  it('pins exactly the selfie graph and its shard, never the GPL-3.0 rvm model', () => {
    expect(segmentationFiles.map((file) => file.name).sort()).toEqual(['selfie.bin', 'selfie.json']);
    expect(modelManifest.some((file) => file.name.startsWith('rvm'))).toBe(false);
  });

  for (const file of segmentationFiles) {
    it(`refuses ${file.name} with one flipped byte, leaving no tensor`, async () => {
      const models = fileModelSource((name, bytes) => {
        if (name === file.name) bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
        return bytes;
      });
      const error = await expectRefused(models);
      expect(error.code).toBe('MODEL_INTEGRITY');
      expect(error.reason).toBe('mismatch');
      expect(error.file).toBe(file.name);
      expect(error.expectedSha256).toBe(file.sha256);
      expect(error.actualSha256).not.toBe(file.sha256);
    });
  }

  it('reports a missing shard as unreadable', async () => {
    const models = fileModelSource((name, bytes) => {
      if (name === 'selfie.bin') throw new Error('ENOENT');
      return bytes;
    });
    const error = await expectRefused(models);
    expect(error.reason).toBe('unreadable');
    expect(error.file).toBe('selfie.bin');
  });

  it('loads from the verified bytes of the selfie files only, and releases every weight on dispose', async () => {
    const models = fileModelSource();
    const segmenter = await createPersonSegmenter({ tf, models, sha256: webSha256 });
    expect([...models.reads].sort()).toEqual(['selfie.bin', 'selfie.json']);
    expect(segmenter.matteSize).toBe(256);
    expect(tf.memory().numTensors).toBeGreaterThan(0);
    segmenter.dispose();
    segmenter.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });
});
