import type * as tfc from '@tensorflow/tfjs-core';
import type * as fld from '@tensorflow-models/face-landmarks-detection';
import { disposeSymbol } from '../purge/disposeSymbols';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import type { RgbaImage } from '../ports/rgbaImage';
import type { DetectOptions, DetectionMode, FaceDetector, FaceDetectorOptions, LandmarkCount } from '../ports/faceDetector';
import type { FaceLandmarks } from './faceLandmarks';
import { faceLandmarksWiper } from './faceLandmarks';
import { installIntBatchMatMulFix } from './intBatchMatMulFix';
import type { PhotoView } from './photoView';
import { photoView, renderPhotoView, viewPointToPhoto, viewScale, viewSize } from './photoView';
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
/**
 * Default longest side of what the models see. The detector samples its input down to 128 px and
 * the mesh samples a 192 px crop, so a bigger view only costs memory: every fixture photo (up to
 * 1049 px) is seen whole and unscaled, exactly as before views existed.
 */
const defaultMaxInputSide = 1280;
/** Below the mesh's own 192 px input a view would lose what the mesh can use. */
const minInputSide = 192;
const maxInputSideLimit = 4096;
/**
 * A face whose box is smaller than this in the scaled-down look is measured again on a
 * full-resolution crop: the mesh crops 1.5 × the box to 192 px, so below 192 px it would be
 * given fewer pixels than it can use. Measured on portrait.jpg scaled up to 4920×6144 (worst eye
 * keypoint error against the known positions, in portrait.jpg pixels): with a 256 px look, 3.37
 * without the second measurement and 1.78 with it; with the default 1280 px look the face is
 * 250 px there and both give about 3 px (the known positions' own tolerance is 5 px).
 */
const refineBelowFacePx = 192;
/** A refinement crop spans this many face sizes, so that the face fills it as in a portrait. */
const refineCropFaces = 3;
/** The turns tried, in order, when the upright look is not sure: 90°, 270°, then 180°. */
const retryTurns: readonly PhotoView['turns'][] = [1, 3, 2];
/**
 * A box-detector score at or above which the upright look is taken without trying turned ones.
 * Measured on the fixtures (wasm): upright faces score 0.87–0.96, the same faces turned 90°,
 * 180° or 270° 0.52–0.79. Below it the turned looks are tried too and the best score wins: the
 * box detector scores an upside-down face lower, while the mesh then fits it as an upright face
 * with full confidence (wrongly), so the mesh's own score cannot decide.
 */
const confidentUprightScore = 0.85;
/**
 * A turned look that is not sure of itself either (below {@link confidentUprightScore}) replaces
 * the upright one only when it scores this much higher: photos reach the detector upright far more
 * often than not (EXIF orientation is applied first), and one upright face's scores in different
 * looks can lie a tenth apart. Measured (wasm) on frames of this SDK's own videos, faces cut out
 * without hair on a pink template: 0.71 upright against 0.75 turned 180° (the mesh, fitted upside
 * down, landed 140 px off), 0.67 against 0.77 (80 px off). The fixtures turned 90°, 180° and 270°
 * score 0.87–0.96 the right way up, so they pass as sure of themselves; the margin decides only
 * for faces the detector is unsure of every way, and there the upright look gets the benefit of
 * the doubt.
 */
const turnedLookMargin = 0.2;
/** Largest RGB scratch buffer a detector keeps between calls: 4096×3072 pixels (150 MB). */
const scratchRetainLimit = 4096 * 3072 * 3;

/** What the library's detector object exposes beyond its typed interface (duck-typed). */
interface LandmarkModelLike {
  execute(inputs: unknown, outputs?: unknown): unknown;
}

/** The library's face-box detector (duck-typed): its detections carry a `score` array. */
interface BoxDetectorLike {
  detectFaces(image: unknown, flipHorizontal?: boolean): Promise<ReadonlyArray<{ readonly score?: readonly number[] }>>;
}

/** The result of one look at one view: faces in photo coordinates, and how sure the box detector was. */
interface Look {
  readonly faces: FaceLandmarks[];
  /** The box detector's best score (0 when it found nothing). */
  readonly detectionScore: number;
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

/** The library's face, found in `view`, as landmarks in the photo's own coordinates. */
function toLandmarks(face: fld.Face, image: RgbaImage, view: PhotoView, score: number): FaceLandmarks {
  const count = face.keypoints.length;
  const points = new Float32Array(count * 3);
  const mapped = new Float64Array(4);
  const depthScale = viewScale(view);
  for (let i = 0; i < count; i++) {
    const point = face.keypoints[i]!;
    viewPointToPhoto(view, point.x, point.y, mapped);
    points[i * 3] = mapped[0]!;
    points[i * 3 + 1] = mapped[1]!;
    points[i * 3 + 2] = (point.z ?? 0) * depthScale;
  }
  // A quarter turn maps an axis-aligned box onto one: map two corners, sort each axis.
  const { xMin, yMin, xMax, yMax } = face.box;
  viewPointToPhoto(view, xMin, yMin, mapped);
  viewPointToPhoto(view, xMax, yMax, mapped.subarray(2));
  const box = Float32Array.of(
    Math.min(mapped[0]!, mapped[2]!),
    Math.min(mapped[1]!, mapped[3]!),
    Math.max(mapped[0]!, mapped[2]!),
    Math.max(mapped[1]!, mapped[3]!),
  );
  mapped.fill(0);
  return { imageWidth: image.width, imageHeight: image.height, pointCount: count, points, box, score: Float32Array.of(score) };
}

function boxCentre(record: FaceLandmarks): [number, number] {
  const [xMin = 0, yMin = 0, xMax = 0, yMax = 0] = record.box;
  return [(xMin + xMax) / 2, (yMin + yMax) / 2];
}

/**
 * Whether a turned look whose box detector scored `turned` is taken over the upright look that
 * scored `upright` (0 when it found nothing): when it is sure of itself, or clearly surer than
 * the upright look (see {@link turnedLookMargin}).
 *
 * @internal
 */
export function turnedLookWins(turned: number, upright: number): boolean {
  return turned >= confidentUprightScore || turned >= upright + turnedLookMargin;
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
  /** Longest side of what the models see (see {@link FaceDetectorOptions.maxInputSide}). */
  readonly maxInputSide: number;
  /** Whether a photo without an upright face is looked at turned (see the options). */
  readonly anyOrientation: boolean;
  readonly #tf: Tf;
  readonly #model: fld.FaceLandmarksDetector;
  /** Face presence scores, in the order the landmark model ran during the current call. */
  #scores: number[] | undefined;
  /** The box detector's scores during the current look. */
  #detectionScores: number[] | undefined;
  #scratch: Float32Array | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #disposed = false;
  #released = false;

  constructor(
    tf: Tf,
    model: fld.FaceLandmarksDetector,
    settings: { landmarks: LandmarkCount; maxFaces: number; mode: DetectionMode; maxInputSide: number; anyOrientation: boolean },
  ) {
    this.#tf = tf;
    this.#model = model;
    this.landmarks = settings.landmarks;
    this.maxFaces = settings.maxFaces;
    this.mode = settings.mode;
    this.maxInputSide = settings.maxInputSide;
    this.anyOrientation = settings.anyOrientation;
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
    // The box detector's score is what tells an upright face from a turned one (see
    // confidentUprightScore); without it, turned looks are tried only when no face is found.
    const boxDetector = (this.#model as unknown as { detector?: BoxDetectorLike }).detector;
    if (!boxDetector || typeof boxDetector.detectFaces !== 'function') return;
    const detectFaces = boxDetector.detectFaces.bind(boxDetector);
    boxDetector.detectFaces = async (image, flipHorizontal) => {
      const detections = await detectFaces(image, flipHorizontal);
      for (const detection of detections) this.#detectionScores?.push(detection.score?.[0] ?? Number.NaN);
      return detections;
    };
  }

  async #detect(image: RgbaImage, scope: EphemeralScope, signal: AbortSignal | undefined): Promise<EphemeralHandle<FaceLandmarks>[]> {
    if (this.#released) throw new PurgedError('This face detector has been disposed.');
    throwIfAborted(signal);
    scope.throwIfClosed();
    const pixels = validatePixels(image);
    const records = await this.#findFaces(pixels, image, signal);
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
   * Look at the whole photo, scaled down to {@link TfjsFaceDetector.maxInputSide} when larger;
   * when the box detector is not sure of an upright face (and in `'image'` mode), look again
   * turned 90°, 270° and 180° and keep the look it is surest of, where that is sure enough to
   * beat the upright look ({@link turnedLookWins}; a sideways or upside-down photo that lost its
   * EXIF orientation). When the look was scaled down, a face
   * that came out small there is measured again on a crop of the full-resolution photo around
   * it, so that the mesh gets as many pixels of it as it can use.
   */
  async #findFaces(pixels: Uint8Array, image: RgbaImage, signal: AbortSignal | undefined): Promise<FaceLandmarks[]> {
    const whole = photoView(0, 0, image.width, image.height, this.maxInputSide);
    const upright = await this.#estimate(pixels, image, whole);
    let look = upright;
    const looks = [look];
    const refined: FaceLandmarks[] = [];
    try {
      let turns: PhotoView['turns'] = 0;
      if (look.detectionScore < confidentUprightScore && this.anyOrientation && this.mode === 'image') {
        for (const retry of retryTurns) {
          throwIfAborted(signal);
          const turned = await this.#estimate(pixels, image, { ...whole, turns: retry });
          looks.push(turned);
          if (turned.faces.length > 0 && turned.detectionScore > look.detectionScore && turnedLookWins(turned.detectionScore, upright.detectionScore)) {
            look = turned;
            turns = retry;
          }
        }
        for (const other of looks) if (other !== look) for (const face of other.faces) faceLandmarksWiper.wipe(face);
      }
      const scaled = whole.scaledWidth !== whole.width || whole.scaledHeight !== whole.height;
      // Tracking mode keeps the library's face regions between frames: they must stay in one view.
      if (!scaled || this.mode !== 'image') return look.faces;
      const scale = viewScale(whole);
      for (const face of look.faces) {
        throwIfAborted(signal);
        const [xMin = 0, yMin = 0, xMax = 0, yMax = 0] = face.box;
        const sizeInView = Math.max(xMax - xMin, yMax - yMin) / scale;
        refined.push(sizeInView < refineBelowFacePx ? await this.#refine(pixels, image, face, turns) : face);
      }
      return refined;
    } catch (error) {
      for (const record of [...looks.flatMap((l) => l.faces), ...refined]) faceLandmarksWiper.wipe(record);
      throw error;
    }
  }

  /**
   * Measure `face` again on a full-resolution crop around it (scaled down only if the crop is
   * itself larger than the input size), turned as it was found. Returns the crop's face nearest
   * to the first measurement, wiping the rest; keeps `face` if the crop finds none there.
   */
  async #refine(pixels: Uint8Array, image: RgbaImage, face: FaceLandmarks, turns: PhotoView['turns']): Promise<FaceLandmarks> {
    const [xMin = 0, yMin = 0, xMax = 0, yMax = 0] = face.box;
    const [cx, cy] = boxCentre(face);
    const size = Math.max(1, xMax - xMin, yMax - yMin);
    const half = (size * refineCropFaces) / 2;
    const x0 = Math.min(image.width - 1, Math.max(0, Math.floor(cx - half)));
    const y0 = Math.min(image.height - 1, Math.max(0, Math.floor(cy - half)));
    const x1 = Math.max(x0 + 1, Math.min(image.width, Math.ceil(cx + half)));
    const y1 = Math.max(y0 + 1, Math.min(image.height, Math.ceil(cy + half)));
    const { faces: candidates } = await this.#estimate(pixels, image, photoView(x0, y0, x1 - x0, y1 - y0, this.maxInputSide, turns));
    let best: FaceLandmarks | undefined;
    let bestDistance = size / 2;
    for (const candidate of candidates) {
      const [x, y] = boxCentre(candidate);
      const distance = Math.hypot(x - cx, y - cy);
      if (distance <= bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    for (const candidate of candidates) if (candidate !== best) faceLandmarksWiper.wipe(candidate);
    if (!best) return face;
    faceLandmarksWiper.wipe(face);
    return best;
  }

  /**
   * One inference on one view of the photo, with everything it allocates accounted for: the
   * input is the view's RGB values in a scratch buffer (zeroed afterwards), tensors freed
   * meanwhile are zero-filled first, and a tfjs scope disposes whatever the library leaves
   * behind when it throws. The faces come back in the photo's coordinates; the library's own
   * result objects are overwritten.
   */
  async #estimate(pixels: Uint8Array, image: RgbaImage, view: PhotoView): Promise<Look> {
    const tf = this.#tf;
    const { width, height } = viewSize(view);
    const rgb = this.#rgbScratch(width * height * 3);
    const unscrub = scrubFreedTensorMemory(tf, tf.backend());
    let input: tfc.Tensor3D | undefined;
    let faces: fld.Face[];
    this.#scores = [];
    this.#detectionScores = [];
    tf.engine().startScope('vopop.detect');
    try {
      renderPhotoView(pixels, image.width, view, rgb);
      // float32, the type the library casts every input to.
      input = tf.tensor3d(rgb, [height, width, 3], 'float32');
      faces = await this.#model.estimateFaces(input, {
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
    const scores = (this.#scores ?? []).filter((score) => score >= facePresenceThreshold);
    const detectionScores = this.#detectionScores ?? [];
    this.#scores = undefined;
    this.#detectionScores = undefined;
    const records = faces.map((face, i) =>
      toLandmarks(face, image, view, scores.length === faces.length ? scores[i]! : Number.NaN),
    );
    scrubFaces(faces);
    // Without the box detector's scores (library internals changed), any face counts as sure.
    const best = detectionScores.length > 0 ? Math.max(...detectionScores) : records.length > 0 ? 1 : 0;
    return { faces: records, detectionScore: records.length > 0 && Number.isFinite(best) ? best : 0 };
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
 * `installIntBatchMatMulFix`).
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
  const maxInputSide = options.maxInputSide ?? defaultMaxInputSide;
  const anyOrientation = options.anyOrientation ?? true;
  if (landmarks !== 468 && landmarks !== 478) {
    throw new InvalidArgumentError('`landmarks` must be 468 or 478.');
  }
  if (!Number.isInteger(maxFaces) || maxFaces < 1 || maxFaces > maxFacesLimit) {
    throw new InvalidArgumentError(`\`maxFaces\` must be an integer from 1 to ${maxFacesLimit}.`);
  }
  if (mode !== 'image' && mode !== 'tracking') {
    throw new InvalidArgumentError("`mode` must be 'image' or 'tracking'.");
  }
  if (!Number.isInteger(maxInputSide) || maxInputSide < minInputSide || maxInputSide > maxInputSideLimit) {
    throw new InvalidArgumentError(`\`maxInputSide\` must be an integer from ${minInputSide} to ${maxInputSideLimit}.`);
  }
  if (typeof anyOrientation !== 'boolean') {
    throw new InvalidArgumentError('`anyOrientation` must be a boolean.');
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
  return new TfjsFaceDetector(tf, model, { landmarks, maxFaces, mode, maxInputSide, anyOrientation });
}
