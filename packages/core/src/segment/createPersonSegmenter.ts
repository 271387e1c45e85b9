import type * as tfc from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { readVerifiedGraph, verifiedGraphHandler } from '../detect/verifiedModelFiles';
import { scrubFreedTensorMemory, zeroAndDisposeTensor } from '../detect/tensorScrub';
import { disposeSymbol } from '../purge/disposeSymbols';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import type { RgbaImage } from '../ports/rgbaImage';
import type { PersonMatte } from './personMatte';
import { personMatteWiper } from './personMatte';
import type { PersonSegmenter, PersonSegmenterOptions, SegmentOptions } from './personSegmenter';
import { renderSquareCrop } from './squareCropInput';

type Tf = typeof tfc;

/** MediaPipe's selfie segmentation: 256×256 RGB in 0…1 in, a person probability per cell out. */
const segmentationGraph = 'selfie.json';
const inputSize = 256;

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(signal.reason);
}

function checkedPixels(image: RgbaImage): Uint8Array {
  const { width, height } = image ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidArgumentError('The image must have a positive integer width and height; decode the photo first.');
  }
  if (!image.pixels.isLive) throw new PurgedError('The image pixels have been purged; decode the photo again.');
  const pixels = image.pixels.value;
  if (!(pixels instanceof Uint8Array) || pixels.byteLength !== width * height * 4) {
    throw new InvalidArgumentError(`The image pixels must be width × height × 4 RGBA bytes (${width * height * 4} for ${width}×${height}).`);
  }
  return pixels;
}

function checkedRegion(region: Float32Array): void {
  const valid =
    region instanceof Float32Array &&
    region.length === 3 &&
    Number.isFinite(region[0]) &&
    Number.isFinite(region[1]) &&
    Number.isFinite(region[2]) &&
    region[2]! >= 1;
  if (!valid) {
    throw new InvalidArgumentError('The region must be a Float32Array [x, y, side] of finite numbers with a side of at least 1 pixel.');
  }
}

class TfjsPersonSegmenter implements PersonSegmenter {
  readonly backend: string;
  readonly matteSize = inputSize;
  readonly #tf: Tf;
  readonly #model: GraphModel;
  #disposed = false;

  constructor(tf: Tf, model: GraphModel) {
    this.#tf = tf;
    this.#model = model;
    this.backend = tf.getBackend();
  }

  async segment(
    image: RgbaImage,
    region: Float32Array,
    scope: EphemeralScope,
    options: SegmentOptions = {},
  ): Promise<EphemeralHandle<PersonMatte>> {
    if (this.#disposed) throw new PurgedError('This person segmenter has been disposed.');
    throwIfAborted(options.signal);
    scope.throwIfClosed();
    const pixels = checkedPixels(image);
    checkedRegion(region);
    const alpha = new Float32Array(inputSize * inputSize);
    try {
      this.#infer(pixels, image.width, image.height, region, alpha);
      throwIfAborted(options.signal);
      const matte: PersonMatte = { region: Float32Array.from(region), size: inputSize, alpha };
      return scope.hold(matte, { kind: 'matte', label: 'photo.matte', wiper: personMatteWiper });
    } catch (error) {
      // A scope purged meanwhile refuses the hold; the probabilities go with the error.
      alpha.fill(0);
      throw error;
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#model.dispose();
  }

  [disposeSymbol](): void {
    this.dispose();
  }

  /**
   * One inference, with everything it allocates accounted for: the input values are built in a
   * buffer zeroed afterwards, tensors freed meanwhile are zero-filled first, and the input and
   * output tensors are zeroed before disposal; a tfjs scope catches anything left on a throw.
   */
  #infer(pixels: Uint8Array, width: number, height: number, region: Float32Array, alpha: Float32Array): void {
    const tf = this.#tf;
    const rgb = new Float32Array(inputSize * inputSize * 3);
    const unscrub = scrubFreedTensorMemory(tf, tf.backend());
    let input: tfc.Tensor | undefined;
    let output: tfc.Tensor | undefined;
    tf.engine().startScope('vopop.segment');
    try {
      renderSquareCrop(pixels, width, height, region[0]!, region[1]!, region[2]!, inputSize, rgb);
      input = tf.tensor4d(rgb, [1, inputSize, inputSize, 3], 'float32');
      output = this.#model.execute(input) as tfc.Tensor;
      // On cpu this is the output's own values (zeroed with it below); on wasm a copy.
      const values = output.dataSync() as Float32Array;
      alpha.set(values.subarray(0, alpha.length));
      values.fill(0);
    } finally {
      if (output) zeroAndDisposeTensor(tf, output);
      if (input) zeroAndDisposeTensor(tf, input);
      tf.engine().endScope();
      unscrub();
      rgb.fill(0);
    }
  }
}

/**
 * Create a person segmenter on tfjs, loading MediaPipe's selfie segmentation only from verified
 * bytes: `selfie.json` and its weights are read from `options.models` and checked against their
 * pinned size and SHA-256 before tfjs sees a byte; a mismatch throws `ModelIntegrityError` and
 * creates no tensor. Nothing is fetched.
 *
 * @example
 * ```ts
 * using segmenter = await createPersonSegmenter({ tf, models, sha256 });
 * const matte = await segmenter.segment(image, Float32Array.of(x, y, side), scope);
 * ```
 * @public
 */
export async function createPersonSegmenter(options: PersonSegmenterOptions): Promise<PersonSegmenter> {
  const { tf, models, sha256, signal } = options ?? {};
  if (!tf || typeof tf.engine !== 'function' || !models || typeof sha256 !== 'function') {
    throw new InvalidArgumentError('`tf`, `models` and `sha256` are required.');
  }
  throwIfAborted(signal);
  // Every byte is verified before any of them reaches tfjs.
  const graph = await readVerifiedGraph(segmentationGraph, models, sha256, signal);
  await tf.ready();
  throwIfAborted(signal);
  const converter = await import('@tensorflow/tfjs-converter');
  const model = await converter.loadGraphModel(verifiedGraphHandler(tf, graph));
  if (signal?.aborted) {
    model.dispose();
    throw new AbortedError(signal.reason);
  }
  return new TfjsPersonSegmenter(tf, model);
}
