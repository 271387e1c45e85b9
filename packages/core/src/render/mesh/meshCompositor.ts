import type { FaceLandmarks } from '../../detect/faceLandmarks';
import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import { disposeSymbol } from '../../purge/disposeSymbols';
import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import type { RgbaImage } from '../../ports/rgbaImage';
import { applyColourTransfer, measureLabStats } from '../compositing/colourTransfer';
import { ColourOverTime, sampleSkinStats } from './colourOverTime';
import { ShadingTransfer, relightCrop } from './shadingTransfer';
import { faceTopology, meshPointCount, triangleKind } from './faceTopology';
import { placeOuterRing } from './outerRing';
import { fillTriangleMask } from './triangleMask';
import { coefficientsPerTriangle, frontSign, rasteriseMesh } from './meshWarp';
import type { MeshWarpScratch } from './meshWarp';
import type { RenderQuality } from './renderQuality';
import { EyeLids } from './eyeLids';
import { eyeShiftLength, eyeShifts } from './gaze';
import type { MeshFrameFeatures } from './meshFrameFeatures';
import { renderQualities } from './renderQuality';
import type { FaceTopology } from './faceTopology';
import { opaqueRingTopology } from './seamBand';
import { SeamBlender } from './seamBlender';

/**
 * How to create a {@link MeshCompositor}.
 *
 * @public
 */
export interface MeshCompositorOptions {
  /** The decoded photo. Read once, at creation; it may be purged right after. */
  readonly photo: RgbaImage;
  /** The face found in `photo` (468 or 478 points). Read once, at creation. */
  readonly landmarks: FaceLandmarks;
  /** Owns every buffer the compositor derives; the compositor opens a child scope in it. */
  readonly scope: EphemeralScope;
  /** Size of the frames it will draw into. */
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** Blending work; default `'standard'`. See {@link RenderQuality}. */
  readonly quality?: RenderQuality;
  /**
   * How far to move the face's skin colour toward the colour under it in the first frame
   * (Reinhard transfer in L\*a\*b\*, measured on skin only: eyes, brows and lips excluded),
   * 0 (off) … 1. Default 0.5. After that exact match the face follows the light under it, smoothed
   * over time (see `ColourOverTime`).
   */
  readonly colourMatchStrength?: number;
  /**
   * How much of the template frame's low-frequency lighting under the face (a recorded actor's:
   * one side brighter, shadows) the face takes on, with the photo's own shading divided out,
   * 0 (off) … 1. Default 0; the mesh renderer turns it on for templates with a recorded face.
   */
  readonly shadingStrength?: number;
  /** Label of the compositor's child scope. Default `'mesh-compositor'`. */
  readonly label?: string;
}

/**
 * Draws one face into frames by warping its mesh, triangle by triangle, onto a target mesh:
 * the face follows the target's head pose and expression (see `retargetMesh` and the motion
 * presets) instead of being pasted as a rigid oval. Created once per generation by
 * {@link createMeshCompositor}; `composite` is then called once per frame and allocates nothing.
 *
 * @public
 */
export interface MeshCompositor extends Disposable {
  /**
   * Draw the face into `frame` (RGBA, `frameWidth * frameHeight * 4` bytes, background already
   * drawn), warped onto `target`: the 468 face-mesh points (x, y, z; more are ignored) in frame
   * pixels, in the same order as the photo's mesh. Only pixels the face reaches are written.
   *
   * @param features - internal: where a recorded template's eyes look and its own mouth interior
   *   (from the renderer's recorded-template path); without them the eyes keep the photo's gaze
   *   and an open mouth is shaded. Either way an eye closed further than the photo's lid can
   *   stretch gets lid skin.
   * @throws {@link InvalidArgumentError} for a frame of the wrong size or a target that is not
   *   468 finite points (the frame is left untouched).
   * @throws PurgedError once the compositor or its scope has been purged.
   */
  composite(frame: Uint8Array, target: Float32Array, features?: MeshFrameFeatures): void;
  /** The photo's face mesh, 468 points (x, y, z) in photo pixels: the neutral shape to retarget. */
  readonly photoMesh: Float32Array;
  /** Bytes of face data held; constant. */
  readonly byteLength: number;
  /** False once purged. */
  readonly isLive: boolean;
  /** Zero-fill and release every buffer now (the owning scope would do it at its end anyway). */
  purge(): void;
}

/** Lip gap (13–14) over eye distance (33–263) above which the photo's mouth counts as open. */
const openMouthRatio = 0.05;

/** Whether a face mesh's mouth is open (teeth or the mouth interior visible). */
function mouthIsOpen(mesh: Float32Array): boolean {
  const d = (a: number, b: number) => Math.hypot(mesh[a * 3]! - mesh[b * 3]!, mesh[a * 3 + 1]! - mesh[b * 3 + 1]!);
  return d(13, 14) > openMouthRatio * d(33, 263);
}

/** Crop side limit, as in the v1 compositor (16.16 fixed-point coordinates). */
const maxCropSide = 32767;

/**
 * Prepare a face for mesh compositing: cut the region the mesh and its ring cover out of the
 * photo, mark its skin, measure its colour, and allocate every per-frame buffer once. Every
 * derived buffer is an ephemeral handle in a child scope of `scope` (`'aligned-face'` for pixels
 * and the skin mask, `'landmarks'` for meshes, `'face-transform'` for per-frame coefficients);
 * the face is drawn straight into the caller's frame. `'draft'` adds no frame-sized buffer; the
 * seam of `'standard'` and `'high'` holds a frame-sized copy of the background under its band
 * (`'frame'`) and the band's spans, allocated here too (see {@link RenderQuality}).
 *
 * Bad input throws before anything is allocated, and leaves nothing behind.
 *
 * @throws {@link InvalidArgumentError} for landmarks that are not a 468/478-point mesh of this
 *   photo, a photo buffer of the wrong size, a bad frame size or options out of range.
 * @throws PurgedError when the photo or the scope has already been purged.
 * @public
 */
export function createMeshCompositor(options: MeshCompositorOptions): MeshCompositor {
  const { photo, landmarks, scope, frameWidth, frameHeight } = options;
  const quality = options.quality ?? 'standard';
  const strength = options.colourMatchStrength ?? 0.5;
  if (!renderQualities.includes(quality)) {
    throw new InvalidArgumentError("quality must be 'draft', 'standard' or 'high'.");
  }
  if (!(strength >= 0 && strength <= 1)) {
    throw new InvalidArgumentError('colourMatchStrength must be a number from 0 to 1.');
  }
  const shading = options.shadingStrength ?? 0;
  if (!(shading >= 0 && shading <= 1)) {
    throw new InvalidArgumentError('shadingStrength must be a number from 0 to 1.');
  }
  if (!Number.isInteger(frameWidth) || !Number.isInteger(frameHeight) || frameWidth < 1 || frameHeight < 1) {
    throw new InvalidArgumentError('frameWidth and frameHeight must be positive integers.');
  }
  if (!photo || typeof photo !== 'object' || !landmarks || typeof landmarks !== 'object') {
    throw new InvalidArgumentError('createMeshCompositor needs a photo and the landmarks of its face.');
  }
  scope.throwIfClosed();
  const pixels = photo.pixels.value;
  const { width, height } = photo;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 2 ||
    height < 2 ||
    !(pixels instanceof Uint8Array) ||
    pixels.length !== width * height * 4
  ) {
    throw new InvalidArgumentError('The photo must be RGBA with width × height × 4 bytes of pixels.');
  }
  const points = landmarks.points;
  if (
    landmarks.imageWidth !== width ||
    landmarks.imageHeight !== height ||
    !(points instanceof Float32Array) ||
    (landmarks.pointCount !== 468 && landmarks.pointCount !== 478) ||
    points.length < meshPointCount * 3 ||
    !points.subarray(0, meshPointCount * 3).every(Number.isFinite)
  ) {
    throw new InvalidArgumentError(
      'The mesh compositor needs the 468- or 478-point mesh detected in this photo (same image size, finite points).',
    );
  }
  return new TriangleMeshCompositor(options, quality, strength);
}

class TriangleMeshCompositor implements MeshCompositor {
  readonly #scope: EphemeralScope;
  readonly #strength: number;
  readonly #frameWidth: number;
  readonly #frameHeight: number;
  readonly #topology = faceTopology();
  readonly #front: number;
  readonly #photoMesh: EphemeralHandle<Float32Array>;
  /** Photo pixels under the mesh and ring, RGBA, as detected (kept to match colour from). */
  readonly #crop: EphemeralHandle<Uint8Array>;
  /** Colour-matched crop, one word per pixel, as the warp reads it. */
  readonly #packed: EphemeralHandle<Int32Array>;
  readonly #skin: EphemeralHandle<Uint8Array>;
  /** Source vertices in tap coordinates of the crop (x, y), ring included. */
  readonly #source: EphemeralHandle<Float32Array>;
  /** This frame's target vertices (x, y, z), ring included. */
  readonly #target: EphemeralHandle<Float32Array>;
  readonly #coefficients: EphemeralHandle<Float64Array>;
  readonly #depth: EphemeralHandle<Float32Array>;
  readonly #order: EphemeralHandle<Uint16Array>;
  readonly #scratch: MeshWarpScratch;
  /** Word view of the last frame drawn into, kept so that frames allocate nothing. */
  #frameWords: Int32Array | undefined;
  /** `[crop x, y, width, height, frame box ×4]`. */
  readonly #extent: EphemeralHandle<Int32Array>;
  readonly #box: Int32Array;
  /** `[face stats ×6, target stats ×6, accumulator ×7]`. */
  readonly #stats: EphemeralHandle<Float64Array>;
  readonly #mouth: EphemeralHandle<Int32Array>;
  /** Whether the photo's mouth is open enough to sample its own interior (teeth) from. */
  readonly #mouthFromPhoto: boolean;
  #matchPending: boolean;
  /** The seam pass of 'standard' and 'high' (none for 'draft', whose ring fades in the raster). */
  readonly #seam: SeamBlender | undefined;
  /** The topology the raster draws: the ring opaque when the seam pass blends it. */
  readonly #drawTopology: FaceTopology;
  readonly #eyeLids: EyeLids;
  /** Per-frame gaze shift of each eye's content in the crop (see gaze.ts). */
  readonly #eyeShift: EphemeralHandle<Float64Array>;
  /** The matched crop's words before this frame's light (present when the light can change). */
  readonly #base: EphemeralHandle<Int32Array> | undefined;
  readonly #colourOverTime: ColourOverTime | undefined;
  readonly #shading: ShadingTransfer | undefined;

  constructor(options: MeshCompositorOptions, quality: RenderQuality, strength: number) {
    const { photo, landmarks } = options;
    this.#strength = strength;
    this.#frameWidth = options.frameWidth;
    this.#frameHeight = options.frameHeight;
    const scope = options.scope.child(options.label ?? 'mesh-compositor');
    this.#scope = scope;
    const topology = this.#topology;
    const vertexCount = topology.vertexCount;
    const triangleCount = topology.kinds.length;
    try {
      const mesh = 'landmarks' as const;
      this.#photoMesh = scope.hold(landmarks.points.slice(0, meshPointCount * 3), { kind: mesh, label: 'mesh.photo' });
      const source = scope.hold(new Float32Array(vertexCount * 2), { kind: mesh, label: 'mesh.source' });
      this.#source = source;
      this.#target = scope.hold(new Float32Array(vertexCount * 3), { kind: mesh, label: 'mesh.target' });

      // Source vertices: the photo's mesh plus its ring, then the crop that holds them all.
      const s = source.value;
      const photoMesh = this.#photoMesh.value;
      for (let i = 0; i < meshPointCount; i++) {
        s[i * 2] = photoMesh[i * 3]!;
        s[i * 2 + 1] = photoMesh[i * 3 + 1]!;
      }
      placeOuterRing(s, 2);
      let xMin = Infinity;
      let yMin = Infinity;
      let xMax = -Infinity;
      let yMax = -Infinity;
      for (let i = 0; i < vertexCount; i++) {
        xMin = Math.min(xMin, s[i * 2]!);
        xMax = Math.max(xMax, s[i * 2]!);
        yMin = Math.min(yMin, s[i * 2 + 1]!);
        yMax = Math.max(yMax, s[i * 2 + 1]!);
      }
      const cropX = Math.max(0, Math.floor(xMin) - 2);
      const cropY = Math.max(0, Math.floor(yMin) - 2);
      const cropWidth = Math.min(photo.width, Math.ceil(xMax) + 3) - cropX;
      const cropHeight = Math.min(photo.height, Math.ceil(yMax) + 3) - cropY;
      if (!(cropWidth >= 3 && cropHeight >= 3)) {
        throw new InvalidArgumentError('The face mesh covers less than 3 × 3 pixels of the photo; use a larger photo.');
      }
      if (cropWidth > maxCropSide || cropHeight > maxCropSide) {
        throw new InvalidArgumentError(`The face is wider or taller than ${maxCropSide} pixels; downscale the photo first.`);
      }
      const face = 'aligned-face' as const;
      const crop = scope.hold(new Uint8Array(cropWidth * cropHeight * 4), { kind: face, label: 'mesh.crop' });
      this.#crop = crop;
      const photoPixels = photo.pixels.value;
      for (let row = 0; row < cropHeight; row++) {
        const from = ((cropY + row) * photo.width + cropX) * 4;
        crop.value.set(photoPixels.subarray(from, from + cropWidth * 4), row * cropWidth * 4);
      }
      // The skin, in crop pixels (continuous coordinates), before switching to tap coordinates.
      this.#skin = scope.hold(new Uint8Array(cropWidth * cropHeight), { kind: face, label: 'mesh.skin' });
      for (let i = 0; i < vertexCount; i++) {
        s[i * 2] = s[i * 2]! - cropX;
        s[i * 2 + 1] = s[i * 2 + 1]! - cropY;
      }
      fillTriangleMask(this.#skin.value, cropWidth, cropHeight, s, topology.triangles, topology.kinds, triangleKind.skin);
      this.#front = frontSign(s, 2, topology);
      this.#mouthFromPhoto = mouthIsOpen(photoMesh);
      this.#eyeLids = new EyeLids(scope, photoMesh);
      this.#eyeShift = scope.hold(new Float64Array(eyeShiftLength), { kind: 'face-transform', label: 'mesh.eye-shift' });
      // Tap coordinates, kept a pixel inside the crop so that every bilinear tap is.
      for (let i = 0; i < vertexCount; i++) {
        s[i * 2] = Math.min(cropWidth - 2, Math.max(0, s[i * 2]! - 0.5));
        s[i * 2 + 1] = Math.min(cropHeight - 2, Math.max(0, s[i * 2 + 1]! - 0.5));
      }

      this.#packed = scope.hold(new Int32Array(cropWidth * cropHeight), { kind: face, label: 'mesh.packed' });
      const shadingStrength = options.shadingStrength ?? 0;
      if (strength > 0 || shadingStrength > 0) {
        this.#base = scope.hold(new Int32Array(cropWidth * cropHeight), { kind: face, label: 'mesh.packed-base' });
      }
      if (strength > 0) this.#colourOverTime = new ColourOverTime(scope, strength);
      if (shadingStrength > 0) {
        this.#shading = new ShadingTransfer(scope, shadingStrength, crop.value, cropWidth, cropHeight, s, topology.skinPoint);
      }
      const transform = 'face-transform' as const;
      this.#coefficients = scope.hold(new Float64Array(triangleCount * coefficientsPerTriangle), {
        kind: transform,
        label: 'mesh.coefficients',
      });
      this.#depth = scope.hold(new Float32Array(triangleCount), { kind: transform, label: 'mesh.depth' });
      const order = scope.hold(new Uint16Array(triangleCount), { kind: transform, label: 'mesh.order' });
      for (let k = 0; k < triangleCount; k++) order.value[k] = k;
      this.#order = order;
      this.#scratch = { coefficients: this.#coefficients.value, depth: this.#depth.value, order: order.value };
      this.#seam =
        quality === 'draft'
          ? undefined
          : new SeamBlender(scope, quality === 'high' ? 'poisson' : 'laplacian', this.#frameWidth, this.#frameHeight, topology);
      this.#drawTopology = this.#seam ? opaqueRingTopology(topology) : topology;
      // Small typed arrays get buffers of their own throughout: V8 keeps ones of 64 bytes or less
      // inside its heap, where the collector may move them and leave an unwiped copy (P3).
      const extentValues = new Int32Array(new ArrayBuffer(32));
      extentValues.set([cropX, cropY, cropWidth, cropHeight, 0, 0, -1, -1]);
      const extent = scope.hold(extentValues, {
        kind: transform,
        label: 'mesh.extent',
      });
      this.#extent = extent;
      this.#box = extent.value.subarray(4, 8);
      this.#stats = scope.hold(new Float64Array(19), { kind: face, label: 'mesh.colour-stats' });
      this.#mouth = scope.hold(new Int32Array(new ArrayBuffer(28)), { kind: face, label: 'mesh.mouth-colours' });
      measureLabStats(crop.value, this.#skin.value, this.#stats.value.subarray(0, 6));
      this.#pack(crop.value);
      this.#setMouthColours(this.#stats.value[0]!);
      this.#matchPending = strength > 0;
    } catch (error) {
      scope.purge();
      throw error;
    }
  }

  get photoMesh(): Float32Array {
    return this.#photoMesh.value;
  }

  get byteLength(): number {
    if (!this.isLive) return 0;
    return (this.#seam?.byteLength ?? 0) + [
      this.#photoMesh, this.#crop, this.#packed, this.#skin, this.#source, this.#target, this.#coefficients,
      this.#depth, this.#order, this.#extent, this.#stats, this.#mouth, ...(this.#base ? [this.#base] : []),
    ].reduce((sum, handle) => sum + handle.byteLength, this.#eyeLids.byteLength + this.#eyeShift.byteLength);
  }

  get isLive(): boolean {
    return this.#scope.isOpen && this.#packed.isLive;
  }

  composite(frame: Uint8Array, target: Float32Array, features?: MeshFrameFeatures): void {
    this.#scope.throwIfClosed();
    const width = this.#frameWidth;
    const height = this.#frameHeight;
    if (!(frame instanceof Uint8Array) || frame.length !== width * height * 4) {
      throw new InvalidArgumentError(`composite needs an RGBA frame of exactly ${width} × ${height} × 4 bytes.`);
    }
    if (!(target instanceof Float32Array) || target.length < meshPointCount * 3) {
      throw new InvalidArgumentError('The target mesh must be a Float32Array of at least 468 points (x, y, z).');
    }
    const gaze = features?.gaze;
    if (gaze !== undefined && !(gaze instanceof Float32Array && gaze.length >= 4 && Number.isFinite(gaze[0]! + gaze[1]! + gaze[2]! + gaze[3]!))) {
      throw new InvalidArgumentError('A gaze must be a Float32Array of 4 finite numbers.');
    }
    const vertices = this.#target.value;
    for (let i = 0; i < meshPointCount * 3; i++) {
      const value = target[i]!;
      if (!Number.isFinite(value)) throw new InvalidArgumentError(`The target mesh has a non-finite number at ${i}.`);
      vertices[i] = value;
    }
    placeOuterRing(vertices, 3);
    const box = this.#box;
    if (!this.#coveredBox(vertices, box)) return;
    if (gaze) eyeShifts(this.#source.value, gaze, this.#eyeShift.value);
    if (this.#matchPending) this.#matchColour(frame, vertices);
    else this.#followLight(frame, vertices);
    this.#seam?.saveBackground(this.#wordsOf(frame), vertices, box);
    rasteriseMesh(
      this.#wordsOf(frame),
      width,
      box,
      this.#packed.value,
      this.#extent.value[2]!,
      this.#source.value,
      vertices,
      this.#drawTopology,
      this.#front,
      this.#mouthFromPhoto ? undefined : this.#mouth.value,
      this.#scratch,
      gaze ? this.#eyeShift.value : undefined,
      features?.mouth,
    );
    this.#eyeLids.cover(this.#wordsOf(frame), width, box, vertices, this.#packed.value, this.#extent.value[2]!, this.#source.value);
    this.#seam?.blend(this.#wordsOf(frame));
  }

  purge(): void {
    this.#scope.purge();
  }

  [disposeSymbol](): void {
    this.purge();
  }

  /** The frame rectangle the mesh and ring reach, clipped; false when it misses the frame. */
  #coveredBox(vertices: Float32Array, box: Int32Array): boolean {
    let xMin = Infinity;
    let yMin = Infinity;
    let xMax = -Infinity;
    let yMax = -Infinity;
    for (let i = 0; i < vertices.length; i += 3) {
      const x = vertices[i]!;
      const y = vertices[i + 1]!;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
    box[0] = Math.max(0, Math.floor(xMin));
    box[1] = Math.max(0, Math.floor(yMin));
    box[2] = Math.min(this.#frameWidth - 1, Math.ceil(xMax));
    box[3] = Math.min(this.#frameHeight - 1, Math.ceil(yMax));
    return box[0]! <= box[2]! && box[1]! <= box[3]!;
  }

  /** The frame as one word per pixel (the same bytes, not a copy). */
  #wordsOf(frame: Uint8Array): Int32Array {
    const words = this.#frameWords;
    if (words && words.buffer === frame.buffer && words.byteOffset === frame.byteOffset) return words;
    if (frame.byteOffset % 4 !== 0) {
      throw new InvalidArgumentError('composite needs a frame that starts on a 4-byte boundary of its buffer.');
    }
    this.#frameWords = new Int32Array(frame.buffer, frame.byteOffset, frame.length >> 2);
    return this.#frameWords;
  }

  /**
   * Measure the frame's colour under the face, sampled at the target mesh's skin points (about 400
   * samples spread over exactly the skin the face will cover), and move the crop's colour toward it,
   * exactly, once; later frames follow the light through {@link ColourOverTime}, smoothed, so that
   * the face does not flicker as the background under it moves.
   */
  #matchColour(frame: Uint8Array, vertices: Float32Array): void {
    const stats = this.#stats.value;
    const skin = this.#topology.skinPoint;
    const acc = stats.subarray(12, 19);
    if (!sampleSkinStats(frame, this.#frameWidth, this.#frameHeight, vertices, skin, acc, stats.subarray(6, 12))) {
      this.#followLight(frame, vertices);
      return;
    }
    const crop = this.#crop.value;
    // A held copy, purged at once: the packed words are the only matched copy kept, so that the
    // raw crop stays available to match from.
    const matched = this.#scope.hold(new Uint8Array(crop.length), { kind: 'aligned-face', label: 'mesh.matched' });
    try {
      applyColourTransfer(crop, matched.value, stats.subarray(0, 6), stats.subarray(6, 12), this.#strength);
      this.#pack(matched.value);
    } finally {
      matched.purge();
    }
    const l = stats[0]! + (stats[6]! - stats[0]!) * this.#strength;
    this.#setMouthColours(l);
    this.#matchPending = false;
    this.#colourOverTime?.start(stats.subarray(0, 6), stats.subarray(6, 12));
    this.#followLight(frame, vertices);
  }

  /**
   * The light of this frame: the smoothed colour drift and, on recorded templates, the actor's
   * shading; re-packs the crop from the matched base when either changed.
   */
  #followLight(frame: Uint8Array, vertices: Float32Array): void {
    const base = this.#base;
    if (!base) return;
    const width = this.#frameWidth;
    const height = this.#frameHeight;
    const skin = this.#topology.skinPoint;
    const colour = this.#colourOverTime;
    let changed = false;
    if (colour?.follow(frame, width, height, vertices, skin)) {
      this.#setMouthColours(colour.lightness);
      changed = true;
    }
    if (this.#shading?.update(frame, width, height, vertices, skin)) changed = true;
    if (!changed) return;
    const extent = this.#extent.value;
    relightCrop(base.value, this.#packed.value, extent[2]!, extent[3]!, colour?.lut, this.#shading?.field);
  }

  /** Colours of the mouth interior, scaled to the face's lightness (L\* 0…100). */
  #setMouthColours(lightness: number): void {
    const light = Math.min(1.15, Math.max(0.45, lightness / 62));
    const m = this.#mouth.value;
    const teeth = [228, 222, 208];
    const cavity = [92, 28, 34];
    for (let c = 0; c < 3; c++) {
      m[c] = Math.min(255, Math.round(teeth[c]! * light));
      m[3 + c] = Math.min(255, Math.round(cavity[c]! * light));
    }
    m[6] = Math.round(0.36 * 256);
  }

  #pack(rgba: Uint8Array): void {
    const packed = this.#packed.value;
    for (let i = 0; i < packed.length; i++) {
      const p = i << 2;
      packed[i] = rgba[p]! | (rgba[p + 1]! << 8) | (rgba[p + 2]! << 16) | (255 << 24);
    }
    this.#base?.value.set(packed);
  }
}
