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
  /**
   * The pixels that `draw` of the same frame will store opaquely, whatever lies under them (255,
   * else 0; one byte per frame pixel), for a layer drawn under the face to skip; `undefined` when
   * there are none or when this frame's draw still reads the frame under the face (the colour
   * match of the first frame). The mask is one buffer, held in the scope and overwritten per call.
   */
  opaqueCover(frameIndex: number, framePoints: Float32Array): Uint8Array | undefined;
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
  return new MeshPath(compositor, motion, target, scope, options.width * options.height);
}

class MeshPath implements MeshFaceRenderer {
  readonly #compositor: MeshCompositor;
  readonly #motion: MeshMotion;
  readonly #target: EphemeralHandle<Float32Array>;
  readonly #scope: EphemeralScope;
  readonly #pixelCount: number;
  /** Where the face lands opaquely in the current frame: its shape, so held like the mesh. */
  #cover: EphemeralHandle<Uint8Array> | undefined;

  constructor(
    compositor: MeshCompositor,
    motion: MeshMotion,
    target: EphemeralHandle<Float32Array>,
    scope: EphemeralScope,
    pixelCount: number,
  ) {
    this.#compositor = compositor;
    this.#motion = motion;
    this.#target = target;
    this.#scope = scope;
    this.#pixelCount = pixelCount;
  }

  opaqueCover(frameIndex: number, framePoints: Float32Array): Uint8Array | undefined {
    // Allocated on first use: only a renderer with a layer under the face asks for it.
    this.#cover ??= this.#scope.hold(new Uint8Array(this.#pixelCount), { kind: 'landmarks', label: 'mesh.opaque-cover' });
    const target = this.#target.value;
    this.#motion.targetAt(frameIndex, framePoints, target);
    const mask = this.#cover.value;
    return this.#compositor.opaqueCover(mask, target) ? mask : undefined;
  }

  draw(frame: Uint8Array, frameIndex: number, framePoints: Float32Array): void {
    const target = this.#target.value;
    this.#motion.targetAt(frameIndex, framePoints, target);
    this.#compositor.composite(frame, target);
  }
}
