/**
 * Child of the P3 test: one generation from a planted photo, then two stops at which the parent
 * scans this process's memory:
 *
 * 1. `kept`: the generation and the caller's `video.purge()` are done, and this process still
 *    references every value the generation held (the caller may keep what it passed in or got
 *    back; here every held value is kept, so a value whose wipe did nothing is certainly still
 *    there to be found, and "0 copies" cannot mean "freed and reused").
 * 2. `dropped`: every reference dropped and the collector run; what is found now is residue in
 *    freed memory.
 *
 * Every value the generation holds passes through a wrapped wiper: before the real wipe (or, for
 * a mutant, instead of it) it records where in the value to look, as hex of a few 64-byte
 * windows. Hex is text, so reporting a window does not put another copy of its bytes in memory.
 * Which wipe is replaced by a no-op is the run's `mutant`:
 *
 * - `none`: the real SDK;  `control`: no wipe at all (the scan must find every kind);
 * - `photo-bytes`, `pixels`, `landmarks`, `aligned-face`, `frame`, `frame.i420`, `video`: that
 *   kind's handles get a no-op wiper;
 * - `tensors`: the detector's tfjs namespace hides the backend's memory, so tensors are disposed
 *   without being zeroed (what a backend out of JavaScript's reach would do).
 *
 * Runs against whatever `@vopop/node-adapter` resolves to: the built `dist` by default, the
 * sources when started with `--conditions=@vopop/source`.
 *
 * argv[2]: JSON {@link ChildArgs}. stdout: one JSON line per stop; stdin: one line to go on.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type {
  EphemeralScope} from '@vopop/node-adapter';
import {
  WiperRegistry,
  builtInTemplates,
  LocalRenderer,
  WasmImageDecoder,
  createFaceDetector,
  createPersonSegmenter,
  createNodeVideoEncoder,
  generateVideo,
  typedArrayWiper,
  nodeModelBytesSource,
  nodeSha256,
  useNodeTfjsBackend,
  type HandleKind,
  type Wiper,
} from '@vopop/node-adapter';

/** What the parent asks for. */
export interface ChildArgs {
  readonly photo: string;
  readonly mutant: string;
  /** Frames rendered: 90 is the built-in template's real length. */
  readonly frames: number;
  /** Where the planted pixel noise starts (row, column) and how many pixels it spans. */
  readonly noise: { readonly x: number; readonly y: number; readonly length: number };
}

const args = JSON.parse(process.argv[2]!) as ChildArgs;
const gc = (globalThis as { gc?: () => void }).gc!;
const windowBytes = 64;

/** Every value the generation held, kept until the `dropped` stop. */
let kept: unknown[] = [];
/** Hex windows per kind of data, reported to the parent. */
const captured: Record<string, string[]> = {};

function hex(bytes: ArrayBufferView, offset: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString('hex');
}

function record(name: string, window: string): void {
  (captured[name] ??= []).push(window);
}

const seen = new Uint8Array(256);

/** How many different byte values the 64-byte window at `at` holds. */
function distinctBytes(view: ArrayBufferView, at: number): number {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + at, windowBytes);
  seen.fill(0);
  let distinct = 0;
  for (const byte of bytes) {
    if (seen[byte] === 0) distinct++;
    seen[byte] = 1;
  }
  return distinct;
}

/**
 * Up to `count` 64-byte windows of `view`, at 64-byte steps, with the most distinct byte values:
 * texture (a face, noise) rather than flat colour, which could also occur by chance elsewhere.
 */
function distinctiveWindows(view: ArrayBufferView, count: number): string[] {
  const scored: { at: number; distinct: number }[] = [];
  for (let at = 0; at + windowBytes <= view.byteLength; at += windowBytes) {
    const distinct = distinctBytes(view, at);
    if (distinct >= 40) scored.push({ at, distinct });
  }
  scored.sort((a, b) => b.distinct - a.distinct);
  return scored.slice(0, count).map(({ at }) => hex(view, at, windowBytes));
}

/** Face meshes the mesh renderer holds (kind `'landmarks'`, Float32Array). */
const meshLabels = new Set(['mesh.photo', 'mesh.target', 'mesh.frame-target', 'motion.user', 'motion.posed']);
/** The face's pixels as the compositors hold them: the v1 crop, the mesh crop and its packed words. */
const alignedFaceLabels = new Set(['compositor.crop', 'mesh.crop', 'mesh.packed']);

/** Where to look in a value of this kind, read just before it is wiped. */
function capture(kind: HandleKind, label: string, value: unknown): void {
  const { x, y, length } = args.noise;
  if (kind === 'pixels' && value instanceof Uint8Array) {
    // The planted noise, as decoded (JPEG changes it; the run is read back, not assumed).
    record('pixels', hex(value, (y * photoWidth + x) * 4, Math.min(length * 4, windowBytes)));
  } else if (kind === 'landmarks' && value && typeof value === 'object' && 'points' in value) {
    record('landmarks', hex((value as { points: Float32Array }).points, 0, windowBytes));
  } else if (kind === 'landmarks' && value instanceof Float32Array && label === 'photo.points5') {
    record('landmarks (5 points)', hex(value, 0, value.byteLength));
  } else if (kind === 'landmarks' && value instanceof Float32Array && meshLabels.has(label)) {
    // The mesh renderer's copies of the face mesh: the photo's, and where it goes in a frame.
    record('landmarks', hex(value, 0, windowBytes));
  } else if (kind === 'aligned-face' && alignedFaceLabels.has(label) && ArrayBuffer.isView(value)) {
    for (const window of distinctiveWindows(value, 4)) record('aligned face', window);
  } else if (kind === 'frame' && label === 'frame' && ArrayBuffer.isView(value)) {
    for (const window of distinctiveWindows(value, 4)) record('frame (RGBA)', window);
  } else if (kind === 'frame' && label === 'frame.i420' && ArrayBuffer.isView(value)) {
    for (const window of distinctiveWindows(value, 4)) record('frame (I420)', window);
  } else if (kind === 'video' && value instanceof Uint8Array) {
    // 20 windows spread over the file, each moved on to the next one with texture: the
    // encoder's settings text (x264's SEI) and the container's tables are not the face.
    for (let i = 0; i < 20; i++) {
      let at = Math.floor(((value.byteLength - windowBytes) * i) / 20);
      while (at + windowBytes <= value.byteLength && distinctBytes(value, at) < 40) at += windowBytes;
      if (at + windowBytes <= value.byteLength) record('video', hex(value, at, windowBytes));
    }
  } else if (kind === 'matte' && label === 'photo.matte' && value && typeof value === 'object' && 'alpha' in value) {
    // The person matte's probabilities: its soft edge (hair, shoulders) has the texture.
    for (const window of distinctiveWindows((value as { alpha: Float32Array }).alpha, 4)) record('matte', window);
  }
}

let photoWidth = 1;

function isMutated(kind: HandleKind, label: string): boolean {
  const { mutant } = args;
  if (mutant === 'control') return true;
  if (mutant === 'frame') return kind === 'frame' && label === 'frame';
  if (mutant === 'frame.i420') return label === 'frame.i420';
  return mutant === kind;
}

const noWipe = (value: unknown): { method: string; bytes: number; verified: boolean } => ({
  method: 'none',
  bytes: ArrayBuffer.isView(value) ? value.byteLength : 0,
  verified: false,
});

/** The real wiper, preceded by the capture, and replaced by a no-op for the mutated kind. */
function watched<T>(real: Wiper<T>, kind: HandleKind, label: string): Wiper<T> {
  return {
    name: real.name,
    matches: real.matches,
    measure: real.measure,
    wipe: (value) => {
      capture(kind, label, value);
      return isMutated(kind, label) ? noWipe(value) : real.wipe(value);
    },
  };
}

/** A member of `target`, methods bound to it (private fields do not work through a proxy). */
function bound(target: object, property: string | symbol): unknown {
  const member = Reflect.get(target, property, target) as unknown;
  return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(target) : member;
}

/** A scope whose holds keep their values and get watched wipers; its children too. */
function watchedScope(scope: EphemeralScope, registry: WiperRegistry): EphemeralScope {
  return new Proxy(scope, {
    get(target, property) {
      if (property === 'hold') {
        return <T>(value: T, options: { kind: HandleKind; label: string; wiper?: Wiper<T> }) => {
          kept.push(value);
          const real = options.wiper ?? (registry.require(value) as Wiper<T>);
          return target.hold(value, { ...options, wiper: watched(real, options.kind, options.label) });
        };
      }
      if (property === 'child') {
        return (...rest: Parameters<EphemeralScope['child']>) => watchedScope(target.child(...rest), registry);
      }
      return bound(target, property);
    },
  });
}

/** The photo is held by generateVideo itself, through the registry: watched by identity. */
class PhotoWatchingRegistry extends WiperRegistry {
  readonly #photo: Uint8Array;

  constructor(photo: Uint8Array) {
    super();
    this.#photo = photo;
  }

  override require(value: unknown): Wiper {
    const real = super.require(value);
    return value === this.#photo ? watched(real, 'photo-bytes', 'photo.bytes') : real;
  }
}

/**
 * The tensor mutant: a tfjs namespace whose backend hides where tensors keep their memory, so
 * the detector's zeroing finds nothing to zero (as on a backend out of JavaScript's reach).
 */
function tfHidingTensorMemory(): typeof tf {
  const hide = (backend: object) =>
    new Proxy(backend, {
      get: (target, property) =>
        property === 'data' || property === 'dataIdMap' ? undefined : Reflect.get(target, property, target),
    });
  return new Proxy(tf, {
    get: (target, property) => (property === 'backend' ? () => hide(tf.backend()) : Reflect.get(target, property)),
  });
}

/** The input tensor's bytes at the noise row, read where the backend keeps them (no copy). */
function captureTensor(tensor: tf.Tensor): void {
  const [height, width] = tensor.shape as [number, number, number];
  const backend = tf.backend() as unknown as {
    data?: { get(id: object): { values?: ArrayBufferView } | undefined };
    dataIdMap?: { get(id: object): { memoryOffset: number } | undefined };
    wasm?: { HEAPU8: Uint8Array };
  };
  const { x, y } = args.noise;
  const scale = width / photoWidth;
  if (Math.round(y * scale) >= height) return;
  const at = (Math.round(y * scale) * width + Math.round(x * scale)) * 3 * 4;
  const cpu = backend.data?.get(tensor.dataId)?.values;
  if (cpu) record('tensors', hex(cpu, at, windowBytes));
  const wasm = backend.dataIdMap?.get(tensor.dataId);
  if (wasm && backend.wasm) record('tensors', hex(backend.wasm.HEAPU8, wasm.memoryOffset + at, windowBytes));
}

/**
 * A few textured windows of the segmenter's input tensor (a box-averaged square of the photo
 * around the face), read where the backend keeps it. The detector's freed input lies in the same
 * wasm heap that the segmentation then allocates from, so the segmenter's own input is where a
 * tensor left unzeroed is still certain to be found.
 */
function captureSegmentationInput(tensor: tf.Tensor): void {
  const backend = tf.backend() as unknown as {
    data?: { get(id: object): { values?: ArrayBufferView } | undefined };
    dataIdMap?: { get(id: object): { memoryOffset: number } | undefined };
    wasm?: { HEAPU8: Uint8Array };
  };
  const wasm = backend.dataIdMap?.get(tensor.dataId);
  const view =
    backend.data?.get(tensor.dataId)?.values ??
    (wasm && backend.wasm ? backend.wasm.HEAPU8.subarray(wasm.memoryOffset, wasm.memoryOffset + tensor.size * 4) : undefined);
  if (view) for (const window of distinctiveWindows(view, 4)) record('tensors', window);
}

/** The real-length template, or its first frames only (the render still runs every stage). */
function template(frames: number): unknown {
  const base = builtInTemplates[0]!;
  if (frames >= base.frameCount) return base;
  const track = base.faceTrack;
  return {
    ...base,
    id: 'p3',
    frameCount: frames,
    faceTrack:
      track.kind === 'keyframes'
        ? { ...track, keyframes: [{ ...track.keyframes[0]!, frame: 0 }, ...track.keyframes.slice(1).filter((k) => k.frame < frames)] }
        : track,
  };
}

async function generateOnce(): Promise<number> {
  await useNodeTfjsBackend();
  const decoder = new WasmImageDecoder();
  // The session's I420 buffer is no handle (a failed session leaves its scope empty): its wiper
  // is watched through the encoder's internal option instead.
  const i420Wiper = watched(typedArrayWiper as Wiper<Uint8Array>, 'frame', 'frame.i420');
  const encoder = await createNodeVideoEncoder({
    i420Wiper: { ...i420Wiper, wipe: (value) => (kept.push(value), i420Wiper.wipe(value)) },
  });
  const tensorMutant = args.mutant === 'tensors' || args.mutant === 'control';
  const tfForDetector = tensorMutant ? tfHidingTensorMemory() : tf;
  const watchingTf = new Proxy(tfForDetector, {
    get: (target, property) =>
      property === 'tensor3d'
        ? (...rest: Parameters<typeof tf.tensor3d>) => {
            const tensor = tf.tensor3d(...rest);
            captureTensor(tensor);
            return tensor;
          }
        : property === 'tensor4d'
          ? (...rest: Parameters<typeof tf.tensor4d>) => {
              const tensor = tf.tensor4d(...rest);
              captureSegmentationInput(tensor);
              return tensor;
            }
          : Reflect.get(target, property),
  });
  const detector = await createFaceDetector({
    tf: watchingTf,
    models: nodeModelBytesSource(),
    sha256: nodeSha256,
    mode: 'image',
  });
  // The built-in template cuts out the whole head: the person segmentation runs too, on the
  // detector's tfjs (so the tensor mutant hides its memory as well).
  const segmenter = await createPersonSegmenter({ tf: watchingTf, models: nodeModelBytesSource(), sha256: nodeSha256 });
  const renderer = new LocalRenderer({ encoder, codec: 'auto', segmenter });
  // The Buffer as read: the caller's own bytes are what the SDK must wipe.
  const photo = readFileSync(args.photo);
  kept.push(photo);
  const registry = new PhotoWatchingRegistry(photo);
  const result = await generateVideo(
    {
      photo,
      consent: { purpose: 'face-video', processing: 'on-device', noticeVersion: 'p3', grantedAt: new Date().toISOString() },
      template: template(args.frames),
    },
    {
      decoder: {
        decode: async (bytes, scope, options) => {
          const image = await decoder.decode(bytes, watchedScope(scope, registry), options);
          photoWidth = image.width;
          return image;
        },
      },
      detector: new Proxy(detector, {
        get: (target, property) =>
          property === 'detect'
            ? (image: Parameters<typeof detector.detect>[0], scope: EphemeralScope, options?: Parameters<typeof detector.detect>[2]) =>
                target.detect(image, watchedScope(scope, registry), options)
            : bound(target, property),
      }),
      renderer: { render: (job, scope) => renderer.render(job, watchedScope(scope, registry)) },
      wipers: registry,
    },
  );
  kept.push(result.video.value);
  result.video.purge(); // what the caller does once the video is saved
  detector[Symbol.dispose]();
  segmenter[Symbol.dispose]();
  return result.receipt.totals.handles;
}

function stop(line: object): Promise<void> {
  process.stdout.write(`P3-STOP ${JSON.stringify(line)}\n`);
  return new Promise((resolve) => process.stdin.once('data', () => resolve()));
}

async function collect(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const handles = await generateOnce();
await collect();
await stop({ stop: 'kept', handles, captured, keptValues: kept.length });
kept = [];
await collect();
await stop({ stop: 'dropped' });
process.exit(0);
