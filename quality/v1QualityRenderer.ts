import { LocalRenderer, fivePointsFromMesh, resolveFaceTrack, transformPoints } from '@vopop/core';
import type { Affine2D } from '../packages/core/src/geometry/affine2d';
import { composeAffine, invertAffine } from '../packages/core/src/geometry/affine2d';
import { fitSimilarity } from '../packages/core/src/geometry/fitSimilarity';
import type { FramePlan, QualityRenderer } from './qualityRenderer';

/**
 * The v1 compositor (`LocalRenderer` with `faceRenderer: 'oval'`): a rigid, feathered face placed by a similarity fitted
 * from the photo's five points to the frame's. Its target in frame `t` is the photo's whole mesh
 * through that similarity, and the face's motion from `t` back to `t − 1` is
 * `S(t−1) · S(t)⁻¹`: exactly what the compositor does, recomputed the way it computes it.
 */
export const v1QualityRenderer: QualityRenderer = {
  name: 'v1',
  create: (encoder) => new LocalRenderer({ encoder, faceRenderer: 'oval' }),
  plan(job, meshTrack) {
    const landmarks = job.landmarks;
    const track = resolveFaceTrack(job.template, meshTrack);
    const photoPoints = fivePointsFromMesh(landmarks);
    const framePoints = new Float32Array(10);
    const similarities: Affine2D[] = [];
    for (let f = 0; f < job.template.frameCount; f++) {
      track(f, framePoints);
      similarities.push(fitSimilarity(photoPoints, framePoints).transform);
    }
    return (frameIndex): FramePlan => {
      const now = similarities[frameIndex]!;
      const target = transformPoints(now, landmarks.points.slice(), 3);
      if (frameIndex === 0) return { target };
      const inverse = invertAffine(now);
      if (!inverse) return { target };
      const back = composeAffine(similarities[frameIndex - 1]!, inverse);
      return {
        target,
        backward: (x, y, out) => {
          out[0] = back[0]! * x + back[1]! * y + back[2]!;
          out[1] = back[3]! * x + back[4]! * y + back[5]!;
          return true;
        },
      };
    };
  },
};
