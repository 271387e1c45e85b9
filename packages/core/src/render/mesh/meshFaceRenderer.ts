import { fivePointsFromMesh } from '../../align/fivePoints';
import type { FaceLandmarks } from '../../detect/faceLandmarks';
import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import type { RgbaImage } from '../../ports/rgbaImage';
import { createMeshCompositor } from './meshCompositor';
import type { MeshCompositor } from './meshCompositor';
import { createMeshMotion } from './meshMotion';
import type { MeshMotion } from './meshMotion';
import type { MeshTrack } from './meshTrack';
import type { RenderQuality } from './renderQuality';
import { recordedShadingStrength } from './shadingTransfer';

/**
 * What {@link createMeshFaceRenderer} needs: the photo and its face, the clip, and how to draw.
 *
 * @internal
 */
export interface MeshFaceRendererOptions {
  readonly photo: RgbaImage;
  /** The face in `photo`: a 468- or 478-point mesh. */
  readonly landmarks: FaceLandmarks;
  /** Owns everything derived from the face. */
  readonly scope: EphemeralScope;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  /** The template's recorded face; without it the built-in motion preset drives the face. */
  readonly meshTrack?: MeshTrack;
  readonly quality?: RenderQuality;
  readonly colourMatchStrength?: number;
}

/**
 * The mesh path of the local renderer, per frame: where the face goes ({@link MeshMotion}) and
 * drawing it there ({@link MeshCompositor}).
 *
 * @internal
 */
export interface MeshFaceRenderer {
  /**
   * Draw the face of frame `frameIndex` into `frame` (background already drawn). `framePoints`
   * are the template's five target points of that frame (placement for built-in templates).
   */
  draw(frame: Uint8Array, frameIndex: number, framePoints: Float32Array): void;
}

/**
 * Create the mesh path for one generation; every buffer it derives is held in `scope`.
 *
 * @throws InvalidArgumentError as `createMeshCompositor` and `createMeshMotion` do.
 * @internal
 */
export function createMeshFaceRenderer(options: MeshFaceRendererOptions): MeshFaceRenderer {
  const { scope, landmarks } = options;
  const compositor = createMeshCompositor({
    photo: options.photo,
    landmarks,
    scope,
    frameWidth: options.width,
    frameHeight: options.height,
    ...(options.quality ? { quality: options.quality } : {}),
    ...(options.colourMatchStrength !== undefined ? { colourMatchStrength: options.colourMatchStrength } : {}),
    // A recorded actor's lighting (one side brighter, shadows) shades the face.
    ...(options.meshTrack ? { shadingStrength: recordedShadingStrength } : {}),
  });
  const photoFive = scope.hold(fivePointsFromMesh(landmarks), { kind: 'landmarks', label: 'mesh.photo-points5' });
  const motion = createMeshMotion({
    photoMesh: compositor.photoMesh,
    photoFivePoints: photoFive.value,
    scope,
    fps: options.fps,
    frameCount: options.frameCount,
    ...(options.meshTrack ? { meshTrack: options.meshTrack } : {}),
  });
  photoFive.purge();
  const target = scope.hold(new Float32Array(landmarks.pointCount * 3), { kind: 'landmarks', label: 'mesh.frame-target' });
  return new MeshPath(compositor, motion, target);
}

class MeshPath implements MeshFaceRenderer {
  readonly #compositor: MeshCompositor;
  readonly #motion: MeshMotion;
  readonly #target: EphemeralHandle<Float32Array>;

  constructor(compositor: MeshCompositor, motion: MeshMotion, target: EphemeralHandle<Float32Array>) {
    this.#compositor = compositor;
    this.#motion = motion;
    this.#target = target;
  }

  draw(frame: Uint8Array, frameIndex: number, framePoints: Float32Array): void {
    const target = this.#target.value;
    this.#motion.targetAt(frameIndex, framePoints, target);
    this.#compositor.composite(frame, target);
  }
}
