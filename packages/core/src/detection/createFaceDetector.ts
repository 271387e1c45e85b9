import type * as tfc from '@tensorflow/tfjs-core';
import type * as fld from '@tensorflow-models/face-landmarks-detection';
import { disposeSymbol } from '../ephemeral/disposeSymbols';
import type { EphemeralHandle } from '../ephemeral/ephemeralHandle';
import type { EphemeralScope } from '../ephemeral/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import type { RgbaImage } from '../ports/rgbaImage';
import type { DetectOptions, DetectionMode, FaceDetector, FaceDetectorOptions, LandmarkCount } from './faceDetector';
import type { FaceLandmarks } from './faceLandmarks';
import { faceLandmarksWiper } from './faceLandmarks';
import { installIntBatchMatMulFix } from './intBatchMatMulFix';
import { scrubFreedTensorMemory, zeroAndDisposeTensor } from './tensorScrub';
import { readVerifiedGraph, verifiedGraphHandler } from './verifiedModelFiles';

type Tf = typeof tfc;

/** The only detector graph face-landmarks-detection's tfjs runtime accepts (its anchors). */
const detectorGraph = 'facemesh-detection-short.json';
const landmarkGraphs: Readonly<Record<LandmarkCount, string>> = {
  468: 'facemesh.json',
  478: 'facemesh-attention.json',
};
/** face-landmarks-detection drops a face whose presence score is below this. */
const facePresenceThreshold = 0.5;
const maxFacesLimit = 20;
/** Largest RGB scratch buffer a detector keeps between calls: 4096×3072 pixels (150 MB). */
const scratchRetainLimit = 4096 * 3072 * 3;

/** What the library's detector object exposes beyond its typed interface (duck-typed). */
interface LandmarkModelLike {
  execute(inputs: unknown, outputs?: unknown): unknown;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(signal.reason);
}

/** Overwrite the library's plain-number result objects: best effort, they cannot be zeroed. */
function scrubFaces(faces: readonly fld.Face[]): void {
  for (const face of faces) {
    for (const point of face.keypoints) {
      point.x = 0;
      point.y = 0;
      if (point.z !== undefined) point.z = 0;
    }
    const box = face.box as { -readonly [K in keyof fld.Face['box']]: number };
    box.xMin = box.yMin = box.xMax = box.yMax = box.width = box.height = 0;
  }
}

function toLandmarks(face: fld.Face, image: RgbaImage, score: number): FaceLandmarks {
  const count = face.keypoints.length;
  const points = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const point = face.keypoints[i]!;
    points[i * 3] = point.x;
    points[i * 3 + 1] = point.y;
    points[i * 3 + 2] = point.z ?? 0;
  }
  const { xMin, yMin, xMax, yMax } = face.box;
  return {
    imageWidth: image.width,
    imageHeight: image.height,
    pointCount: count,
    points,
    box: Float32Array.of(xMin, yMin, xMax, yMax),
    score: Float32Array.of(score),
  };
}

function boxArea(record: FaceLandmarks): number {
  const [xMin = 0, yMin = 0, xMax = 0, yMax = 0] = record.box;
  return Math.max(0, xMax - xMin) * Math.max(0, yMax - yMin);
}

function validatePixels(image: RgbaImage): Uint8Array {
  const { width, height } = image ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidArgumentError(
      'The image must have a positive integer width and height; decode the photo first.',
    );
  }
  if (!image.pixels.isLive) {
    throw new PurgedError('The image pixels have been purged; decode the photo again.');
  }
  const pixels = image.pixels.value;
  if (!(pixels instanceof Uint8Array) || pixels.byteLength !== width * height * 4) {
    throw new InvalidArgumentError(
      `The image pixels must be width × height × 4 RGBA bytes (${width * height * 4} for ` +
        `${width}×${height}); got ${pixels instanceof Uint8Array ? pixels.byteLength : 'no Uint8Array'}.`,
    );
  }
  return pixels;
}

class TfjsFaceDetector implements FaceDetector {
  readonly landmarks: LandmarkCount;
  readonly maxFaces: number;
  readonly mode: DetectionMode;
  readonly backend: string;
  readonly #tf: Tf;
  readonly #model: fld.FaceLandmarksDetector;
  /** Face presence scores, in the order the landmark model ran during the current call. */
  #scores: number[] | undefined;
  #scratch: Float32Array | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #disposed = false;
  #released = false;

  constructor(tf: Tf, model: fld.FaceLandmarksDetector, landmarks: LandmarkCount, maxFaces: number, mode: DetectionMode) {
    this.#tf = tf;
    this.#model = model;
    this.landmarks = landmarks;
    this.maxFaces = maxFaces;
    this.mode = mode;
    this.backend = tf.getBackend();
    this.#captureScores();
  }

  detect(image: RgbaImage, scope: EphemeralScope, options: DetectOptions = {}): Promise<EphemeralHandle<FaceLandmarks>[]> {
    if (this.#disposed) return Promise.reject(new PurgedError('This face detector has been disposed.'));
    this.#pending++;
    const run = this.#queue.then(() => this.#detect(image, scope, options.signal));
    // The queue only orders calls; each caller sees its own outcome.
    this.#queue = run.then(
      () => this.#settle(),
      () => this.#settle(),
    );
    return run;
  }

  reset(): void {
    if (!this.#released) this.#model.reset();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#pending === 0) this.#release();
  }

  [disposeSymbol](): void {
    this.dispose();
  }

  #settle(): void {
    this.#pending--;
    if (this.#disposed && this.#pending === 0) this.#release();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#model.reset();
    this.#model.dispose();
    this.#scratch = undefined;
  }

  /**
   * The library drops the landmark model's face-presence score; wrap its `execute` to read it.
   * The model runs once per candidate region, synchronously in region order, and the library
   * keeps exactly the regions scoring at least the threshold, in that order.
   */
  #captureScores(): void {
    const landmarkModel = (this.#model as unknown as { landmarkModel?: LandmarkModelLike }).landmarkModel;
    if (!landmarkModel || typeof landmarkModel.execute !== 'function') return;
    const execute = landmarkModel.execute.bind(landmarkModel);
    landmarkModel.execute = (inputs, outputs) => {
      const result = execute(inputs, outputs);
      const flag = Array.isArray(result) ? (result[0] as tfc.Tensor | undefined) : undefined;
      if (this.#scores && flag) this.#scores.push(flag.dataSync()[0] ?? Number.NaN);
      return result;
    };
  }

  async #detect(image: RgbaImage, scope: EphemeralScope, signal: AbortSignal | undefined): Promise<EphemeralHandle<FaceLandmarks>[]> {
    if (this.#released) throw new PurgedError('This face detector has been disposed.');
    throwIfAborted(signal);
    scope.throwIfClosed();
    const pixels = validatePixels(image);
    const faces = await this.#estimate(pixels, image.width, image.height);
    const scores = (this.#scores ?? []).filter((score) => score >= facePresenceThreshold);
    this.#scores = undefined;
    const records = faces.map((face, i) =>
      toLandmarks(face, image, scores.length === faces.length ? scores[i]! : Number.NaN),
    );
    scrubFaces(faces);
    try {
      throwIfAborted(signal);
      records.sort((a, b) => boxArea(b) - boxArea(a));
      const handles: EphemeralHandle<FaceLandmarks>[] = [];
      for (const [i, record] of records.entries()) {
        handles.push(scope.hold(record, { kind: 'landmarks', label: `face.${i}`, wiper: faceLandmarksWiper }));
      }
      return handles;
    } catch (error) {
      // A scope that was purged meanwhile already wiped what it held; wipe the rest here.
      for (const record of records) faceLandmarksWiper.wipe(record);
      throw error;
    }
  }

  /**
   * One inference, with everything it allocates accounted for: the input is an RGB copy of
   * the pixels in a scratch buffer (zeroed afterwards), tensors freed meanwhile are zero-filled
   * first, and a tfjs scope disposes whatever the library leaves behind when it throws.
   */
  async #estimate(pixels: Uint8Array, width: number, height: number): Promise<fld.Face[]> {
    const tf = this.#tf;
    const rgb = this.#rgbScratch(width * height * 3);
    for (let src = 0, dst = 0; src < pixels.length; src += 4, dst += 3) {
      rgb[dst] = pixels[src]!;
      rgb[dst + 1] = pixels[src + 1]!;
      rgb[dst + 2] = pixels[src + 2]!;
    }
    const unscrub = scrubFreedTensorMemory(tf, tf.backend());
    let input: tfc.Tensor3D | undefined;
    this.#scores = [];
    tf.engine().startScope('vopop.detect');
    try {
      // float32, the type the library casts every input to.
      input = tf.tensor3d(rgb, [height, width, 3], 'float32');
      return await this.#model.estimateFaces(input, {
        staticImageMode: this.mode === 'image',
        flipHorizontal: false,
      });
    } finally {
      // The cpu backend keeps `rgb` itself as the tensor's values; wasm copies it to its heap.
      if (input) zeroAndDisposeTensor(tf, input);
      tf.engine().endScope();
      unscrub();
      rgb.fill(0);
      if (this.mode === 'image') this.#model.reset();
    }
  }

  /**
   * A zeroed float32 buffer of `length`, reused across calls up to {@link scratchRetainLimit}.
   * A fresh multi-megabyte typed array costs far more than the conversion itself (the runtime
   * maps and zeroes new pages on every call), so photo-sized calls share one; it holds pixels
   * only during a call and is zero-filled before the call returns.
   */
  #rgbScratch(length: number): Float32Array {
    if (length > scratchRetainLimit) return new Float32Array(length);
    if (!this.#scratch || this.#scratch.length < length) this.#scratch = new Float32Array(length);
    return this.#scratch.subarray(0, length);
  }
}

/**
 * Create a face detector on face-landmarks-detection's tfjs runtime, loading the models only
 * from verified bytes.
 *
 * Every model file is read from `options.models` and checked against its pinned size and
 * SHA-256 before tfjs sees a byte; a mismatch throws `ModelIntegrityError` and creates no
 * tensor. With 478 landmarks the wasm backend's `BatchMatMul` is taught int32 inputs (see
 * {@link installIntBatchMatMulFix}).
 *
 * @example
 * ```ts
 * using detector = await createFaceDetector({ tf, models, sha256, landmarks: 478 });
 * const faces = await detector.detect(image, scope);
 * ```
 * @public
 */
export async function createFaceDetector(options: FaceDetectorOptions): Promise<FaceDetector> {
  const { tf, models, sha256, signal } = options;
  const landmarks = options.landmarks ?? 468;
  const maxFaces = options.maxFaces ?? 4;
  const mode = options.mode ?? 'image';
  if (landmarks !== 468 && landmarks !== 478) {
    throw new InvalidArgumentError('`landmarks` must be 468 or 478.');
  }
  if (!Number.isInteger(maxFaces) || maxFaces < 1 || maxFaces > maxFacesLimit) {
    throw new InvalidArgumentError(`\`maxFaces\` must be an integer from 1 to ${maxFacesLimit}.`);
  }
  if (mode !== 'image' && mode !== 'tracking') {
    throw new InvalidArgumentError("`mode` must be 'image' or 'tracking'.");
  }
  if (!tf || typeof tf.engine !== 'function' || !models || typeof sha256 !== 'function') {
    throw new InvalidArgumentError('`tf`, `models` and `sha256` are required.');
  }
  throwIfAborted(signal);

  // All bytes are verified before any of them reaches tfjs.
  const detectorModel = await readVerifiedGraph(detectorGraph, models, sha256, signal);
  const landmarkModel = await readVerifiedGraph(landmarkGraphs[landmarks], models, sha256, signal);

  await tf.ready();
  throwIfAborted(signal);
  if (landmarks === 478) installIntBatchMatMulFix(tf, 'wasm');
  const library = await import('@tensorflow-models/face-landmarks-detection');
  const model = await library.createDetector(library.SupportedModels.MediaPipeFaceMesh, {
    runtime: 'tfjs',
    refineLandmarks: landmarks === 478,
    maxFaces,
    detectorModelUrl: verifiedGraphHandler(tf, detectorModel),
    landmarkModelUrl: verifiedGraphHandler(tf, landmarkModel),
  });
  if (signal?.aborted) {
    model.dispose();
    throw new AbortedError(signal.reason);
  }
  return new TfjsFaceDetector(tf, model, landmarks, maxFaces, mode);
}
