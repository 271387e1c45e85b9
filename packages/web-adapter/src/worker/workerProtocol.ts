import type {
  ConsentPolicy,
  DecodeLimits,
  EncodedVideoCodec,
  FacePolicy,
  GeneratedVideo,
  GenerationProgress,
  LandmarkCount,
  PurgeReceipt,
  ReceiptPublicKey,
  TemplateIssue,
  VideoCodecChoice,
  VopopErrorCode,
} from '@vopop/core';
import type { BrowserTfjsBackend } from '../detect/browserTfjsBackend';

/**
 * A rendering service the worker sends the aligned face crop to instead of rendering on the
 * device (remote mode, P5). Plain data: it crosses `postMessage`, and the worker builds core's
 * `RemoteRenderer` from it with its own `fetch`.
 *
 * @public
 */
export interface VopopRemoteConfig {
  /** The service's base URL: `https:`, or `http:` on loopback only. */
  readonly endpoint: string;
  /**
   * Sent as `Authorization: Bearer <key>`. In a browser the key is readable by anyone who loads
   * the page: give the web app its own key, with its own rate limit.
   */
  readonly apiKey: string;
  /**
   * The service's receipt-signing public keys, pinned by the app; a receipt signed by any other
   * key is refused and the video discarded.
   */
  readonly receiptKeys: readonly ReceiptPublicKey[];
  /** Codec asked of the service. Default `'auto'`. */
  readonly codec?: VideoCodecChoice;
  /** Total deadline for one render, retries included. Default 120 s. */
  readonly timeoutMs?: number;
}

/**
 * What the page tells the worker once, before the first generation. Plain data only: it
 * crosses `postMessage`.
 *
 * @public
 */
export interface VopopWorkerConfig {
  /** Folder on the app's origin serving the model files. */
  readonly modelsUrl: string;
  /** Folder on the app's origin serving tfjs' `.wasm` binaries. */
  readonly wasmUrl?: string;
  /** Backends to try, in order. Default `['webgl', 'wasm']`. */
  readonly backends?: readonly BrowserTfjsBackend[];
  /** 468 (default) or 478 landmarks. */
  readonly landmarks?: LandmarkCount;
  /** `'auto'` (default): H.264 MP4, VP9 WebM where H.264 is missing. */
  readonly codec?: VideoCodecChoice;
  /** The app's consent requirements (accepted notice versions, minimum age), checked first (P8). */
  readonly consentPolicy?: ConsentPolicy;
  /**
   * Render through this service instead of on the device. Consents must then be for
   * `'remote-service'` and name the service's origin.
   */
  readonly remote?: VopopRemoteConfig;
}

/**
 * The worker's answer to {@link VopopWorkerApi.init}.
 *
 * @public
 */
export interface VopopWorkerInfo {
  /** The tfjs backend detection runs on. */
  readonly backend: BrowserTfjsBackend;
  /**
   * The codec a 720×1280 30 fps video would be encoded with here (`'avc'`: H.264 in MP4,
   * `'vp9'`: VP9 in WebM), or `null` when neither is available.
   */
  readonly codec: EncodedVideoCodec | null;
}

/**
 * One generation's options, less the photo (transferred separately) and the callbacks.
 *
 * @public
 */
export interface VopopWorkerRequest {
  /** Identifies the job for {@link VopopWorkerApi.abort}. */
  readonly jobId: number;
  readonly consent: unknown;
  /** A built-in template id or a template manifest (plain data). */
  readonly template?: unknown;
  /**
   * The absolute URL of a template manifest on the app's origin, resolved by the page (the
   * worker's own base URL differs). Exclusive with `template`.
   */
  readonly templateUrl?: string;
  readonly facePolicy?: FacePolicy;
  readonly decodeLimits?: DecodeLimits;
}

/**
 * A typed SDK error as it crosses the worker boundary: its code, name, message and measured
 * fields (numbers, short strings, booleans, a `RenderServiceError`'s flat `details`; a
 * `TemplateInvalidError`'s issues), never a cause or personal data.
 *
 * @public
 */
export interface SerializedVopopError {
  readonly code: VopopErrorCode | 'UNKNOWN';
  readonly name: string;
  readonly message: string;
  readonly fields: Readonly<
    Record<
      string,
      | string
      | number
      | boolean
      | null
      | readonly (string | number)[]
      | readonly TemplateIssue[]
      | Readonly<Record<string, string | number | boolean | null>>
    >
  >;
}

/**
 * A generation's outcome as the worker returns it. On success `video` is transferred (the
 * worker's copy is detached). The receipt covers everything the worker held, on both paths.
 *
 * @public
 */
export type VopopWorkerResult =
  | ({
      readonly ok: true;
      /** The video bytes, transferred (the worker keeps no copy). */
      readonly video: ArrayBuffer;
    } & Omit<GeneratedVideo, 'video'>)
  | {
      readonly ok: false;
      readonly error: SerializedVopopError;
      readonly receipt: PurgeReceipt | null;
    };

/**
 * What {@link exposeVopopWorker} exposes through comlink.
 *
 * @public
 */
export interface VopopWorkerApi {
  /** Choose the backend and load and verify the models. Idempotent. */
  init(config: VopopWorkerConfig): Promise<VopopWorkerInfo>;
  /**
   * Generate from `photo` (transferred). `onProgress` is a `comlink.proxy`; the worker releases
   * it when the job ends.
   */
  generate(
    photo: ArrayBuffer,
    request: VopopWorkerRequest,
    onProgress?: (progress: GenerationProgress) => void,
  ): Promise<VopopWorkerResult>;
  /** Abort job `jobId`; everything it held is purged at once. Unknown ids are ignored. */
  abort(jobId: number): void;
  /** How many generations are running (for tests). */
  activeJobs(): number;
  /** Release the detector's memory. The page terminates the worker afterwards. */
  close(): void;
}
