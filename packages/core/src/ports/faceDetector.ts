import type * as tfc from '@tensorflow/tfjs-core';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';
import type { RgbaImage } from './rgbaImage';
import type { FaceLandmarks } from '../detect/faceLandmarks';
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
  /**
   * The longest side, in pixels, of what the models are given, 192…4096. Default 1280. A larger
   * photo is first searched on a copy averaged down to this size; in `'image'` mode each face
   * found there is then measured again on a crop of the full-resolution photo around it (itself
   * averaged down only if larger than this), so the mesh sees a small face in a big photo at
   * full detail while memory stays bounded by this size, not by the photo's (a float copy of a
   * 40-megapixel photo would take 480 MB). Photos up to this size are used as they are.
   */
  readonly maxInputSide?: number;
  /**
   * In `'image'` mode, when the face detector is not sure of an upright face (none found, or a
   * low box score), look again with the photo turned 90°, 270° and 180°, and keep the look it is
   * surest of. The detector is trained on upright faces: it misses some sideways ones, and it
   * finds an upside-down face with a lower score, after which the mesh fits it as if it were
   * upright (eyes on the mouth). Landmarks are always returned in the photo's own orientation,
   * so a rolled face is rolled in them and alignment turns it upright. Costs up to three more
   * looks, only for photos without a clear upright face. Default `true`.
   */
  readonly anyOrientation?: boolean;
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
