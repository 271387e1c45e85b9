import type { FaceLandmarks } from '../../detect/faceLandmarks';
import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import { disposeSymbol } from '../../purge/disposeSymbols';
import { InvalidArgumentError } from '../../errors/invalidArgumentError';
import type { Affine2D } from '../../geometry/affine2d';
import type { RgbaImage } from '../../ports/rgbaImage';
import type { LabStats } from './colourTransfer';
import { applyColourTransfer, labStatsFromAccumulator, measureLabStats } from './colourTransfer';
import { withForeheadDome } from './foreheadDome';
import { faceOutline, faceRegion, rasteriseFaceMask } from './faceMask';
import type { FaceRegion } from './faceMask';
import { accumulateCovered, coveredBox, frameToCrop, warpBlend } from './warpBlend';
import { isFrameExclusion } from './frameExclusion';
import type { FrameExclusion } from './frameExclusion';
import { maskHull } from './layerHull';

/**
 * How to create a {@link FaceCompositor}.
 *
 * @public
 */
export interface FaceCompositorOptions {
  /** The decoded photo. Read once, at creation; it may be purged right after. */
  readonly photo: RgbaImage;
  /** The face found in `photo` (the value of the detection handle). Read once, at creation. */
  readonly landmarks: FaceLandmarks;
  /** Owns every buffer the compositor derives; the compositor opens a child scope in it. */
  readonly scope: EphemeralScope;
  /**
   * Width of the mask's soft edge as a fraction of the face size (the larger side of the mesh's
   * bounding box), 0…0.5. The feather lies inside the face outline. Default 0.08.
   */
  readonly featherFraction?: number;
  /**
   * How far to move the face's colour toward the template's (Reinhard transfer in L\*a\*b\*),
   * 0 (off) … 1 (match mean and spread). Default 0.5.
   */
  readonly colourMatchStrength?: number;
  /**
   * Statistics to match toward. Default: measured once, from the pixels the face covers in the
   * first frame composited (see {@link FaceCompositor.rematchColour}).
   */
  readonly colourTarget?: LabStats;
  /** Label of the compositor's child scope. Default `'compositor'`. */
  readonly label?: string;
}

/**
 * Pastes one face into frames. Created once per generation by {@link createFaceCompositor};
 * `composite` is then called once per frame and allocates nothing.
 *
 * @public
 */
export interface FaceCompositor extends Disposable {
  /**
   * Warp the face into `frame` through `photoToFrame` (photo pixels → frame pixels) and blend it
   * over what is there, in place. Only pixels under the feathered mask are written; the rest of
   * the frame stays byte-identical. A face partly or wholly outside the frame is clipped.
   *
   * @param frame - RGBA, `frameWidth * frameHeight * 4` bytes, background already drawn.
   * @param exclude - internal: pixels of this frame that a layer drawn next covers opaquely (the
   *   mesh face over the head layer), left unwritten to save the work.
   * @throws {@link InvalidArgumentError} for a buffer of the wrong size or a singular or
   *   non-finite transform (the frame is left untouched).
   * @throws PurgedError once the compositor or its scope has been purged.
   */
  composite(frame: Uint8Array, frameWidth: number, frameHeight: number, photoToFrame: Affine2D, exclude?: FrameExclusion): void;
  /**
   * Measure the colour target again at the next `composite` call, e.g. after a scene cut in the
   * template. Colour is matched once rather than per frame so that the face does not flicker
   * as the background under it changes.
   */
  rematchColour(): void;
  /** Bytes of face data held (crop, mask, packed and matched copies, statistics); constant. */
  readonly byteLength: number;
  /** False once purged. */
  readonly isLive: boolean;
  /** Zero-fill and release every buffer now (the owning scope would do it at its end anyway). */
  purge(): void;
}

/** Larger crops would overflow the 16.16 fixed-point coordinates of the warp. */
const maxCropSide = 32767;
/** Every second pixel in each direction is plenty for a mean and a spread. */
const targetSampleStep = 2;

/**
 * Prepare a face for compositing: cut the face region out of the photo, build its feathered
 * mask once (in photo space, from the convex hull of the mesh), measure its colour, and pack
 * everything for the per-frame warp. Every derived buffer is an ephemeral handle of kind
 * `'aligned-face'` (or `'face-transform'` for the per-frame transform) in a child scope of
 * `scope`, allocated here and reused for every frame.
 *
 * Bad input throws before anything is allocated, and leaves nothing behind.
 *
 * @example
 * ```ts
 * using compositor = createFaceCompositor({ photo, landmarks: face.value, scope });
 * for (const [frame, photoToFrame] of frames) {
 *   copyFrame(background, frame);
 *   compositor.composite(frame, 720, 1280, photoToFrame);
 * }
 * ```
 * @throws {@link InvalidArgumentError} for landmarks that do not fit the photo or span no area,
 *   a photo buffer of the wrong size, or options out of range.
 * @throws PurgedError when the photo or the scope has already been purged.
 * @public
 */
export function createFaceCompositor(options: FaceCompositorOptions): FaceCompositor {
  const { photo, landmarks, scope } = options;
  const featherFraction = options.featherFraction ?? 0.08;
  const strength = options.colourMatchStrength ?? 0.5;
  if (!(featherFraction >= 0 && featherFraction <= 0.5)) {
    throw new InvalidArgumentError('featherFraction must be a number from 0 to 0.5.');
  }
  if (!(strength >= 0 && strength <= 1)) {
    throw new InvalidArgumentError('colourMatchStrength must be a number from 0 to 1.');
  }
  const target = options.colourTarget;
  if (
    target !== undefined &&
    (!(target instanceof Float64Array) || target.length < 6 || !target.every(Number.isFinite))
  ) {
    throw new InvalidArgumentError(
      'colourTarget must be 6 finite L*a*b* statistics, as from measureLabStats.',
    );
  }
  if (!photo || typeof photo !== 'object' || !landmarks || typeof landmarks !== 'object') {
    throw new InvalidArgumentError('createFaceCompositor needs a photo and the landmarks of its face.');
  }
  scope.throwIfClosed();
  const pixels = photo.pixels.value;
  const { width, height } = photo;
  const wholeSize = Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1;
  if (!wholeSize || !(pixels instanceof Uint8Array) || pixels.length !== width * height * 4) {
    throw new InvalidArgumentError('The photo must be RGBA with width × height × 4 bytes of pixels.');
  }
  const sameImage = landmarks.imageWidth === width && landmarks.imageHeight === height;
  if (!sameImage || !(landmarks.points instanceof Float32Array)) {
    throw new InvalidArgumentError(
      'The landmarks were not detected in this photo (their image size differs); detect the face ' +
        'in the photo you composite.',
    );
  }
  const domed = withForeheadDome(landmarks.points, landmarks.pointCount);
  let outline: ReturnType<typeof faceOutline>;
  try {
    outline = faceOutline(domed.points, domed.pointCount, 3);
  } finally {
    if (domed.points !== landmarks.points) domed.points.fill(0);
  }
  try {
    const region = faceRegion(outline, width, height);
    if (region.width > maxCropSide || region.height > maxCropSide) {
      throw new InvalidArgumentError(
        `The face is wider or taller than ${maxCropSide} pixels; downscale the photo first.`,
      );
    }
    const mask = rasteriseFaceMask(outline, region, featherFraction * region.faceSize);
    let covered = false;
    for (let i = 0; i < mask.length && !covered; i++) covered = mask[i] !== 0;
    if (!covered) {
      mask.fill(0);
      throw new InvalidArgumentError(
        'The face outline covers no whole pixel of the photo (or the feather eats all of it); ' +
          'use a larger photo or a smaller featherFraction.',
      );
    }
    try {
      const label = options.label ?? 'compositor';
      return new MeshFaceCompositor(scope, label, pixels, width, region, mask, strength, target);
    } catch (error) {
      mask.fill(0);
      throw error;
    }
  } finally {
    outline.edges.fill(0);
    outline.box.fill(0);
  }
}

/**
 * A compositor for any region of the photo cut out through a ready-made 8-bit mask instead of
 * the face oval: the head layer's matte. Takes ownership of `mask` (`region.width ×
 * region.height`, held and wiped with the compositor's scope, or zeroed here on a throw).
 *
 * @internal
 */
export function createMaskedCompositor(
  photo: RgbaImage,
  scope: EphemeralScope,
  region: FaceRegion,
  mask: Uint8Array,
  options: { readonly colourMatchStrength: number; readonly label: string },
): FaceCompositor {
  try {
    scope.throwIfClosed();
    const { colourMatchStrength: strength, label } = options;
    return new MeshFaceCompositor(scope, label, photo.pixels.value, photo.width, region, mask, strength, undefined);
  } catch (error) {
    mask.fill(0);
    throw error;
  }
}

class MeshFaceCompositor implements FaceCompositor {
  readonly #scope: EphemeralScope;
  readonly #strength: number;
  /** Raw face pixels, RGBA: kept so that colour can be matched again from the original. */
  readonly #crop: EphemeralHandle<Uint8Array>;
  readonly #mask: EphemeralHandle<Uint8Array>;
  /** Colour-matched RGBA (only with a non-zero strength). */
  readonly #matched: EphemeralHandle<Uint8Array> | undefined;
  /** Matched colour and mask, one word per pixel, as the warp reads it. */
  readonly #packed: EphemeralHandle<Int32Array>;
  /** `[face stats ×6, target stats ×6, accumulator ×7]`. */
  readonly #stats: EphemeralHandle<Float64Array>;
  /** Frame → crop map for the current frame. */
  readonly #inverse: EphemeralHandle<Float64Array>;
  /**
   * `[crop x, y, width, height, frame box ×4, row spans ×6, hull walk ×4]`: where the face sits in the photo
   * and lands in the current frame. Held, not kept in fields, because it locates the face.
   */
  readonly #extent: EphemeralHandle<Int32Array>;
  /** Views on `#extent`, made once so that frames allocate nothing. */
  readonly #crop4: Int32Array;
  readonly #box: Int32Array;
  readonly #span: Int32Array;
  /**
   * Convex hull of where the warp can read a non-zero mask value, in crop taps (`[u0, v0, …]`),
   * and the same vertices mapped into the current frame: each row is clipped to it, so the
   * empty corners of the rotated crop are never visited.
   */
  readonly #hull: EphemeralHandle<Float64Array>;
  readonly #hullInFrame: EphemeralHandle<Float64Array>;
  /** Where the walk down the hull's edges is (see layerHull.ts). */
  readonly #hullState: Int32Array;
  #matchPending: boolean;

  constructor(
    parent: EphemeralScope,
    label: string,
    photoPixels: Uint8Array,
    photoWidth: number,
    region: FaceRegion,
    mask: Uint8Array,
    strength: number,
    target: LabStats | undefined,
  ) {
    this.#strength = strength;
    const scope = parent.child(label);
    this.#scope = scope;
    const face = 'aligned-face' as const;
    try {
      this.#mask = scope.hold(mask, { kind: face, label: 'compositor.mask' });
      const pixelCount = region.width * region.height;
      const crop = scope.hold(new Uint8Array(pixelCount * 4), { kind: face, label: 'compositor.crop' });
      this.#crop = crop;
      const rowBytes = region.width * 4;
      for (let row = 0; row < region.height; row++) {
        const from = ((region.y + row) * photoWidth + region.x) * 4;
        crop.value.set(photoPixels.subarray(from, from + rowBytes), row * rowBytes);
      }
      this.#stats = scope.hold(new Float64Array(19), { kind: face, label: 'compositor.colour-stats' });
      this.#packed = scope.hold(new Int32Array(pixelCount), { kind: face, label: 'compositor.packed' });
      this.#matched =
        strength > 0
          ? scope.hold(new Uint8Array(pixelCount * 4), { kind: face, label: 'compositor.matched' })
          : undefined;
      const transform = 'face-transform' as const;
      this.#inverse = scope.hold(new Float64Array(6), { kind: transform, label: 'compositor.inverse' });
      const extent = scope.hold(new Int32Array(18), { kind: transform, label: 'compositor.extent' });
      this.#extent = extent;
      this.#crop4 = extent.value.subarray(0, 4);
      this.#box = extent.value.subarray(4, 8);
      this.#span = extent.value.subarray(8, 14);
      this.#hullState = extent.value.subarray(14, 18);
      // Buffers of their own: V8 keeps typed arrays of 64 bytes or less inside its heap, where the
      // collector may move them and leave an unwiped copy (P3).
      const found = maskHull(mask, region.width, region.height);
      const hull = new Float64Array(new ArrayBuffer(found.byteLength));
      hull.set(found);
      found.fill(0);
      this.#hull = scope.hold(hull, { kind: face, label: 'compositor.hull' });
      this.#hullInFrame = scope.hold(new Float64Array(new ArrayBuffer(found.byteLength)), { kind: transform, label: 'compositor.hull-in-frame' });
      this.#crop4.set([region.x, region.y, region.width, region.height]);

      if (strength > 0) measureLabStats(crop.value, mask, this.#stats.value.subarray(0, 6));
      this.#pack(crop.value);
      this.#matchPending = strength > 0;
      if (strength > 0 && target) {
        this.#stats.value.set(target.subarray(0, 6), 6);
        this.#applyMatch();
      }
    } catch (error) {
      scope.purge();
      throw error;
    }
  }

  get byteLength(): number {
    if (!this.isLive) return 0;
    return (
      this.#crop.byteLength +
      this.#mask.byteLength +
      (this.#matched?.byteLength ?? 0) +
      this.#packed.byteLength +
      this.#stats.byteLength +
      this.#inverse.byteLength +
      this.#extent.byteLength +
      this.#hull.byteLength +
      this.#hullInFrame.byteLength
    );
  }

  get isLive(): boolean {
    return this.#scope.isOpen && this.#packed.isLive;
  }

  composite(frame: Uint8Array, frameWidth: number, frameHeight: number, photoToFrame: Affine2D, exclude?: FrameExclusion): void {
    this.#scope.throwIfClosed();
    if (
      !(frame instanceof Uint8Array) ||
      !Number.isInteger(frameWidth) ||
      !Number.isInteger(frameHeight) ||
      frameWidth < 1 ||
      frameHeight < 1 ||
      frame.length !== frameWidth * frameHeight * 4
    ) {
      throw new InvalidArgumentError(
        'composite needs an RGBA frame of exactly frameWidth × frameHeight × 4 bytes.',
      );
    }
    if (!(photoToFrame instanceof Float64Array) || photoToFrame.length !== 6) {
      throw new InvalidArgumentError('photoToFrame must be an Affine2D (a Float64Array of 6).');
    }
    if (exclude !== undefined && !isFrameExclusion(exclude, frameWidth * frameHeight)) {
      throw new InvalidArgumentError('exclude must be a frame exclusion made for this frame size.');
    }
    const inverse = this.#inverse.value;
    const crop = this.#crop4;
    const cropX = crop[0]!;
    const cropY = crop[1]!;
    const cropWidth = crop[2]!;
    const cropHeight = crop[3]!;
    if (!frameToCrop(photoToFrame, cropX, cropY, inverse)) {
      throw new InvalidArgumentError(
        'photoToFrame is singular or not finite (it squashes the face to a line or a point); ' +
          'check the alignment that produced it.',
      );
    }
    const box = this.#box;
    const span = this.#span;
    if (!coveredBox(photoToFrame, cropX, cropY, cropWidth, cropHeight, frameWidth, frameHeight, box)) {
      return;
    }
    const packed = this.#packed.value;
    if (this.#matchPending) {
      const stats = this.#stats.value;
      const acc = stats.subarray(12, 19);
      acc.fill(0);
      const step = targetSampleStep;
      accumulateCovered(frame, frameWidth, packed, cropWidth, cropHeight, inverse, box, span, acc, step);
      const measured = labStatsFromAccumulator(acc, stats.subarray(6, 12));
      acc.fill(0);
      // Nothing covered (the face is off-frame but its box is not): try again next frame.
      if (measured) this.#applyMatch();
    }
    const hull = this.#hullInFrame.value;
    if (hull.length < 6) return; // an empty mask: nothing to draw
    this.#mapHull(photoToFrame);
    warpBlend(frame, frameWidth, packed, cropWidth, cropHeight, inverse, box, span, hull, this.#hullState, exclude);
  }

  /** Map the hull into this frame's pixel-index space (pixel i has its centre at i). */
  #mapHull(photoToFrame: Affine2D): void {
    const hull = this.#hull.value;
    const count = hull.length >> 1;
    const mapped = this.#hullInFrame.value;
    const a = photoToFrame[0]!;
    const b = photoToFrame[1]!;
    const c = photoToFrame[2]!;
    const d = photoToFrame[3]!;
    const e = photoToFrame[4]!;
    const f = photoToFrame[5]!;
    // Tap (u, v) is photo (u + cropX + ½, v + cropY + ½); frame pixel i has its centre at i + ½.
    const offsetX = this.#crop4[0]! + 0.5;
    const offsetY = this.#crop4[1]! + 0.5;
    for (let k = 0; k < count; k++) {
      const x = hull[2 * k]! + offsetX;
      const y = hull[2 * k + 1]! + offsetY;
      mapped[2 * k] = a * x + b * y + c - 0.5;
      mapped[2 * k + 1] = d * x + e * y + f - 0.5;
    }
  }

  rematchColour(): void {
    this.#scope.throwIfClosed();
    this.#matchPending = this.#strength > 0;
  }

  purge(): void {
    this.#scope.purge();
  }

  [disposeSymbol](): void {
    this.purge();
  }

  /** Colour-match the raw crop toward the target statistics and repack. */
  #applyMatch(): void {
    const matched = this.#matched!.value;
    const stats = this.#stats.value;
    applyColourTransfer(
      this.#crop.value,
      matched,
      stats.subarray(0, 6),
      stats.subarray(6, 12),
      this.#strength,
      this.#mask.value,
    );
    this.#pack(matched);
    this.#matchPending = false;
  }

  /** Interleave colour and mask into the words the warp reads. */
  #pack(rgba: Uint8Array): void {
    const packed = this.#packed.value;
    const mask = this.#mask.value;
    for (let i = 0; i < packed.length; i++) {
      const p = i << 2;
      packed[i] = rgba[p]! | (rgba[p + 1]! << 8) | (rgba[p + 2]! << 16) | (mask[i]! << 24);
    }
  }
}
