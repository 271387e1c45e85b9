import * as Comlink from 'comlink';
import type {
  ConsentPolicy,
  ConsentRecord,
  DecodeLimits,
  FacePolicy,
  GeneratedVideo,
  GenerationProgress,
  LandmarkCount,
  PurgeReceipt,
  Template,
  VideoCodecChoice,
} from '@vopop/core';
import {
  AbortedError,
  EphemeralHandle,
  InvalidArgumentError,
  PurgedError,
  parseConsentPolicy,
} from '@vopop/core';
import { sameOriginFolder } from '../detect/browserModelSource';
import { assertConsentForRenderer, remoteConfigOf } from '../remote/remoteMode';
import { sameOriginTemplateUrl } from '../templates/templateUrl';
import type { BrowserTfjsBackend } from '../detect/browserTfjsBackend';
import { reviveError } from '../worker/serializeError';
import { installTransferHandlers } from '../worker/transferHandlers';
import type {
  VopopRemoteConfig,
  VopopWorkerApi,
  VopopWorkerConfig,
  VopopWorkerInfo,
  VopopWorkerResult,
} from '../worker/workerProtocol';

/**
 * Options of {@link createVopopClient}. URLs are resolved against the page and must be on its
 * origin.
 *
 * @public
 */
export interface VopopClientOptions {
  /**
   * The module worker that runs {@link exposeVopopWorker}, or a function creating it. Bundlers
   * need the `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })` literal in
   * the app's own code, which is why the app creates it.
   */
  readonly worker: Worker | (() => Worker);
  /** Folder serving `@vopop/models`' files, e.g. `'/vopop/models/'`. */
  readonly modelsUrl: string | URL;
  /** Folder serving tfjs' `.wasm` binaries, e.g. `'/vopop/tfjs/'`. */
  readonly wasmUrl?: string | URL;
  /** Backends to try, in order. Default `['webgl', 'wasm']`. */
  readonly backends?: readonly BrowserTfjsBackend[];
  /** 468 (default) or 478 landmarks. */
  readonly landmarks?: LandmarkCount;
  /** `'auto'` (default): H.264 MP4, VP9 WebM where H.264 is missing. */
  readonly codec?: VideoCodecChoice;
  /**
   * The app's consent requirements (accepted notice versions, minimum self-declared age),
   * checked on the page before the photo moves and again in the worker (P8).
   */
  readonly consentPolicy?: ConsentPolicy;
  /**
   * Render through this service instead of on the device (remote mode, P5): the worker detects
   * and aligns the face here, sends only the aligned crop, and accepts the video only with a
   * deletion receipt signed by one of `receiptKeys` (it comes back as the result's
   * `deletionReceipt`). Every consent must then be for `'remote-service'` and name the
   * endpoint's origin in `remoteOrigins`. The page's CSP must allow that origin in `connect-src`
   * (`createVopopCsp({ remoteEndpoints })`), and the service must allow the page's origin by
   * CORS. A bad configuration throws `InvalidArgumentError` here.
   */
  readonly remote?: VopopRemoteConfig;
}

/**
 * One generation on the page's side.
 *
 * @public
 */
export interface WebGenerateOptions {
  /**
   * The photo file's bytes. The buffer is transferred to the worker: afterwards the page's copy
   * is detached (0 bytes). A `Uint8Array` that views only part of its buffer is copied out and
   * that part zero-filled. Pass a copy to keep the photo.
   */
  readonly photo: ArrayBuffer | Uint8Array;
  /**
   * The person's recorded agreement (P8), for on-device processing, or in remote mode for
   * `'remote-service'` naming the service's origin; checked here before the photo moves.
   */
  readonly consent: ConsentRecord;
  /** A built-in template id, or a template manifest (procedural backgrounds only). */
  readonly template?: string | Template;
  /**
   * The URL of a template manifest on the page's own origin, absolute or relative to the page
   * (e.g. `'/templates/velvet-stripes/manifest.json'`). The worker fetches it and renders its
   * recorded background (`video` or `frames`) from the files beside it. Give `template` or
   * `templateUrl`, not both. Another origin is refused with `InvalidArgumentError` before
   * anything is sent; see docs/web.md for the CSP it needs.
   */
  readonly templateUrl?: string | URL;
  readonly facePolicy?: FacePolicy;
  readonly decodeLimits?: DecodeLimits;
  /** Cancels the generation; the worker purges everything it held at once. */
  readonly signal?: AbortSignal;
  /** Progress per stage, 0…1, from the worker. */
  readonly onProgress?: (progress: GenerationProgress) => void;
  /** The worker's purge receipt, on success, error and abort alike. */
  readonly onPurged?: (receipt: PurgeReceipt) => void;
}

/**
 * A finished generation, on the page: the same shape as in Node. `video` holds the only copy of
 * the bytes (the worker's was transferred); purge it after saving. In remote mode
 * `deletionReceipt` is the service's receipt, verified in the worker.
 *
 * @public
 */
export type WebGeneratedVideo = GeneratedVideo;

/**
 * The page's side of the worker: generate, cancel, and shut down. Dispose it (`await using`,
 * or {@link VopopClient.terminate}) to release the comlink proxy and terminate the worker;
 * nothing relies on garbage collection.
 *
 * @public
 */
export interface VopopClient extends AsyncDisposable {
  /** Start the worker's backend and load and verify the models (done on first use otherwise). */
  ready(): Promise<VopopWorkerInfo>;
  /** Photo → video in the worker. Rejects with the same typed errors as core's `generateVideo`. */
  generate(options: WebGenerateOptions): Promise<WebGeneratedVideo>;
  /** Whether the worker has been terminated. */
  readonly terminated: boolean;
  /** Release the proxy and terminate the worker; pending calls reject with `AbortedError`. */
  terminate(): void;
}

/** The whole buffer of `photo`, ready to transfer. */
function ownedBuffer(photo: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (photo instanceof ArrayBuffer) return photo;
  if (photo instanceof Uint8Array) {
    if (photo.byteOffset === 0 && photo.byteLength === photo.buffer.byteLength && photo.buffer instanceof ArrayBuffer) {
      return photo.buffer;
    }
    const copy = photo.slice().buffer;
    photo.fill(0);
    return copy;
  }
  throw new InvalidArgumentError('photo must be the file bytes as an ArrayBuffer or Uint8Array.');
}

/**
 * The request's `templateUrl`, resolved against the page: the worker's base URL is its script's,
 * not the page's, so a relative URL must not travel as written.
 */
function templateUrlOf(request: WebGenerateOptions): string | undefined {
  if (request.templateUrl === undefined) return undefined;
  if (request.template !== undefined) throw new InvalidArgumentError('Give either template or templateUrl, not both.');
  return sameOriginTemplateUrl(request.templateUrl, 'templateUrl').href;
}

/**
 * Start a client for a module worker running {@link exposeVopopWorker}.
 *
 * @example
 * ```ts
 * await using client = createVopopClient({
 *   worker: () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }),
 *   modelsUrl: '/vopop/models/',
 *   wasmUrl: '/vopop/tfjs/',
 * });
 * const result = await client.generate({ photo: await file.arrayBuffer(), consent, onProgress });
 * ```
 * @public
 */
export function createVopopClient(options: VopopClientOptions): VopopClient {
  installTransferHandlers();
  const remote = options.remote === undefined ? undefined : remoteConfigOf(options.remote);
  const config: VopopWorkerConfig = {
    modelsUrl: sameOriginFolder(options.modelsUrl, 'modelsUrl').href,
    ...(options.wasmUrl !== undefined ? { wasmUrl: sameOriginFolder(options.wasmUrl, 'wasmUrl').href } : {}),
    ...(options.backends ? { backends: [...options.backends] } : {}),
    ...(options.landmarks ? { landmarks: options.landmarks } : {}),
    ...(options.codec ? { codec: options.codec } : {}),
    ...(options.consentPolicy ? { consentPolicy: parseConsentPolicy(options.consentPolicy) } : {}),
    ...(remote ? { remote: remote.config } : {}),
  };
  const worker = typeof options.worker === 'function' ? options.worker() : options.worker;
  const api = Comlink.wrap<VopopWorkerApi>(worker);
  let terminated = false;
  let readyPromise: Promise<VopopWorkerInfo> | undefined;
  let nextJob = 1;
  // Calls in flight reject when the worker is terminated; comlink alone would leave them pending.
  const pending = new Set<(error: Error) => void>();

  const guarded = <T>(call: Promise<T>): Promise<T> => {
    if (terminated) return Promise.reject(new PurgedError('This Vopop client has been terminated; create a new one.'));
    return new Promise<T>((resolve, reject) => {
      const onTerminate = (error: Error): void => reject(error);
      pending.add(onTerminate);
      call.then(
        (value) => {
          pending.delete(onTerminate);
          resolve(value);
        },
        (error: unknown) => {
          pending.delete(onTerminate);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  };

  const ready = (): Promise<VopopWorkerInfo> => {
    readyPromise ??= guarded(api.init(config)).catch((error: unknown) => {
      readyPromise = undefined;
      throw error;
    });
    return readyPromise;
  };

  const terminate = (): void => {
    if (terminated) return;
    terminated = true;
    try {
      api[Comlink.releaseProxy]();
    } finally {
      worker.terminate();
      const error = new AbortedError('the Vopop client was terminated');
      for (const reject of pending) reject(error);
      pending.clear();
    }
  };

  const generate = async (request: WebGenerateOptions): Promise<WebGeneratedVideo> => {
    // Consent and cancellation are checked before the photo leaves the page's hands.
    assertConsentForRenderer(request?.consent, remote?.origin, config.consentPolicy);
    const templateUrl = templateUrlOf(request);
    if (request.signal?.aborted) throw new AbortedError(request.signal.reason);
    if (terminated) throw new PurgedError('This Vopop client has been terminated; create a new one.');
    const photo = ownedBuffer(request.photo);
    const jobId = nextJob++;
    const { signal, onProgress, onPurged } = request;
    const onAbort = (): void => {
      if (!terminated) void api.abort(jobId).catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      try {
        await ready();
      } catch (error) {
        new Uint8Array(photo).fill(0);
        throw error;
      }
      if (signal?.aborted) {
        new Uint8Array(photo).fill(0);
        throw new AbortedError(signal.reason);
      }
      const result: VopopWorkerResult = await guarded<VopopWorkerResult>(
        api.generate(
          photo,
          {
            jobId,
            consent: request.consent,
            ...(request.template !== undefined ? { template: request.template } : {}),
            ...(templateUrl !== undefined ? { templateUrl } : {}),
            ...(request.facePolicy ? { facePolicy: request.facePolicy } : {}),
            ...(request.decodeLimits ? { decodeLimits: request.decodeLimits } : {}),
          },
          onProgress ? Comlink.proxy((progress: GenerationProgress) => onProgress(progress)) : undefined,
        ),
      );
      if (result.receipt) onPurged?.(result.receipt);
      if (!result.ok) throw reviveError(result.error);
      const { ok: _ok, video, ...facts } = result;
      return {
        ...facts,
        video: EphemeralHandle.hold(new Uint8Array(video), { kind: 'video', label: 'video' }),
      };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    ready,
    generate,
    get terminated() {
      return terminated;
    },
    terminate,
    async [Symbol.asyncDispose]() {
      terminate();
    },
  };
}
