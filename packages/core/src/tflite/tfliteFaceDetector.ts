import type { DetectOptions, FaceDetector } from '../ports/faceDetector';
import type { FaceLandmarks } from '../detect/faceLandmarks';
import { faceLandmarksWiper } from '../detect/faceLandmarks';
import type { ModelBytesSource, Sha256Function } from '../ports/modelBytesSource';
import { readVerifiedFile } from '../detect/verifiedModelFiles';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { disposeSymbol } from '../purge/disposeSymbols';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import type { RgbaImage } from '../ports/rgbaImage';
import { blazeFaceShortRangeAnchors } from './blazeFaceAnchors';
import { decodeBlazeFace } from './decodeBlazeFace';
import { faceRegionFromDetection, regionToPhoto } from './faceRegion';
import { InferenceFailedError } from './inferenceFailedError';
import { ModelLoadError } from './modelLoadError';
import { sampleRgbToTensor } from './sampleRgbToTensor';
import type { TfliteModel, TfliteModelLoader } from './tfliteModel';
import { tfliteFaceModelPins, tfliteIrisModelPin } from './tfliteModelPins';
import { eyeCropToPhoto, eyeRegion, irisEyes, irisInputSide, irisOutputLength, writeIrisPoints } from './irisLandmarks';
import type { LandmarkCount } from '../ports/faceDetector';
import { nonMaxSuppression } from './nonMaxSuppression';

/**
 * How to create the TFLite face detector.
 *
 * @public
 */
export interface TfliteFaceDetectorOptions {
  /** Turns verified model bytes into a runnable model (on React Native: `react-native-fast-tflite`). */
  readonly loadModel: TfliteModelLoader;
  /**
   * The model bytes; must pin the files of {@link tfliteFaceModelPins}, and
   * {@link tfliteIrisModelPin} for iris points.
   */
  readonly models: ModelBytesSource;
  /**
   * 478 adds the irises (points 468–477, MediaPipe's iris model on a crop of each eye); 468 is
   * the mesh alone. Default: 478 when `models` lists `iris_landmark.tflite`, else 468.
   */
  readonly landmarks?: LandmarkCount;
  /** SHA-256, supplied by the platform. */
  readonly sha256: Sha256Function;
  /** The most faces reported per image, 1…20. Default 4. */
  readonly maxFaces?: number;
  /** Aborts model loading. */
  readonly signal?: AbortSignal;
}

const detectorSide = 128;
const landmarkSide = 192;
const meshPoints = 468;
const minDetectionScore = 0.5;
const minFacePresence = 0.5;
const nmsOverlap = 0.3;

function floats(buffer: ArrayBuffer): Float32Array {
  return new Float32Array(buffer, 0, Math.floor(buffer.byteLength / 4));
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : bytes.slice().buffer;
}

async function loadVerified(name: string, options: TfliteFaceDetectorOptions, models: ModelBytesSource = options.models): Promise<TfliteModel> {
  const bytes = await readVerifiedFile(name, models, options.sha256, options.signal);
  try {
    return await options.loadModel(exactBuffer(bytes));
  } catch (error) {
    throw new ModelLoadError(name, { cause: error });
  }
}

/**
 * MediaPipe's face pipeline on TFLite, written out in TypeScript so that every platform with a
 * TFLite interpreter shares it: the short-range detector on a letterboxed 128×128 copy (SSD
 * anchor decoding, weighted non-max suppression), then per face the 468-point landmark model on
 * a 192×192 crop turned upright by the eye line, its points projected back into the photo; with
 * 478 landmarks, then per eye MediaPipe's iris model on a 64×64 crop around the mesh's eye
 * corners (the person's left eye mirrored), its 5 iris points projected back as points 468–477.
 *
 * Every model is read through `options.models` and checked against {@link tfliteFaceModelPins}
 * and {@link tfliteIrisModelPin} (P9) before the runtime sees a byte. Every tensor made for a call (inputs and the runtime's
 * outputs) is held in a child scope and wiped before the call returns or throws.
 *
 * Throws `ModelIntegrityError` (bytes do not match the pin), {@link ModelLoadError} (the runtime
 * refused a model); `detect` throws {@link InferenceFailedError} when the runtime fails.
 *
 * @public
 */
export async function createTfliteFaceDetector(options: TfliteFaceDetectorOptions): Promise<FaceDetector> {
  const maxFaces = options.maxFaces ?? 4;
  if (!Number.isInteger(maxFaces) || maxFaces < 1 || maxFaces > 20) {
    throw new InvalidArgumentError('createTfliteFaceDetector: maxFaces must be an integer in 1…20.');
  }
  const landmarks = options.landmarks ?? (options.models.pinned.some((file) => file.name === tfliteIrisModelPin.name) ? 478 : 468);
  if (landmarks !== 468 && landmarks !== 478) {
    throw new InvalidArgumentError('createTfliteFaceDetector: landmarks must be 468 or 478.');
  }
  const detectorModel = await loadVerified(tfliteFaceModelPins.detector.name, options);
  let landmarkModel: TfliteModel;
  let irisModel: TfliteModel | undefined;
  try {
    landmarkModel = await loadVerified(tfliteFaceModelPins.landmarks.name, options);
  } catch (error) {
    detectorModel.dispose?.();
    throw error;
  }
  if (landmarks === 478) {
    try {
      // Checked against core's own pin, whatever the source lists: the converter's output is
      // pinned here, not by the app.
      irisModel = await loadVerified(tfliteIrisModelPin.name, options, { pinned: [tfliteIrisModelPin], read: (name, o) => options.models.read(name, o) });
    } catch (error) {
      detectorModel.dispose?.();
      landmarkModel.dispose?.();
      throw error;
    }
  }
  const anchors = blazeFaceShortRangeAnchors();
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const run = async (model: TfliteModel, name: string, input: Float32Array, work: EphemeralScope): Promise<Float32Array[]> => {
    let outputs: ArrayBuffer[];
    try {
      outputs = await model.run([input.buffer as ArrayBuffer]);
    } catch (error) {
      throw new InferenceFailedError(name, 'runtime-error', { cause: error });
    }
    // The outputs describe the face: held, so that they are wiped with everything else.
    return outputs.map((buffer, i) => floats(work.hold(buffer, { kind: 'tensor', label: `tflite.output.${i}` }).value));
  };

  const detectOnce = async (image: RgbaImage, scope: EphemeralScope, signal?: AbortSignal): Promise<EphemeralHandle<FaceLandmarks>[]> => {
    if (disposed) throw new PurgedError('This face detector has been disposed.');
    if (signal?.aborted) throw new AbortedError(signal.reason);
    scope.throwIfClosed();
    const { width, height } = image;
    const pixels = image.pixels.value;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || pixels.byteLength !== width * height * 4) {
      throw new InvalidArgumentError('detect(): the image size and its pixel buffer disagree.');
    }
    const work = scope.child('tflite');
    // Faces found so far; not yet held by `scope` (that happens on return), so wiped here if a
    // later step (the next face, an eye crop) fails.
    const faces: FaceLandmarks[] = [];
    let pending: Float32Array[] = [];
    try {
      const scale = detectorSide / Math.max(width, height);
      const letterbox = { scale, padX: (detectorSide - width * scale) / 2, padY: (detectorSide - height * scale) / 2 };
      const detectorInput = work.hold(new Float32Array(detectorSide * detectorSide * 3), { kind: 'tensor', label: 'tflite.detector.input' }).value;
      sampleRgbToTensor(
        pixels,
        width,
        height,
        detectorSide,
        (u, v) => [(u * detectorSide - letterbox.padX) / scale, (v * detectorSide - letterbox.padY) / scale],
        { low: -1, high: 1, outside: -1 },
        detectorInput,
      );
      const detectorOutputs = await run(detectorModel, tfliteFaceModelPins.detector.name, detectorInput, work);
      if (signal?.aborted) throw new AbortedError(signal.reason);
      const count = anchors.length / 2;
      const regressors = detectorOutputs.find((t) => t.length === count * 16);
      const scores = detectorOutputs.find((t) => t.length === count);
      if (!regressors || !scores) throw new InferenceFailedError(tfliteFaceModelPins.detector.name, 'bad-output');
      const detections = nonMaxSuppression(decodeBlazeFace(regressors, scores, anchors, letterbox, minDetectionScore), nmsOverlap);
      for (const detection of detections) {
        work.hold(detection.box, { kind: 'buffer', label: 'tflite.detection.box' });
        work.hold(detection.keypoints, { kind: 'buffer', label: 'tflite.detection.keypoints' });
      }
      const area = (box: Float32Array) => (box[2]! - box[0]!) * (box[3]! - box[1]!);
      detections.sort((a, b) => area(b.box) - area(a.box));

      for (const detection of detections.slice(0, maxFaces)) {
        const region = faceRegionFromDetection(detection);
        const landmarkInput = work.hold(new Float32Array(landmarkSide * landmarkSide * 3), { kind: 'tensor', label: 'tflite.landmarks.input' }).value;
        sampleRgbToTensor(pixels, width, height, landmarkSide, (u, v) => regionToPhoto(region, u, v), { low: 0, high: 1 }, landmarkInput);
        const outputs = await run(landmarkModel, tfliteFaceModelPins.landmarks.name, landmarkInput, work);
        if (signal?.aborted) throw new AbortedError(signal.reason);
        const mesh = outputs.find((t) => t.length === meshPoints * 3);
        const presence = outputs.find((t) => t.length === 1);
        if (!mesh || !presence) throw new InferenceFailedError(tfliteFaceModelPins.landmarks.name, 'bad-output');
        if (1 / (1 + Math.exp(-presence[0]!)) < minFacePresence) continue;
        const points = new Float32Array(landmarks * 3);
        const box = new Float32Array([Infinity, Infinity, -Infinity, -Infinity]);
        pending = [points, box];
        for (let p = 0; p < meshPoints; p++) {
          const [x, y] = regionToPhoto(region, mesh[3 * p]! / landmarkSide, mesh[3 * p + 1]! / landmarkSide);
          points[3 * p] = x;
          points[3 * p + 1] = y;
          points[3 * p + 2] = (mesh[3 * p + 2]! / landmarkSide) * region.size;
          box[0] = Math.min(box[0]!, x);
          box[1] = Math.min(box[1]!, y);
          box[2] = Math.max(box[2]!, x);
          box[3] = Math.max(box[3]!, y);
        }
        if (irisModel) {
          for (let e = 0; e < irisEyes.length; e++) {
            const eye = irisEyes[e]!;
            const region = eyeRegion(points, eye.corners[0], eye.corners[1]);
            const irisInput = work.hold(new Float32Array(irisInputSide * irisInputSide * 3), { kind: 'tensor', label: 'tflite.iris.input' }).value;
            sampleRgbToTensor(pixels, width, height, irisInputSide, eyeCropToPhoto(region, eye.mirrored), { low: 0, high: 1 }, irisInput);
            const irisOutputs = await run(irisModel, tfliteIrisModelPin.name, irisInput, work);
            if (signal?.aborted) throw new AbortedError(signal.reason);
            const eyeOutput = irisOutputs.find((t) => t.length === irisOutputLength);
            if (!eyeOutput) throw new InferenceFailedError(tfliteIrisModelPin.name, 'bad-output');
            writeIrisPoints(eyeOutput, region, eye.mirrored, points, eye.upper, eye.lower, points, meshPoints + 5 * e);
          }
        }
        faces.push({ imageWidth: width, imageHeight: height, pointCount: landmarks, points, box, score: new Float32Array([detection.score]) });
        pending = [];
      }
      return faces.map((face, i) => scope.hold(face, { kind: 'landmarks', label: `face.${i}`, wiper: faceLandmarksWiper }));
    } catch (error) {
      for (const part of pending) part.fill(0);
      for (const face of faces) faceLandmarksWiper.wipe(face);
      throw error;
    } finally {
      work.purge();
    }
  };

  const detector: FaceDetector = {
    landmarks,
    maxFaces,
    mode: 'image',
    backend: 'tflite',
    detect(image: RgbaImage, scope: EphemeralScope, detectOptions: DetectOptions = {}) {
      // One photo at a time through the interpreters, as the FaceDetector contract says.
      const result = queue.then(() => detectOnce(image, scope, detectOptions.signal));
      queue = result.catch(() => undefined);
      return result;
    },
    reset() {
      // Image mode keeps nothing between calls.
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      void queue.then(() => {
        detectorModel.dispose?.();
        landmarkModel.dispose?.();
        irisModel?.dispose?.();
      });
    },
    [disposeSymbol]() {
      detector.dispose();
    },
  };
  return detector;
}
