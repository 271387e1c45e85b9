/**
 * The face lands where the template says: render a real video, decode it back with an independent
 * code path (WebCodecs decoding of the MP4), run the detector on output frames, and compare the
 * five points it finds with the template's track for those frames.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EphemeralScope,
  builtInTemplates,
  fivePointsFromMesh,
  generateVideo,
  resolveFaceTrack,
  selectFace,
  type FaceDetector,
} from '@vopop/core';
import { createNodePlatform, type NodePlatform } from '../nodePlatform';
import { createNodeFaceDetector } from '../detect/createNodeFaceDetector';
import { decodeVideoFile } from '../templates/decodeVideoFile';
import { facesDir as faces } from '../../../../fixtures/faces/facesDir';

const consent = { purpose: 'face-video', processing: 'on-device', noticeVersion: 'test', grantedAt: '2026-11-29T00:00:00Z' } as const;

let platform: NodePlatform;
let detector: FaceDetector;
beforeAll(async () => {
  platform = await createNodePlatform();
  detector = await createNodeFaceDetector();
}, 120_000);
afterAll(async () => {
  detector?.[Symbol.dispose]();
  await platform?.[Symbol.asyncDispose]();
});

describe('rendered face placement', () => {
  it.each(builtInTemplates.map((t) => t.id))('%s: the detector finds the face on the track (within 3 % of the frame height)', async (id) => {
    const template = builtInTemplates.find((t) => t.id === id)!;
    const result = await generateVideo({ photo: new Uint8Array(readFileSync(join(faces, 'astronaut.png'))), consent, template: id }, platform);
    const track = resolveFaceTrack(template);
    const last = template.frameCount - 1;
    const sampled = new Set([0, Math.round(last / 4), Math.round(last / 2), Math.round((3 * last) / 4), last]);
    const errors: number[] = [];
    try {
      await decodeVideoFile(result.video.value, {
        onFrame: async (rgba, width, height, index) => {
          if (!sampled.has(index)) return;
          using scope = new EphemeralScope({ label: 'output' });
          const pixels = scope.hold(rgba.slice(), { kind: 'frame', label: 'output.frame' });
          const face = selectFace(await detector.detect({ width, height, pixels }, scope));
          const found = fivePointsFromMesh(face.value);
          const expected = track(index);
          let worst = 0;
          for (let p = 0; p < 5; p++) {
            worst = Math.max(worst, Math.hypot(found[2 * p]! - expected[2 * p]!, found[2 * p + 1]! - expected[2 * p + 1]!));
          }
          errors.push(worst / height);
        },
      });
    } finally {
      result.video.purge();
    }
    expect(errors).toHaveLength(sampled.size);
    for (const error of errors) expect(error).toBeLessThan(0.03);
  }, 180_000);
});
