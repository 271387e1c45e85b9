import * as tf from '@tensorflow/tfjs-core';
import { EphemeralScope, type FaceDetector, type FaceLandmarks } from '@vopop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFaceDetector } from '../detect/createNodeFaceDetector';
import type { NodeTfjsBackend } from '../detect/nodeTfjsBackend';
import { loadFace, portraitBox, portraitEyes, portraitIrises } from './detectTestKit';

/** Upstream's tolerance for these positions. */
const tolerancePx = 5;

/** Largest distance (px) between the detected and the known keypoints. */
function worstKeypointError(face: FaceLandmarks, known: ReadonlyArray<readonly [number, number, number]>): number {
  let worst = 0;
  for (const [index, x, y] of known) {
    const dx = face.points[index * 3]! - x;
    const dy = face.points[index * 3 + 1]! - y;
    worst = Math.max(worst, Math.hypot(dx, dy));
  }
  return worst;
}

function worstBoxError(face: FaceLandmarks): number {
  const [xMin, yMin, xMax, yMax] = face.box;
  return Math.max(
    Math.abs(xMin! - portraitBox.xMin),
    Math.abs(yMin! - portraitBox.yMin),
    Math.abs(xMax! - portraitBox.xMax),
    Math.abs(yMax! - portraitBox.yMax),
  );
}

// cpu is slow (about a second per image here), so it sees portrait.jpg only.
const cases: ReadonlyArray<{ backend: NodeTfjsBackend; landmarks: 468 | 478 }> = [
  { backend: 'wasm', landmarks: 468 },
  { backend: 'wasm', landmarks: 478 },
  { backend: 'cpu', landmarks: 468 },
  { backend: 'cpu', landmarks: 478 },
];

for (const { backend, landmarks } of cases) {
  describe(`${backend}, ${landmarks} landmarks`, () => {
    let detector: FaceDetector;
    beforeAll(async () => {
      detector = await createNodeFaceDetector({ backend, landmarks });
    }, 120_000);
    afterAll(() => detector?.dispose());

    it('places the box and every known eye keypoint of portrait.jpg within 5 px', async () => {
      expect(detector.backend).toBe(backend);
      const baseline = tf.memory().numTensors;
      using scope = new EphemeralScope({ label: 'accuracy' });
      const faces = await detector.detect(await loadFace('portrait.jpg', scope), scope);
      expect(faces).toHaveLength(1);
      const face = faces[0]!.value;
      expect(face.pointCount).toBe(landmarks);
      expect([face.imageWidth, face.imageHeight]).toEqual([820, 1024]);
      expect(worstBoxError(face)).toBeLessThan(tolerancePx);
      expect(worstKeypointError(face, portraitEyes)).toBeLessThan(tolerancePx);
      if (landmarks === 478) expect(worstKeypointError(face, portraitIrises)).toBeLessThan(tolerancePx);
      expect(tf.memory().numTensors).toBe(baseline);
    });

    if (backend === 'wasm' && landmarks === 468) {
      it('finds a plausible number of faces in every fixture', async () => {
        using scope = new EphemeralScope({ label: 'fixtures' });
        const counts: Record<string, number> = {};
        for (const name of ['astronaut.png', 'portrait.jpg', 'portrait_small.jpg', 'three_people.jpg', 'pose_small_face.jpg']) {
          const image = await loadFace(name, scope);
          const faces = await detector.detect(image, scope);
          counts[name] = faces.length;
          for (const { value } of faces) {
            // Every box lies inside its image and every score is a probability.
            const [xMin, yMin, xMax, yMax] = value.box;
            expect(xMin!).toBeGreaterThan(-1);
            expect(yMin!).toBeGreaterThan(-1);
            expect(xMax!).toBeLessThan(image.width + 1);
            expect(yMax!).toBeLessThan(image.height + 1);
            expect(value.score[0]!).toBeGreaterThanOrEqual(0.5);
            expect(value.score[0]!).toBeLessThanOrEqual(1);
          }
        }
        expect(counts).toEqual({
          'astronaut.png': 1,
          'portrait.jpg': 1,
          'portrait_small.jpg': 1,
          'three_people.jpg': 3,
          'pose_small_face.jpg': 0,
        });
      });
    }
  });
}
