import type { RenderQuality } from '../packages/core/src/render/mesh/renderQuality';
import { EphemeralScope, LocalRenderer, fivePointsFromMesh, resolveFaceTrack } from '@vopop/core';
import { faceMeshTriangles } from '../packages/core/src/render/mesh/faceMeshTriangles';
import { createMeshMotion } from '../packages/core/src/render/mesh/meshMotion';
import { meshBackwardMotion } from './meshMotion';
import type { BackwardMotion } from './metrics/warpingError';
import type { FramePlan, QualityRenderer } from './qualityRenderer';

/** Points of the face mesh proper (the iris points of a 478-point mesh are not warped). */
const meshPoints = 468;

/**
 * The mesh renderer (`LocalRenderer`'s default `faceRenderer: 'mesh'`) at one blending quality.
 * Its target in each frame is the retargeted mesh, recomputed the way the renderer computes it
 * (`createMeshMotion` from the photo's mesh and five points, the template's five-point track,
 * and its mesh track where it has one); the known motion between frames is per triangle.
 */
export function meshQualityRenderer(quality: RenderQuality): QualityRenderer {
  return {
    name: `mesh-${quality}`,
    create(encoder) {
      const renderer = new LocalRenderer({ encoder, faceRenderer: 'mesh' });
      return { render: (job, scope) => renderer.render({ ...job, quality }, scope) };
    },
    plan(job, meshTrack) {
      const { template, landmarks } = job;
      const { width, height, fps, frameCount } = template;
      const track = resolveFaceTrack(template, meshTrack);
      const targets: Float32Array[] = [];
      // The motion's bases are derived from the face: held, and wiped once the targets are known.
      const scope = new EphemeralScope({ label: 'quality.mesh-plan' });
      try {
        const motion = createMeshMotion({
          photoMesh: landmarks.points.slice(0, meshPoints * 3),
          photoFivePoints: fivePointsFromMesh(landmarks),
          scope,
          fps,
          frameCount,
          ...(meshTrack ? { meshTrack } : {}),
        });
        const framePoints = new Float32Array(10);
        for (let f = 0; f < frameCount; f++) {
          const target = new Float32Array(meshPoints * 3);
          motion.targetAt(f, track(f, framePoints), target);
          targets.push(target);
        }
      } finally {
        scope.purge();
      }
      return (frameIndex): FramePlan => {
        const target = targets[frameIndex]!;
        if (frameIndex === 0) return { target };
        // Built on first use: it rasterises the mesh, and only detailed frames need it.
        let motion: BackwardMotion | undefined;
        return {
          target,
          backward: (x, y, out) => {
            motion ??= meshBackwardMotion(target, targets[frameIndex - 1]!, faceMeshTriangles, width, height);
            return motion(x, y, out);
          },
        };
      };
    },
  };
}
