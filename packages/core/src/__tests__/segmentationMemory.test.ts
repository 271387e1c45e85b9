import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPersonSegmenter } from '../segment/createPersonSegmenter';
import type { PersonSegmenter } from '../segment/personSegmenter';
import type { PersonMatte } from '../segment/personMatte';
import { personMatteWiper } from '../segment/personMatte';
import { EphemeralScope } from '../purge/ephemeralScope';
import type { Wiper } from '../purge/wiper';
import { isAllZero } from '../purge/zeroFill';
import { AbortedError } from '../errors/abortedError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import { fileModelSource, loadFace, webSha256 } from './detectionTestKit';
import { probeWasmReleases, type WasmRelease } from './wasmReleaseProbe';

let segmenter: PersonSegmenter;
let baseline: number;
let releases: WasmRelease[];
let stopProbe: (() => void) | undefined;

/** The segmenter's tfjs, with the backend's memory hidden: what a no-op tensor scrub looks like. */
function tfHidingTensorMemory(): typeof tf {
  const hide = (backend: object) =>
    new Proxy(backend, {
      get: (target, property) =>
        property === 'data' || property === 'dataIdMap' ? undefined : Reflect.get(target, property, target),
    });
  return new Proxy(tf, { get: (target, property) => (property === 'backend' ? () => hide(tf.backend()) : Reflect.get(target, property)) });
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  segmenter = await createPersonSegmenter({ tf, models: fileModelSource(), sha256: webSha256 });
  baseline = tf.memory().numTensors;
  // Read each tensor's heap bytes at its final release, after the segmenter's scrub.
  ({ releases, stop: stopProbe } = probeWasmReleases());
}, 120_000);

afterAll(() => {
  stopProbe?.();
  segmenter?.dispose();
});

beforeEach(() => {
  releases.length = 0;
});

/** The square around the whole of a photo. */
function wholePhoto(width: number, height: number): Float32Array {
  const side = Math.max(width, height);
  return Float32Array.of((width - side) / 2, (height - side) / 2, side);
}

/** Mean probability in a rectangle of matte cells. */
function meanIn(matte: PersonMatte, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += matte.alpha[y * matte.size + x]!;
  return sum / ((x1 - x0) * (y1 - y0));
}

describe('segmentation memory hygiene (wasm)', () => {
  it('finds the person, returns to the tensor baseline and zeroes every tensor it frees', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('portrait.jpg', scope);
    const matte = await segmenter.segment(image, wholePhoto(image.width, image.height), scope);
    expect(matte.kind).toBe('matte');
    const value = matte.value;
    // portrait.jpg: the face (box x 305–504, y 103–347 of 820×1024, here in the 1024-square) is
    // person; the top corners are background.
    const cell = 1024 / 256;
    const xOffset = (1024 - 820) / 2;
    expect(meanIn(value, Math.round((330 + xOffset) / cell), 30, Math.round((480 + xOffset) / cell), 80)).toBeGreaterThan(0.9);
    expect(meanIn(value, 0, 0, 40, 20)).toBeLessThan(0.1);
    expect(tf.memory().numTensors).toBe(baseline);
    expect(releases.filter((r) => r.shape.join() === '1,256,256,3').map(({ shape, zero }) => ({ shape, zero }))).toEqual([{ shape: [1, 256, 256, 3], zero: true }]);
    expect(releases.length).toBeGreaterThan(10);
    expect(releases.filter((r) => !r.zero)).toEqual([]);
  });

  it('mutant: a segmenter whose tfjs hides the backend memory frees tensors unzeroed, and the check sees it', async () => {
    const mutant = await createPersonSegmenter({ tf: tfHidingTensorMemory(), models: fileModelSource(), sha256: webSha256 });
    try {
      using scope = new EphemeralScope({ label: 'test' });
      const image = await loadFace('astronaut.png', scope);
      releases.length = 0;
      await mutant.segment(image, wholePhoto(image.width, image.height), scope);
      expect(releases.filter((r) => !r.zero).length).toBeGreaterThan(0);
    } finally {
      mutant.dispose();
    }
  });

  it('leaves the matte reading as zeros after the scope is purged (P1); a no-op wiper is caught', async () => {
    const scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('astronaut.png', scope);
    const { alpha, region } = (await segmenter.segment(image, wholePhoto(image.width, image.height), scope)).value;
    expect(isAllZero(new Uint8Array(alpha.buffer))).toBe(false);
    const receipt = scope.purge();
    expect(receipt.records.find((record) => record.kind === 'matte')).toMatchObject({ label: 'photo.matte', verified: true });
    expect(isAllZero(new Uint8Array(alpha.buffer))).toBe(true);
    expect(isAllZero(new Uint8Array(region.buffer))).toBe(true);

    // The same check, with the matte held under a wiper that does nothing, must fail.
    const noOp: Wiper<PersonMatte> = { ...personMatteWiper, name: 'no-op', wipe: () => ({ method: 'none', bytes: 0, verified: false }) };
    const mutantScope = new EphemeralScope({ label: 'mutant' });
    const mutantImage = await loadFace('astronaut.png', mutantScope);
    const kept = (await segmenter.segment(mutantImage, wholePhoto(512, 512), mutantScope)).value;
    const copy: PersonMatte = { region: kept.region.slice(), size: kept.size, alpha: kept.alpha.slice() };
    mutantScope.hold(copy, { kind: 'matte', label: 'mutant.matte', wiper: noOp });
    mutantScope.purge();
    expect(isAllZero(new Uint8Array(kept.alpha.buffer))).toBe(true);
    expect(isAllZero(new Uint8Array(copy.alpha.buffer))).toBe(false);
  });

  it('reads a head at the photo edge: a square reaching past the photo still finds the person', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('portrait.jpg', scope);
    // A square around the face that reaches 300 px past the top and 100 px past the left edge.
    const matte = await segmenter.segment(image, Float32Array.of(-100, -300, 1000), scope);
    // The face (x 330–480, y 120–320) lands at cells ~(110–148, 108–159).
    expect(meanIn(matte.value, 112, 110, 146, 156)).toBeGreaterThan(0.9);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('refuses bad input with a typed error and leaves nothing behind', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('astronaut.png', scope);
    for (const region of [Float32Array.of(0, 0, 0), Float32Array.of(0, Number.NaN, 10), new Float32Array(2)]) {
      await expect(segmenter.segment(image, region, scope)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    const bad = { width: 3, height: 3, pixels: image.pixels };
    await expect(segmenter.segment(bad, wholePhoto(3, 3), scope)).rejects.toBeInstanceOf(InvalidArgumentError);
    const aborted = AbortSignal.abort();
    await expect(segmenter.segment(image, wholePhoto(512, 512), scope, { signal: aborted })).rejects.toBeInstanceOf(AbortedError);
    const purged = new EphemeralScope({ label: 'purged' });
    purged.purge();
    await expect(segmenter.segment(image, wholePhoto(512, 512), purged)).rejects.toBeInstanceOf(PurgedError);
    expect(scope.receipt).toBeUndefined();
    expect(tf.memory().numTensors).toBe(baseline);
    expect(releases.filter((r) => !r.zero)).toEqual([]);
  });
});
