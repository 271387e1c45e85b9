import * as Comlink from 'comlink';
import type { GenerationProgress, PurgeReceipt, WiperRegistry } from '@vopop/core';
import {
  AbortedError,
  EphemeralScope,
  InvalidArgumentError,
  WebCodecsVideoEncoder,
  generateVideo,
} from '@vopop/core';
import type { BrowserPlatform } from '../createBrowserPlatform';
import { createBrowserPlatform } from '../createBrowserPlatform';
import { assertConsentForRenderer, remoteRendererFor } from '../remote/remoteMode';
import { loadTemplateUrl } from '../templates/loadTemplateUrl';
import { installTransferHandlers } from './transferHandlers';
import { serializeError } from './serializeError';
import type { VopopWorkerApi, VopopWorkerConfig, VopopWorkerInfo, VopopWorkerRequest, VopopWorkerResult } from './workerProtocol';

/** The built-in templates' frame: what {@link VopopWorkerApi.init} asks the encoder about. */
const probeSize = { width: 720, height: 1280, fps: 30 } as const;

type RemoteCallback = ((progress: GenerationProgress) => unknown) & { [Comlink.releaseProxy]?: () => void };

/**
 * The video's bytes as one whole ArrayBuffer that can be transferred: the buffer itself when the
 * view covers all of it, else a copy (and the view is zero-filled, as the handle it came from
 * would have been).
 */
function transferableBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  const copy = bytes.slice().buffer;
  bytes.fill(0);
  return copy;
}

function release(callback: RemoteCallback | undefined): void {
  try {
    callback?.[Comlink.releaseProxy]?.();
  } catch {
    // Already released, or the page has gone: nothing left to free.
  }
}

/**
 * How the worker builds its ports; tests swap in fakes to drive the protocol without a browser.
 *
 * @internal
 */
export type PlatformFactory = (
  config: VopopWorkerConfig,
) => Promise<Pick<BrowserPlatform, 'decoder' | 'detector' | 'renderer' | 'wipers' | 'backend'> & Disposable>;

type WorkerPlatform = Awaited<ReturnType<PlatformFactory>>;

/**
 * The template one request renders: a built-in id or a manifest as given, or the manifest fetched
 * from `templateUrl` together with its files (a `LoadedTemplate`), for a recorded background.
 */
async function templateOf(request: VopopWorkerRequest, signal: AbortSignal): Promise<unknown> {
  if (request.templateUrl === undefined) return request.template;
  if (request.template !== undefined) throw new InvalidArgumentError('Give either template or templateUrl, not both.');
  if (typeof request.templateUrl !== 'string') throw new InvalidArgumentError('templateUrl must be a URL string.');
  // loadTemplateUrl refuses another origin than the worker's own before any request.
  return loadTemplateUrl(request.templateUrl, { signal });
}

/**
 * Wipe a photo that never reached `generateVideo`'s scope (the job failed before it: a template
 * that could not be loaded, say), through a scope of its own, so that the page gets a receipt on
 * this path too.
 */
function wipeUnusedPhoto(photo: Uint8Array, wipers: WiperRegistry | undefined): PurgeReceipt {
  const scope = new EphemeralScope({ label: 'generation', ...(wipers ? { wipers } : {}) });
  scope.hold(photo, { kind: 'photo-bytes', label: 'photo.bytes' });
  return scope.purge();
}

const browserPlatformFactory: PlatformFactory = (config) =>
  createBrowserPlatform({
    modelsUrl: config.modelsUrl,
    ...(config.wasmUrl !== undefined ? { wasmUrl: config.wasmUrl } : {}),
    ...(config.backends ? { backends: config.backends } : {}),
    ...(config.landmarks ? { landmarks: config.landmarks } : {}),
    ...(config.codec ? { codec: config.codec } : {}),
  });

/**
 * The platform's ports, with the renderer swapped for core's `RemoteRenderer` in remote mode. The
 * remote renderer is built here rather than in the platform factory, so that tests with fake
 * ports still exercise the real client.
 */
async function withRenderer(
  config: VopopWorkerConfig,
  createPlatform: PlatformFactory,
  fetchImpl: typeof fetch,
): Promise<WorkerPlatform> {
  const ports = await createPlatform(config);
  if (config.remote === undefined) return ports;
  try {
    return { ...ports, renderer: remoteRendererFor(config.remote, fetchImpl), [Symbol.dispose]: () => ports[Symbol.dispose]() };
  } catch (error) {
    ports[Symbol.dispose]();
    throw error;
  }
}

/** The worker's own `fetch`, called on its global (a bare reference would lose its `this`). */
const workerFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/**
 * Build the worker-side API (exported for tests that drive it over a `MessageChannel`).
 *
 * @internal
 */
export function createVopopWorkerApi(
  createPlatform: PlatformFactory = browserPlatformFactory,
  fetchImpl: typeof fetch = workerFetch,
): VopopWorkerApi {
  let platform: ReturnType<PlatformFactory> | undefined;
  let platformConfig: string | undefined;
  let consentPolicy: VopopWorkerConfig['consentPolicy'];
  const jobs = new Map<number, AbortController>();

  const ready = (config: VopopWorkerConfig): ReturnType<PlatformFactory> => {
    const key = JSON.stringify(config);
    if (platform && platformConfig !== key) {
      return Promise.reject(new InvalidArgumentError('This worker was initialised with another configuration; start a new client.'));
    }
    platformConfig = key;
    consentPolicy = config.consentPolicy;
    platform ??= withRenderer(config, createPlatform, fetchImpl).catch((error: unknown) => {
      // A failed start (a missing model file, say) may be retried by a later call.
      platform = undefined;
      platformConfig = undefined;
      throw error;
    });
    return platform;
  };

  return {
    async init(config) {
      const started = await ready(config);
      // Asking the browser for its encoders now also sets up its media plumbing, which the first
      // encode would otherwise wait for in the middle of a generation.
      const codec = await WebCodecsVideoEncoder.pickCodec(config.codec ?? 'auto', probeSize).catch(() => null);
      return { backend: started.backend, codec } satisfies VopopWorkerInfo;
    },

    async generate(photo, request: VopopWorkerRequest, onProgress?: RemoteCallback): Promise<VopopWorkerResult> {
      const controller = new AbortController();
      let receipt: PurgeReceipt | null = null;
      // The photo is held from the first moment, so that every path below wipes it.
      const photoBytes = photo instanceof ArrayBuffer ? new Uint8Array(photo) : new Uint8Array(0);
      let ports: WorkerPlatform | undefined;
      try {
        if (jobs.has(request.jobId)) throw new InvalidArgumentError('A job with this id is already running.');
        jobs.set(request.jobId, controller);
        if (!(photo instanceof ArrayBuffer)) throw new InvalidArgumentError('The photo must arrive as an ArrayBuffer.');
        if (!platform) throw new InvalidArgumentError('Call init() before generate().');
        ports = await platform;
        if (controller.signal.aborted) throw new AbortedError(controller.signal.reason);
        // Consent first (P8), for this worker's renderer (on the device, or the remote service
        // by its origin), as in generateVideo, which checks it again: nothing, not even a
        // template, is fetched for a request without it.
        assertConsentForRenderer(request.consent, ports.renderer.remoteOrigin, consentPolicy);
        const template = await templateOf(request, controller.signal);
        const result = await generateVideo(
          {
            photo: photoBytes,
            consent: request.consent as never,
            ...(template !== undefined ? { template } : {}),
            ...(request.facePolicy ? { facePolicy: request.facePolicy } : {}),
            ...(request.decodeLimits ? { decodeLimits: request.decodeLimits } : {}),
            signal: controller.signal,
            onProgress: (progress) => {
              // Fire and forget: a page that stopped listening must not fail the job.
              Promise.resolve(onProgress?.(progress)).catch(() => undefined);
            },
            onPurged: (purged) => {
              receipt = purged;
            },
          },
          consentPolicy ? { ...ports, consentPolicy } : ports,
        );
        const { video, ...facts } = result;
        const buffer = transferableBuffer(video.value);
        // The buffer is transferred (detached here) once this function returns; the purge that
        // follows then finds nothing left, and had the transfer failed it would wipe the copy.
        setTimeout(() => video.purge(), 0);
        const answer: VopopWorkerResult = { ok: true, video: buffer, ...facts };
        return Comlink.transfer(answer, [buffer]);
      } catch (error) {
        if (receipt === null) {
          try {
            receipt = wipeUnusedPhoto(photoBytes, ports?.wipers);
          } catch {
            photoBytes.fill(0);
          }
        } else {
          photoBytes.fill(0);
        }
        return { ok: false, error: serializeError(error), receipt };
      } finally {
        if (jobs.get(request.jobId) === controller) jobs.delete(request.jobId);
        release(onProgress);
      }
    },

    abort(jobId) {
      jobs.get(jobId)?.abort(new AbortedError('cancelled by the page'));
    },

    activeJobs() {
      return jobs.size;
    },

    close() {
      for (const controller of jobs.values()) controller.abort();
      jobs.clear();
      const closing = platform;
      platform = undefined;
      void closing?.then((ports) => ports[Symbol.dispose](), () => undefined);
    },
  };
}

/**
 * Serve generations from this worker: call it once at the top of the app's worker module.
 *
 * ```ts
 * // worker.ts, started with new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
 * import { exposeVopopWorker } from '@vopop/web-adapter';
 * exposeVopopWorker();
 * ```
 *
 * The photo arrives transferred and is wiped when the job ends; the video leaves transferred;
 * progress goes through the page's `comlink.proxy` callback, released at the end of each job;
 * an abort from the page aborts the job's `AbortController`, which purges its scope at once.
 *
 * @param endpoint - Where to listen. Default: the worker's global scope.
 * @public
 */
export function exposeVopopWorker(endpoint: Comlink.Endpoint = globalThis as unknown as Comlink.Endpoint): VopopWorkerApi {
  return exposeWorkerApi(endpoint, browserPlatformFactory);
}

/** {@link exposeVopopWorker} with the platform injected (tests). @internal */
export function exposeWorkerApi(endpoint: Comlink.Endpoint, createPlatform: PlatformFactory, fetchImpl?: typeof fetch): VopopWorkerApi {
  installTransferHandlers();
  const api = createVopopWorkerApi(createPlatform, fetchImpl);
  Comlink.expose(api, endpoint);
  return api;
}
