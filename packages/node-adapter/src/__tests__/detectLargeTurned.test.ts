/**
 * The detector on photos the fixtures are not: a 30-megapixel one (the models must see a small
 * view of it, not a 360 MB float copy, and be as accurate) and sideways or upside-down ones
 * without an EXIF tag (found, and aligned upright).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import type { FaceDetector, FaceLandmarks, RgbaImage } from '@vopop/core';
import { alignFace, EphemeralScope, estimateHeadPose, fivePointsFromMesh, selectFace, transformPoints } from '@vopop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFaceDetector } from '../detect/createNodeFaceDetector';
import { facesDir, portraitEyes } from './detectTestKit';

interface WasmBackendView {
  dataIdMap: { get(id: object): { memoryOffset: number | null; shape: number[]; dtype: string; refCount: number } | undefined };
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Decode a fixture, scaled by `scale` and turned clockwise by `degrees`, into `scope`. */
async function photo(name: string, scope: EphemeralScope, options: { scale?: number; degrees?: number } = {}): Promise<RgbaImage> {
  const { scale = 1, degrees = 0 } = options;
  let image = sharp(join(facesDir, name));
  if (scale !== 1) {
    const { width = 0, height = 0 } = await image.metadata();
    image = sharp(await image.resize(Math.round(width * scale), Math.round(height * scale)).png().toBuffer());
  }
  const { data, info } = await image.rotate(degrees).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(data.byteLength);
  pixels.set(data);
  data.fill(0);
  return { width: info.width, height: info.height, pixels: scope.hold(pixels, { kind: 'pixels', label: 'photo.pixels' }) };
}

/** Largest distance between the known eye keypoints of portrait.jpg and the face's, in portrait.jpg pixels. */
function worstEyeError(face: FaceLandmarks, scale: number): number {
  let worst = 0;
  for (const [index, x, y] of portraitEyes) {
    worst = Math.max(worst, Math.hypot(face.points[index * 3]! / scale - x, face.points[index * 3 + 1]! / scale - y));
  }
  return worst;
}

/** Angle of the line from the image-left to the image-right eye centre, in degrees. */
function eyeLineDegrees(five: Float32Array): number {
  return (Math.atan2(five[3]! - five[1]!, five[2]! - five[0]!) * 180) / Math.PI;
}

describe('a photo far larger than the models need', () => {
  let detector: FaceDetector;
  /** Bytes of the largest tensor tfjs released during the current test. */
  let largestTensor = 0;
  beforeAll(async () => {
    detector = await createNodeFaceDetector({ backend: 'wasm', landmarks: 468 });
    const backend = tf.backend() as unknown as WasmBackendView;
    const original = backend.disposeData.bind(backend);
    Object.defineProperty(backend, 'disposeData', {
      configurable: true,
      writable: true,
      value: (dataId: object, force = false): boolean => {
        const entry = backend.dataIdMap.get(dataId);
        if (entry) {
          const bytes = tf.util.sizeFromShape(entry.shape) * tf.util.bytesPerElement(entry.dtype as tf.DataType);
          largestTensor = Math.max(largestTensor, bytes);
        }
        return original(dataId, force);
      },
    });
  }, 120_000);
  afterAll(() => {
    delete (tf.backend() as unknown as { disposeData?: unknown }).disposeData;
    detector?.dispose();
  });

  it('is searched on a view of at most 1280 px, and the face is placed as accurately as in the original', async () => {
    using scope = new EphemeralScope({ label: 'large' });
    const image = await photo('portrait.jpg', scope, { scale: 6 }); // 4920×6144, 30 MP
    const baseline = tf.memory().numTensors;
    largestTensor = 0;
    const faces = await detector.detect(image, scope);
    expect(faces).toHaveLength(1);
    const face = faces[0]!.value;
    expect([face.imageWidth, face.imageHeight]).toEqual([4920, 6144]);
    // Upstream's tolerance for the known positions is 5 px; measured 3.5 (3.0 on the original).
    expect(worstEyeError(face, 6)).toBeLessThan(5);
    // A float RGB copy of the photo would be 4920 × 6144 × 12 = 363 MB; the largest tensor is a
    // 1025×1280 view (15.7 MB).
    expect(largestTensor).toBeGreaterThan(0);
    expect(largestTensor).toBeLessThanOrEqual(1280 * 1280 * 3 * 4);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('measures a face that is small in a small view again at full resolution', async () => {
    await using small = await createNodeFaceDetector({ backend: 'wasm', landmarks: 468, maxInputSide: 256 })
      .then((d) => ({ d, [Symbol.asyncDispose]: async () => d.dispose() }));
    using scope = new EphemeralScope({ label: 'large' });
    const image = await photo('portrait.jpg', scope, { scale: 3 }); // 2460×3072
    const faces = await small.d.detect(image, scope);
    expect(faces).toHaveLength(1);
    // In the 205×256 view the face box is about 50 px; from that alone the mesh's eye keypoints
    // were 3.2–5.1 px off (measured), from the full-resolution crop 1.7–2.1 px.
    expect(worstEyeError(faces[0]!.value, 3)).toBeLessThan(3);
  });
});

describe('a photo turned sideways or upside down, without an EXIF tag', () => {
  let detector: FaceDetector;
  const upright = new Map<string, number>();
  beforeAll(async () => {
    detector = await createNodeFaceDetector({ backend: 'wasm', landmarks: 468 });
    for (const name of ['astronaut.png', 'portrait.jpg', 'portrait_small.jpg', 'three_people.jpg']) {
      using scope = new EphemeralScope({ label: 'upright' });
      const faces = await detector.detect(await photo(name, scope), scope);
      upright.set(name, faces.length);
    }
  }, 120_000);
  afterAll(() => detector?.dispose());

  const cases = ['astronaut.png', 'portrait.jpg', 'portrait_small.jpg', 'three_people.jpg'].flatMap((name) =>
    [90, 180, 270].map((degrees) => [name, degrees] as const),
  );
  it.each(cases)('%s turned %d°: every face is found, rolled by the turn, and aligns upright', async (name, degrees) => {
    using scope = new EphemeralScope({ label: 'turned' });
    const image = await photo(name, scope, { degrees });
    const faces = await detector.detect(image, scope);
    expect(faces.length).toBe(upright.get(name));
    for (const { value } of faces) {
      // The landmarks are in the turned photo's own coordinates: the eye line is turned too
      // (upright faces here measure within ±6° of level).
      const roll = estimateHeadPose(value).roll;
      const offLevel = ((((roll - degrees) % 360) + 540) % 360) - 180;
      expect(Math.abs(offLevel)).toBeLessThan(12);
    }
    // The face policy accepts it (no roll limit), and alignment turns it upright: in the crop
    // the eyes are level and above the mouth.
    const chosen = selectFace(faces);
    const alignment = alignFace(chosen.value, { cropSize: 112 });
    const five = transformPoints(alignment.photoToCrop, fivePointsFromMesh(chosen.value));
    expect(Math.abs(eyeLineDegrees(five))).toBeLessThan(5);
    const eyesY = (five[1]! + five[3]!) / 2;
    const mouthY = (five[7]! + five[9]!) / 2;
    expect(mouthY - eyesY).toBeGreaterThan(0.25 * 112);
    expect(five[0]!).toBeLessThan(five[2]!); // image-left eye left of the image-right one: not mirrored
  });
});
