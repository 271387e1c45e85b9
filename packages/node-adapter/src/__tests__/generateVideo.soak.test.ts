/**
 * 50 generations in a row in one process: tensors exactly flat, RSS without a trend. A leak of
 * the decoded photo (1 MiB per run) would show as a slope near 1 MiB per generation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { builtInTemplates, generateVideo } from '@vopop/core';
import { createNodePlatform, type NodePlatform } from '../nodePlatform';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const photoFile = readFileSync(join(faces, 'astronaut.png'));
const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-11-29T00:00:00Z' } as const;
const base = builtInTemplates[0]!;
const keyframes = base.faceTrack.kind === 'keyframes' ? base.faceTrack.keyframes : [];
/** The first built-in at full frame size, cut to 4 frames. */
const template = {
  ...base,
  id: 'soak',
  frameCount: 4,
  faceTrack: { kind: 'keyframes', interpolation: 'linear', keyframes: [{ ...keyframes[0]!, frame: 0 }, { ...keyframes.at(-1)!, frame: 3 }] },
};
const gc = (globalThis as { gc?: () => void }).gc!;

function slope(values: readonly number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

let platform: NodePlatform;
beforeAll(async () => {
  platform = await createNodePlatform();
}, 120_000);
afterAll(async () => platform?.[Symbol.asyncDispose]());

it('keeps tensors flat and RSS without a trend over 50 generations', async () => {
  const rssMiB: number[] = [];
  const heapMiB: number[] = [];
  const tensors: number[] = [];
  for (let i = 0; i < 50; i++) {
    const result = await generateVideo({ photo: new Uint8Array(photoFile), consent, template }, platform);
    result.video.purge();
    gc();
    const memory = process.memoryUsage();
    rssMiB.push(memory.rss / 2 ** 20);
    heapMiB.push(memory.heapUsed / 2 ** 20);
    tensors.push(tf.memory().numTensors);
  }
  expect(new Set(tensors).size).toBe(1);
  // The first generations warm caches and the JIT; judge the trend after them. RSS swings by
  // several MiB from run to run (allocator, encoder buffers), so its bound is looser than the
  // heap's; either would be crossed by keeping the decoded photo (1 MiB) of every run.
  expect(slope(heapMiB.slice(10))).toBeLessThan(0.1);
  expect(slope(rssMiB.slice(10))).toBeLessThan(1);
}, 600_000);
