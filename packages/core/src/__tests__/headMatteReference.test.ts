/**
 * The head cut-out against reference masks made by an independent method (MediaPipe Meet
 * segmentation cut by hand-placed polygons; scripts/makeHeadReferenceMasks.ts, described in
 * fixtures/faces/NOTICE.md): on every case, the head matte's IoU with the reference over the
 * head region (the rows above the chin) is at least 0.85, and on the group photo it takes none of
 * the other people. On the group photo a control, the raw person matte without the head
 * restriction, fails the same measure, so the bound can fail.
 */
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceDetector } from '../detect/createFaceDetector';
import type { FaceDetector } from '../ports/faceDetector';
import { createPersonSegmenter } from '../segment/createPersonSegmenter';
import type { PersonSegmenter } from '../segment/personSegmenter';
import type { PersonMatte } from '../segment/personMatte';
import { EphemeralScope } from '../purge/ephemeralScope';
import { buildHeadMatte, headSegmentationRegion } from '../render/compositing/headMatte';
import { facesDir, fileModelSource, loadFace, webSha256 } from './detectionTestKit';

interface ReferenceCase {
  readonly id: string;
  readonly photo: string;
  readonly face: number;
  readonly chinRow: number;
}

const masksDir = join(facesDir, 'head-masks');
const cases = JSON.parse(readFileSync(join(masksDir, 'cases.json'), 'utf8')) as ReferenceCase[];
let detector: FaceDetector;
let segmenter: PersonSegmenter;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  detector = await createFaceDetector({ tf, models: fileModelSource(), sha256: webSha256 });
  segmenter = await createPersonSegmenter({ tf, models: fileModelSource(), sha256: webSha256 });
}, 120_000);

afterAll(() => {
  detector?.dispose();
  segmenter?.dispose();
});

/** IoU of two binary masks (photo-sized, 0/1) over the rows above `rows`. */
function iou(a: Uint8Array, b: Uint8Array, width: number, rows: number): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < width * rows; i++) {
    if (a[i] && b[i]) both++;
    if (a[i] || b[i]) either++;
  }
  return both / either;
}

/** The person matte alone, at photo resolution (nearest cell), thresholded at 0.5. */
function rawPersonMask(person: PersonMatte, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const cell = person.region[2]! / person.size;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = Math.floor((x + 0.5 - person.region[0]!) / cell);
      const j = Math.floor((y + 0.5 - person.region[1]!) / cell);
      if (i >= 0 && j >= 0 && i < person.size && j < person.size) mask[y * width + x] = person.alpha[j * person.size + i]! >= 0.5 ? 1 : 0;
    }
  }
  return mask;
}

describe('head matte against the reference masks', () => {
  it('has at least three reference cases, one of them on the group photo', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
    expect(cases.some((c) => c.photo === 'three_people.jpg')).toBe(true);
  });

  for (const reference of cases) {
    it(`${reference.id}: IoU ≥ 0.85 on the head region, none of the other faces`, async () => {
      using scope = new EphemeralScope({ label: 'test' });
      const image = await loadFace(reference.photo, scope);
      const { width, height } = image;
      const faces = await detector.detect(image, scope);
      const face = faces[reference.face]!.value;
      const person = await segmenter.segment(image, headSegmentationRegion(face)!, scope);
      const head = buildHeadMatte(image, face, person.value)!;
      expect(head).toBeDefined();
      const ours = new Uint8Array(width * height);
      const [x0, y0, w, h] = head.region;
      for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) ours[(y0! + y) * width + x0! + x] = head.alpha[y * w! + x]! >= 128 ? 1 : 0;
      const { data } = await sharp(join(masksDir, `${reference.id}.png`)).greyscale().raw().toBuffer({ resolveWithObject: true });
      const expected = new Uint8Array(width * height);
      for (let i = 0; i < expected.length; i++) expected[i] = data[i]! >= 128 ? 1 : 0;

      const score = iou(ours, expected, width, reference.chinRow);
      process.stderr.write(`${reference.id}: IoU ${score.toFixed(3)}\n`);
      expect(score, `${reference.id} IoU`).toBeGreaterThanOrEqual(0.85);
      // The control, where there are neighbours: the model's person matte as it is takes them in.
      if (faces.length > 1) expect(iou(rawPersonMask(person.value, width, height), expected, width, reference.chinRow)).toBeLessThan(0.85);

      // None of the other faces (their boxes) is in this head's matte.
      for (const [index, other] of faces.entries()) {
        if (index === reference.face) continue;
        const [bx0 = 0, by0 = 0, bx1 = 0, by1 = 0] = other.value.box;
        let covered = 0;
        for (let y = Math.max(0, Math.floor(by0)); y < Math.min(height, by1); y++) {
          for (let x = Math.max(0, Math.floor(bx0)); x < Math.min(width, bx1); x++) covered += ours[y * width + x]!;
        }
        expect(covered, `face ${index} pixels in the matte of face ${reference.face}`).toBe(0);
      }
      head.alpha.fill(0);
      head.region.fill(0);
      ours.fill(0);
    }, 60_000);
  }
});
