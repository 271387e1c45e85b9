/**
 * A photo taken sideways or upside down is stored rotated with an EXIF orientation tag. For each
 * of the 8 tags, the default decoder's output must put the face upright where the detector finds
 * it: same box and five points as the upright original, within a few pixels, and the eyes above
 * the mouth.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EphemeralScope, fivePointsFromMesh, selectFace, type FaceDetector } from '@vopop/core';
import { createNodeFaceDetector } from '../detect/createNodeFaceDetector';
import { WasmImageDecoder } from '../decode/wasmImageDecoder';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

let detector: FaceDetector;
let upright: { width: number; height: number; data: Buffer };
let reference: Float32Array;

/** Stored pixel (sx, sy) shows at this upright position under EXIF orientation n (EXIF 2.32). */
function uprightOf(n: number, sx: number, sy: number, sw: number, sh: number): [number, number] {
  switch (n) {
    case 1: return [sx, sy];
    case 2: return [sw - 1 - sx, sy];
    case 3: return [sw - 1 - sx, sh - 1 - sy];
    case 4: return [sx, sh - 1 - sy];
    case 5: return [sy, sx];
    case 6: return [sh - 1 - sy, sx];
    case 7: return [sh - 1 - sy, sw - 1 - sx];
    default: return [sy, sw - 1 - sx];
  }
}

/** A JPEG a camera would write: pixels stored turned, and the tag that turns them back. */
async function storedJpeg(n: number): Promise<Uint8Array> {
  const swap = n >= 5;
  const sw = swap ? upright.height : upright.width;
  const sh = swap ? upright.width : upright.height;
  const stored = Buffer.alloc(sw * sh * 3);
  for (let sy = 0; sy < sh; sy++) {
    for (let sx = 0; sx < sw; sx++) {
      const [ux, uy] = uprightOf(n, sx, sy, sw, sh);
      upright.data.copy(stored, (sy * sw + sx) * 3, (uy * upright.width + ux) * 3, (uy * upright.width + ux) * 3 + 3);
    }
  }
  return new Uint8Array(
    await sharp(stored, { raw: { width: sw, height: sh, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: n }).toBuffer(),
  );
}

async function fivePoints(bytes: Uint8Array): Promise<Float32Array> {
  using scope = new EphemeralScope({ label: 'orientation' });
  const image = await new WasmImageDecoder().decode(bytes, scope);
  const face = selectFace(await detector.detect(image, scope));
  return fivePointsFromMesh(face.value).slice();
}

beforeAll(async () => {
  detector = await createNodeFaceDetector();
  const { data, info } = await sharp(join(faces, 'portrait.jpg')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  upright = { width: info.width, height: info.height, data };
  reference = await fivePoints(await storedJpeg(1));
}, 120_000);
afterAll(() => detector?.[Symbol.dispose]());

describe('EXIF orientation, as the detector sees it', () => {
  it.each([2, 3, 4, 5, 6, 7, 8])('orientation %i: the face is found upright, where the upright photo has it', async (n) => {
    const points = await fivePoints(await storedJpeg(n));
    for (let i = 0; i < 10; i++) expect(Math.abs(points[i]! - reference[i]!), `coordinate ${i}`).toBeLessThan(4);
    // Eyes above the nose, nose above the mouth: upright, not merely mirrored into place.
    expect(points[1]!).toBeLessThan(points[5]!);
    expect(points[5]!).toBeLessThan(points[7]!);
  }, 60_000);
});
