import type * as tfc from '@tensorflow/tfjs-core';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';
import type { ModelBytesSource, Sha256Function } from '../ports/modelBytesSource';
import type { RgbaImage } from '../ports/rgbaImage';
import type { PersonMatte } from './personMatte';

/**
 * How to create a {@link PersonSegmenter}.
 *
 * @public
 */
export interface PersonSegmenterOptions {
  /**
   * The tfjs-core module with its backend chosen and ready: the same one the face detector uses
   * (the adapter decides: wasm with a cpu fallback in Node, webgl or wasm in a browser).
   */
  readonly tf: typeof tfc;
  /** Model bytes and their pins; `selfie.json` and its shard are verified before tfjs sees them. */
  readonly models: ModelBytesSource;
  /** SHA-256, supplied by the platform. */
  readonly sha256: Sha256Function;
  /** Aborts model loading. */
  readonly signal?: AbortSignal;
}

/**
 * Per-call options of {@link PersonSegmenter.segment}.
 *
 * @public
 */
export interface SegmentOptions {
  /** Stops the call before the inference (a running inference cannot be interrupted). */
  readonly signal?: AbortSignal;
}

/**
 * Finds where people are in a square of a photo (MediaPipe selfie segmentation on tfjs), on the
 * device. After every call, success or error, the tfjs tensor count is back where it was and the
 * memory of every tensor the call made (its input, the activations, the output) was zero-filled
 * before release.
 *
 * @public
 */
export interface PersonSegmenter extends Disposable {
  /** The tfjs backend it runs on, e.g. `'wasm'`. */
  readonly backend: string;
  /** Cells per side of every matte (the model's input size). */
  readonly matteSize: number;
  /**
   * Segment the square `region` (`[x, y, side]` in photo pixels; it may reach past the photo's
   * edges) of `image`, held in `scope` as a handle of kind `'matte'`. `region` is only read.
   *
   * Throws `InvalidArgumentError` for an image whose size and pixels disagree or a region that
   * is not a finite square of at least one pixel, `AbortedError` when the signal fires, and
   * `PurgedError` when `scope` or the image's pixels are purged, or after `dispose`.
   */
  segment(
    image: RgbaImage,
    region: Float32Array,
    scope: EphemeralScope,
    options?: SegmentOptions,
  ): Promise<EphemeralHandle<PersonMatte>>;
  /** Release the model weights. Later calls throw. Idempotent. */
  dispose(): void;
}
