import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import { faceRegions } from './faceRegions';
import type { MeshTrack } from './meshTrack';

/*
 * The mouth interior of a recorded template. The user's photo is nearly always closed-mouthed, so
 * it has no teeth or tongue to show when the retargeted mouth opens; a recorded template's own
 * frame has them: its background is the actor's video, and the actor's mouth is open exactly when
 * the template's expression opens the user's. So each frame, before anything is drawn over the
 * background, the pixels inside the template's inner lips (at their place in that frame, from its
 * mesh track) are copied aside; the mesh warp then fills the target's inner-lip polygon from them,
 * triangle by triangle (the same mouth strip, its vertices at the template's inner lips).
 */

/** Pixels kept around the template's inner lips, so that every bilinear tap stays inside. */
const margin = 3;
const innerLip = Uint16Array.from(new Set([...faceRegions.upperInnerLip, ...faceRegions.lowerInnerLip]));

/**
 * Where the mesh warp samples a mouth interior from: a packed crop (one word per pixel,
 * `r | g << 8 | b << 16`) and, per mesh vertex, tap coordinates in it (only the inner-lip points
 * are set).
 *
 * @internal
 */
export interface TemplateMouthSource {
  readonly crop: Int32Array;
  readonly cropWidth: number;
  readonly source: Float32Array;
}

/**
 * The template frame's mouth interior, captured per frame. Sized once, for the largest mouth of
 * the whole track, so that frames allocate nothing. Its pixels are the template's, but they are
 * copied out of frames that will hold the face, so they are held and wiped like frames.
 *
 * @internal
 */
export class RecordedMouth implements TemplateMouthSource {
  readonly #track: MeshTrack;
  readonly #frameWidth: number;
  readonly #frameHeight: number;
  readonly #crop: EphemeralHandle<Int32Array>;
  readonly #source: EphemeralHandle<Float32Array>;
  /** `[box x, y, width, height, captured frame index]`. */
  readonly #extent: EphemeralHandle<Int32Array>;
  readonly cropWidth: number;

  /** `vertexCount`: vertices of the mesh the warp draws (its source array is sized for them). */
  constructor(scope: EphemeralScope, track: MeshTrack, frameWidth: number, frameHeight: number, vertexCount: number) {
    this.#track = track;
    this.#frameWidth = frameWidth;
    this.#frameHeight = frameHeight;
    let maxWidth = 2;
    let maxHeight = 2;
    // Template geometry, not personal: a plain array is fine here.
    const measured = new Int32Array(new ArrayBuffer(32));
    for (const mesh of track.frames) {
      box(mesh, frameWidth, frameHeight, measured);
      maxWidth = Math.max(maxWidth, measured[2]!);
      maxHeight = Math.max(maxHeight, measured[3]!);
    }
    this.cropWidth = maxWidth;
    this.#crop = scope.hold(new Int32Array(maxWidth * maxHeight), { kind: 'frame', label: 'mesh.template-mouth' });
    this.#source = scope.hold(new Float32Array(vertexCount * 2), { kind: 'face-transform', label: 'mesh.template-mouth-source' });
    const extent = new Int32Array(new ArrayBuffer(32));
    extent[4] = -1;
    this.#extent = scope.hold(extent, { kind: 'face-transform', label: 'mesh.template-mouth-box' });
  }

  get crop(): Int32Array {
    return this.#crop.value;
  }

  get source(): Float32Array {
    return this.#source.value;
  }

  get byteLength(): number {
    return this.#crop.byteLength + this.#source.byteLength + this.#extent.byteLength;
  }

  /**
   * Copy the template's mouth interior of frame `frameIndex` out of `frame` (RGBA, background
   * drawn, nothing over it yet).
   */
  capture(frame: Uint8Array, frameIndex: number): void {
    const mesh = this.#track.frames[frameIndex];
    const extent = this.#extent.value;
    extent[4] = -1;
    if (!mesh) return;
    box(mesh, this.#frameWidth, this.#frameHeight, extent);
    const x0 = extent[0]!;
    const y0 = extent[1]!;
    const w = extent[2]!;
    const h = extent[3]!;
    if (w < 2 || h < 2) return;
    const crop = this.#crop.value;
    const cw = this.cropWidth;
    for (let row = 0; row < h; row++) {
      let o = ((y0 + row) * this.#frameWidth + x0) * 4;
      for (let col = 0; col < w; col++, o += 4) {
        crop[row * cw + col] = frame[o]! | (frame[o + 1]! << 8) | (frame[o + 2]! << 16);
      }
    }
    const source = this.#source.value;
    for (let n = 0; n < innerLip.length; n++) {
      const i = innerLip[n]!;
      source[i * 2] = Math.min(w - 2, Math.max(0, mesh[i * 3]! - x0 - 0.5));
      source[i * 2 + 1] = Math.min(h - 2, Math.max(0, mesh[i * 3 + 1]! - y0 - 0.5));
    }
    extent[4] = frameIndex;
  }

  /** This source when frame `frameIndex` is the one captured last, else undefined. */
  at(frameIndex: number): TemplateMouthSource | undefined {
    return this.#extent.value[4] === frameIndex ? this : undefined;
  }
}

/** The frame pixels the inner lips of `mesh` cover, with a margin, clipped: `out = [x, y, w, h]`. */
function box(mesh: Float32Array, frameWidth: number, frameHeight: number, out: Int32Array): void {
  let xMin = Infinity;
  let yMin = Infinity;
  let xMax = -Infinity;
  let yMax = -Infinity;
  for (let n = 0; n < innerLip.length; n++) {
    const i = innerLip[n]!;
    xMin = Math.min(xMin, mesh[i * 3]!);
    xMax = Math.max(xMax, mesh[i * 3]!);
    yMin = Math.min(yMin, mesh[i * 3 + 1]!);
    yMax = Math.max(yMax, mesh[i * 3 + 1]!);
  }
  const x = Math.max(0, Math.floor(xMin) - margin);
  const y = Math.max(0, Math.floor(yMin) - margin);
  const w = Math.min(frameWidth, Math.ceil(xMax) + margin + 1) - x;
  const h = Math.min(frameHeight, Math.ceil(yMax) + margin + 1) - y;
  out[0] = x;
  out[1] = y;
  out[2] = Math.max(0, w);
  out[3] = Math.max(0, h);
}
