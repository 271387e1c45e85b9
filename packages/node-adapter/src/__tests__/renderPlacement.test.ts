/**
 * The face lands where the renderer means it to: render a real video, decode it back with an
 * independent code path (WebCodecs decoding of the MP4), run the detector on output frames, and
 * compare the five points it finds with the mesh renderer's target for those frames (the
 * template's track moved by the built-in motion preset: the turn, the nod and the talking mouth
 * move the points on purpose), and, more loosely, with the template's own track.
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
// Internal to core (the renderer's own per-frame target), reached by path as a white-box check.
import { createMeshMotion } from '../../../core/src/render/mesh/meshMotion';

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
  it.each(builtInTemplates.map((t) => t.id))('%s: the detector finds the face on the renderer\'s target (within 1.5 % of the frame height)', async (id) => {
    const template = builtInTemplates.find((t) => t.id === id)!;
    const photo = readFileSync(join(faces, 'astronaut.png'));
    const result = await generateVideo({ photo: new Uint8Array(photo), consent, template: id }, platform);
    const track = resolveFaceTrack(template);
    const last = template.frameCount - 1;
    const sampled = new Set([0, Math.round(last / 4), Math.round(last / 2), Math.round((3 * last) / 4), last]);

    // The target the mesh renderer computes for each frame, from the same photo's mesh.
    using expectations = new EphemeralScope({ label: 'expected' });
    const decoded = await platform.decoder.decode(new Uint8Array(photo), expectations);
    const photoFace = selectFace(await detector.detect(decoded, expectations));
    const motion = createMeshMotion({
      photoMesh: photoFace.value.points,
      photoFivePoints: fivePointsFromMesh(photoFace.value),
      scope: expectations,
      fps: template.fps,
      frameCount: template.frameCount,
    });
    const targetMesh = new Float32Array(photoFace.value.pointCount * 3);

    const toTarget: number[] = [];
    const toTrack: number[] = [];
    const worstOf = (found: Float32Array, expected: Float32Array) => {
      let worst = 0;
      for (let p = 0; p < 5; p++) {
        worst = Math.max(worst, Math.hypot(found[2 * p]! - expected[2 * p]!, found[2 * p + 1]! - expected[2 * p + 1]!));
      }
      return worst;
    };
    try {
      await decodeVideoFile(result.video.value, {
        onFrame: async (rgba, width, height, index) => {
          if (!sampled.has(index)) return;
          using scope = new EphemeralScope({ label: 'output' });
          const pixels = scope.hold(rgba.slice(), { kind: 'frame', label: 'output.frame' });
          const face = selectFace(await detector.detect({ width, height, pixels }, scope));
          const found = fivePointsFromMesh(face.value);
          const framePoints = track(index).slice();
          motion.targetAt(index, framePoints, targetMesh);
          const target = fivePointsFromMesh({ ...photoFace.value, points: targetMesh });
          toTarget.push(worstOf(found, target) / height);
          toTrack.push(worstOf(found, framePoints) / height);
        },
      });
    } finally {
      result.video.purge();
    }
    expect(toTarget).toHaveLength(sampled.size);
    for (const error of toTarget) expect(error).toBeLessThan(0.015); // measured 0.0016–0.0076
    // The preset's turn and nod stay small: the face never leaves the template's place.
    for (const error of toTrack) expect(error).toBeLessThan(0.05); // measured 0.015–0.039
  }, 180_000);
});
