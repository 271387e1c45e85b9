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
import { faceTopology } from './faceTopology';
import { RecordedMouth } from './recordedMouth';
import type { TemplateMouthSource } from './recordedMouth';
import type { RenderQuality } from './renderQuality';
import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import { recordedShadingStrength } from './shadingTransfer';
import type { FrameExclusion } from '../compositing/frameExclusion';
import { MeshFaceExclusion } from '../compositing/meshExclusion';

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
   * `draw` in two steps, for a renderer that draws a layer under the face: `place` computes where
   * the face of frame `frameIndex` goes and returns the part of the frame it will cover opaquely
   * (undefined when none is certain), which the layer under it may skip; `drawPlaced` then draws
   * it into `frame`. The region stays valid until the next `place`.
   */
  place(frameIndex: number, framePoints: Float32Array): FrameExclusion | undefined;
  drawPlaced(frame: Uint8Array): void;
  /**
   * Copy what the face takes from template frame `frameIndex` (a recorded template's own mouth
   * interior) out of `frame`, right after its background is drawn and before anything covers it.
   * Without it an open mouth is shaded instead.
   */
  captureTemplate(frame: Uint8Array, frameIndex: number): void;
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
  const gaze = scope.hold(new Float32Array(new ArrayBuffer(16)), { kind: 'face-transform', label: 'mesh.gaze' });
  const mouth = options.meshTrack
    ? new RecordedMouth(scope, options.meshTrack, options.width, options.height, faceTopology().vertexCount)
    : undefined;
  // Not with a recorded face: its shading reads the frame under the face over whole neighbourhoods,
  // which must then hold what the layer under it drew.
  const exclusion = options.meshTrack ? undefined : new MeshFaceExclusion(scope, compositor.photoMesh, options.width, options.height, options.quality);
  return new MeshPath(compositor, motion, target, gaze, mouth, exclusion);
}

class MeshPath implements MeshFaceRenderer {
  readonly #compositor: MeshCompositor;
  readonly #motion: MeshMotion;
  readonly #target: EphemeralHandle<Float32Array>;
  readonly #gaze: EphemeralHandle<Float32Array>;
  readonly #mouth: RecordedMouth | undefined;
  readonly #exclusion: MeshFaceExclusion | undefined;
  /** The frame whose target `place` computed; −1 when none is pending. */
  #placed = -1;
  /** Reused every frame, so that drawing allocates nothing. */
  readonly #features: { gaze: Float32Array | undefined; mouth: TemplateMouthSource | undefined } = { gaze: undefined, mouth: undefined };

  constructor(
    compositor: MeshCompositor,
    motion: MeshMotion,
    target: EphemeralHandle<Float32Array>,
    gaze: EphemeralHandle<Float32Array>,
    mouth: RecordedMouth | undefined,
    exclusion: MeshFaceExclusion | undefined,
  ) {
    this.#compositor = compositor;
    this.#motion = motion;
    this.#target = target;
    this.#gaze = gaze;
    this.#mouth = mouth;
    this.#exclusion = exclusion;
  }

  captureTemplate(frame: Uint8Array, frameIndex: number): void {
    this.#mouth?.capture(frame, frameIndex);
  }

  draw(frame: Uint8Array, frameIndex: number, framePoints: Float32Array): void {
    this.#motion.targetAt(frameIndex, framePoints, this.#target.value);
    this.#placed = frameIndex;
    this.drawPlaced(frame);
  }

  place(frameIndex: number, framePoints: Float32Array): FrameExclusion | undefined {
    const target = this.#target.value;
    this.#motion.targetAt(frameIndex, framePoints, target);
    this.#placed = frameIndex;
    return this.#exclusion?.build(target);
  }

  drawPlaced(frame: Uint8Array): void {
    const frameIndex = this.#placed;
    if (frameIndex < 0) throw new InvalidArgumentError('drawPlaced needs a frame placed first.');
    this.#placed = -1;
    const target = this.#target.value;
    const features = this.#features;
    features.gaze = this.#motion.gazeAt(frameIndex, this.#gaze.value) ? this.#gaze.value : undefined;
    features.mouth = this.#mouth?.at(frameIndex);
    this.#compositor.composite(frame, target, features);
    features.gaze = undefined;
    features.mouth = undefined;
  }
}
