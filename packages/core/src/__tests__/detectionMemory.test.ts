import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFaceDetector } from '../detect/createFaceDetector';
import type { FaceDetector } from '../ports/faceDetector';
import { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import { isAllZero } from '../purge/zeroFill';
import { fileModelSource, loadFace, webSha256 } from './detectionTestKit';
import { probeWasmReleases, type WasmRelease } from './wasmReleaseProbe';

let detector: FaceDetector;
let baseline: number;
let releases: WasmRelease[];
let stopProbe: (() => void) | undefined;
let onRelease: (() => void) | undefined;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  detector = await createFaceDetector({ tf, models: fileModelSource(), sha256: webSha256, landmarks: 478, maxFaces: 4 });
  baseline = tf.memory().numTensors;

  // Read each tensor's heap bytes at its final release, after the detector's scrub.
  ({ releases, stop: stopProbe } = probeWasmReleases(() => onRelease?.()));
}, 120_000);

afterAll(() => {
  stopProbe?.();
  detector?.dispose();
});

beforeEach(() => {
  releases.length = 0;
  onRelease = undefined;
});

/** Releases of the photo-sized tensors: the RGBA upload and the RGB slice the model gets. */
function inputReleases(width: number, height: number): WasmRelease[] {
  return releases.filter((r) => r.shape.length === 3 && r.shape[0] === height && r.shape[1] === width);
}

describe('detection memory hygiene (wasm, 478 landmarks)', () => {
  it('finds the face, returns to the tensor baseline and zeroes every tensor it frees', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('portrait.jpg', scope);
    const faces = await detector.detect(image, scope);
    expect(faces).toHaveLength(1);
    expect(faces[0]!.kind).toBe('landmarks');
    expect(faces[0]!.value.pointCount).toBe(478);
    expect(faces[0]!.value.score[0]).toBeGreaterThanOrEqual(0.5);
    expect(tf.memory().numTensors).toBe(baseline);

    const input = inputReleases(image.width, image.height);
    // The RGB input first, then the library's own full-size copies of it.
    expect(input[0]).toEqual({ shape: [image.height, image.width, 3], dtype: 'float32', bytes: image.width * image.height * 12, zero: true });
    expect(input.every((r) => r.zero)).toBe(true);
    // Crops, casts and activations made inside face-landmarks-detection too.
    expect(releases.length).toBeGreaterThan(20);
    expect(releases.filter((r) => !r.zero)).toEqual([]);
  });

  it('leaves pixels and landmarks reading as zeros after the scope is purged', async () => {
    const scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('astronaut.png', scope);
    const pixels = image.pixels.value;
    const faces = await detector.detect(image, scope);
    expect(faces).toHaveLength(1);
    const { points, box, score } = faces[0]!.value;
    expect(isAllZero(new Uint8Array(points.buffer))).toBe(false);
    const receipt = scope.purge();
    for (const buffer of [pixels, points, box, score]) {
      expect(isAllZero(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength))).toBe(true);
    }
    expect(receipt.records.filter((r) => r.kind === 'landmarks').map((r) => r.verified)).toEqual([true]);
    expect(() => faces[0]!.value).toThrow(PurgedError);
  });

  it('reports every face in a group photo, largest box first', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const faces = await detector.detect(await loadFace('three_people.jpg', scope), scope);
    expect(faces).toHaveLength(3);
    const areas = faces.map(({ value: { box } }) => (box[2]! - box[0]!) * (box[3]! - box[1]!));
    expect([...areas].sort((a, b) => b - a)).toEqual(areas);
    expect(faces.map((f) => f.label)).toEqual(['face.0', 'face.1', 'face.2']);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('forgets the previous photo: no ghost faces from it in the next one', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    expect(await detector.detect(await loadFace('three_people.jpg', scope), scope)).toHaveLength(3);
    expect(await detector.detect(await loadFace('portrait_small.jpg', scope), scope)).toHaveLength(1);
    expect(await detector.detect(await loadFace('pose_small_face.jpg', scope), scope)).toHaveLength(0);
  });

  it('an AbortSignal fired before detecting creates nothing', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('portrait.jpg', scope);
    const controller = new AbortController();
    controller.abort();
    await expect(detector.detect(image, scope, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(releases).toEqual([]);
    expect(tf.memory().numTensors).toBe(baseline);
    expect(scope.liveHandles).toBe(1); // the pixels only
  });

  it('an AbortSignal fired while detecting leaves no landmarks, no tensor and a zeroed input', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('portrait.jpg', scope);
    const controller = new AbortController();
    onRelease = () => controller.abort(); // mid-inference: at the first freed intermediate
    await expect(detector.detect(image, scope, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(controller.signal.aborted).toBe(true);
    expect(tf.memory().numTensors).toBe(baseline);
    expect(scope.liveHandles).toBe(1);
    const input = inputReleases(image.width, image.height);
    expect(input.length).toBeGreaterThanOrEqual(1);
    expect(input.every((r) => r.zero)).toBe(true);
  });

  it('refuses a zero-size image and a wrong-length pixel buffer, leaving nothing', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const empty = { width: 0, height: 0, pixels: scope.hold(new Uint8Array(0), { kind: 'pixels', label: 'empty' }) };
    await expect(detector.detect(empty, scope)).rejects.toBeInstanceOf(InvalidArgumentError);
    const short = { width: 10, height: 10, pixels: scope.hold(new Uint8Array(399), { kind: 'pixels', label: 'short' }) };
    await expect(detector.detect(short, scope)).rejects.toThrow(/400/);
    expect(releases).toEqual([]);
    expect(tf.memory().numTensors).toBe(baseline);
    expect(scope.liveHandles).toBe(2);
  });

  it('refuses a purged scope and purged pixels', async () => {
    const scope = new EphemeralScope({ label: 'test' });
    const image = await loadFace('portrait_small.jpg', scope);
    const other = new EphemeralScope({ label: 'other' });
    other.purge();
    await expect(detector.detect(image, other)).rejects.toBeInstanceOf(PurgedError);
    scope.purge();
    await expect(detector.detect(image, new EphemeralScope({ label: 'fresh' }))).rejects.toBeInstanceOf(PurgedError);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('serialises overlapping calls: each gets its own faces', async () => {
    using scope = new EphemeralScope({ label: 'test' });
    const group = await loadFace('three_people.jpg', scope);
    const single = await loadFace('portrait.jpg', scope);
    const [a, b] = await Promise.all([detector.detect(group, scope), detector.detect(single, scope)]);
    expect([a.length, b.length]).toEqual([3, 1]);
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe('int32 BatchMatMul on wasm', () => {
  it('multiplies int32 matrices exactly and frees its intermediates', () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const b = tf.tensor2d([7, 8, 9, 10, 11, 12], [3, 2], 'int32');
    const product = tf.matMul(a, b);
    expect(product.dtype).toBe('int32');
    expect(Array.from(product.dataSync())).toEqual([58, 64, 139, 154]);
    tf.dispose([a, b, product]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
