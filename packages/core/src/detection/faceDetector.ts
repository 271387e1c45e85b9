import type * as tfc from '@tensorflow/tfjs-core';
import type { EphemeralHandle } from '../ephemeral/ephemeralHandle';
import type { EphemeralScope } from '../ephemeral/ephemeralScope';
import type { RgbaImage } from '../ports/rgbaImage';
import type { FaceLandmarks } from './faceLandmarks';
import type { ModelBytesSource, Sha256Function } from './modelBytesSource';

/**
 * How many landmarks per face: 468 (face mesh) or 478 (attention mesh, with irises and refined
 * eyes and lips; about twice the cost).
 *
 * @public
 */
export type LandmarkCount = 468 | 478;

/**
 * `'image'`: every call is an unrelated photo; the detector runs on every call and forgets the
 * previous photo's face regions afterwards. `'tracking'`: consecutive video frames; faces found
 * in one frame seed the next, so the detector only runs when a face is lost.
 *
 * @public
 */
export type DetectionMode = 'image' | 'tracking';

/**
 * How to create a {@link FaceDetector}.
 *
 * @public
 */
export interface FaceDetectorOptions {
  /**
   * The tfjs-core module, with the backend already chosen and ready (the adapter decides:
   * wasm with a cpu fallback in Node). Must be the same copy face-landmarks-detection imports.
   */
  readonly tf: typeof tfc;
  /** Model bytes and their pins; every byte is verified before tfjs sees it. */
  readonly models: ModelBytesSource;
  /** SHA-256, supplied by the platform. */
  readonly sha256: Sha256Function;
  /** Landmarks per face. Default 468. */
  readonly landmarks?: LandmarkCount;
  /**
   * The most faces reported per image, 1…20. Default 4: more than one is needed for a
   * "multiple faces" policy to see that there are several.
   */
  readonly maxFaces?: number;
  /** Default `'image'`. */
  readonly mode?: DetectionMode;
  /** Aborts model loading. */
  readonly signal?: AbortSignal;
}

/**
 * Per-call options of {@link FaceDetector.detect}.
 *
 * @public
 */
export interface DetectOptions {
  /**
   * Stops the call. Checked before any tensor exists and again when the model returns (a
   * running inference cannot be interrupted); either way the call throws `AbortedError` and
   * leaves no tensor and no landmarks behind.
   */
  readonly signal?: AbortSignal;
}

/**
 * Finds faces and their landmarks in decoded images, on the device.
 *
 * Calls are serialised (one image at a time through the shared model state). After every call,
 * success or error, the tfjs tensor count is back where it was, the input tensor's memory was
 * zero-filled before release, and no face region of the photo stays in the detector (in
 * `'image'` mode).
 *
 * @public
 */
export interface FaceDetector extends Disposable {
  /** Landmarks per face. */
  readonly landmarks: LandmarkCount;
  /** The most faces reported per image. */
  readonly maxFaces: number;
  /** See {@link DetectionMode}. */
  readonly mode: DetectionMode;
  /** The tfjs backend the detector runs on, e.g. `'wasm'`. */
  readonly backend: string;
  /**
   * Detect every face in `image`, largest box first, each held in `scope` as a handle of kind
   * `'landmarks'` (labels `face.0`, `face.1`, …). An image without a face gives `[]`; the face
   * policy decides what that means.
   *
   * Throws `InvalidArgumentError` for an image whose size and pixel buffer disagree,
   * `AbortedError` when the signal fires, `PurgedError` when `scope` (or the image's pixel
   * handle) is already purged, and after {@link FaceDetector.dispose}.
   */
  detect(
    image: RgbaImage,
    scope: EphemeralScope,
    options?: DetectOptions,
  ): Promise<EphemeralHandle<FaceLandmarks>[]>;
  /** Forget tracked face regions (between unrelated videos in `'tracking'` mode). */
  reset(): void;
  /** Release the model weights. Waits for a running call; later calls throw. Idempotent. */
  dispose(): void;
}
