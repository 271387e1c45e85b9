import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetector, FaceLandmarks } from '@vopop/core';
import { createTfliteFaceDetector, EphemeralScope } from '@vopop/core';
import { createNodeFaceDetector, nodeSha256 } from '@vopop/node-adapter';
import { facesDir } from '../../../../fixtures/faces/facesDir';
import { startChromiumTflite } from './tflite/chromiumTflite';
import type { ChromiumTflite } from './tflite/chromiumTflite';
import { realModelSource } from './rnTestKit';

// Eye corners of the 468-point mesh: the person's right eye (outer, inner), then the left eye.
const eyeCorners = [33, 133, 263, 362];

let interpreter: ChromiumTflite;
let tfliteDetector: FaceDetector;
let tfjsDetector: FaceDetector;
const measured: { name: string; faces: number; box: number; eyes: number; mesh: number }[] = [];

beforeAll(async () => {
  interpreter = await startChromiumTflite();
  tfliteDetector = await createTfliteFaceDetector({ loadModel: interpreter.loader, models: realModelSource(), sha256: nodeSha256 });
  tfjsDetector = await createNodeFaceDetector({ mode: 'image' });
}, 240_000);

afterAll(async () => {
  tfliteDetector?.dispose();
  tfjsDetector?.dispose();
  await interpreter?.close();
  // The figures for docs/react-native.md (written to a file: tests may not use the console).
  if (process.env.VOPOP_TFLITE_REPORT) writeFileSync(process.env.VOPOP_TFLITE_REPORT, JSON.stringify(measured, null, 2));
});

async function detectBoth(name: string): Promise<{ tflite: FaceLandmarks[]; tfjs: FaceLandmarks[] }> {
  const { data, info } = await sharp(readFileSync(join(facesDir, name))).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const scope = new EphemeralScope();
  try {
    const image = { width: info.width, height: info.height, pixels: scope.hold(new Uint8Array(data), { kind: 'pixels', label: 'photo.pixels' }) };
    const copy = (faces: { value: FaceLandmarks }[]) =>
      faces.map(({ value }) => ({ ...value, points: value.points.slice(), box: value.box.slice(), score: value.score.slice() }));
    const tflite = copy(await tfliteDetector.detect(image, scope));
    const tfjs = copy(await tfjsDetector.detect(image, scope));
    return { tflite, tfjs };
  } finally {
    scope.purge();
  }
}

function largestDeviation(a: FaceLandmarks, b: FaceLandmarks): { box: number; eyes: number; mesh: number } {
  const distance = (p: number) => Math.hypot(a.points[3 * p]! - b.points[3 * p]!, a.points[3 * p + 1]! - b.points[3 * p + 1]!);
  let box = 0;
  for (let i = 0; i < 4; i++) box = Math.max(box, Math.abs(a.box[i]! - b.box[i]!));
  let eyes = 0;
  for (const p of eyeCorners) eyes = Math.max(eyes, distance(p));
  let mesh = 0;
  for (let p = 0; p < a.pointCount; p++) mesh = Math.max(mesh, distance(p));
  return { box, eyes, mesh };
}

describe('TFLite detection path with the real MediaPipe models in a real TFLite interpreter', () => {
  for (const name of ['portrait_small.jpg', 'portrait.jpg', 'three_people.jpg']) {
    it(`finds the face of ${name} where the tfjs detector does`, async () => {
      const { tflite, tfjs } = await detectBoth(name);
      expect(tflite.length).toBe(tfjs.length);
      expect(tflite.length).toBeGreaterThan(0);
      // Both list faces largest first; pair each with the other's face nearest to it.
      const centre = (f: FaceLandmarks) => [(f.box[0]! + f.box[2]!) / 2, (f.box[1]! + f.box[3]!) / 2] as const;
      const deviation = { box: 0, eyes: 0, mesh: 0 };
      for (const face of tflite) {
        const [x, y] = centre(face);
        const twin = tfjs.reduce((best, f) => (Math.hypot(centre(f)[0] - x, centre(f)[1] - y) < Math.hypot(centre(best)[0] - x, centre(best)[1] - y) ? f : best));
        const d = largestDeviation(face, twin);
        deviation.box = Math.max(deviation.box, d.box);
        deviation.eyes = Math.max(deviation.eyes, d.eyes);
        deviation.mesh = Math.max(deviation.mesh, d.mesh);
      }
      measured.push({ name, faces: tflite.length, ...deviation });
      // The bar: within 5 px of the tfjs detector's points.
      expect(deviation.eyes).toBeLessThanOrEqual(5);
      expect(deviation.box).toBeLessThanOrEqual(5);
      // The bar the path really meets: the same models, the same sampling grid and the same
      // suppression compute the same points (0.0001 px measured; float32 rounding). A change to
      // either step shows up here as whole pixels (a pixel-centre grid with weighted suppression
      // gave 5.4 px on the group photo).
      expect(deviation.eyes).toBeLessThanOrEqual(0.01);
      expect(deviation.box).toBeLessThanOrEqual(0.01);
      expect(deviation.mesh).toBeLessThanOrEqual(0.01);
    });
  }
});
