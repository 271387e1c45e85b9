import type { EncodedVideoCodec, VideoCodecChoice, VideoContainer } from '../ports/videoEncoder';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import type { EphemeralScope } from '../purge/ephemeralScope';
import { AbortedError } from '../errors/abortedError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { RenderServiceFailure } from '../errors/renderServiceError';
import { RenderServiceError } from '../errors/renderServiceError';
import type { RenderedVideo, RenderJob, Renderer } from '../ports/renderer';
import { alignedFaceCrop } from './alignedFaceCrop';
import { base64UrlEncode } from './base64url';
import type { VerifiedDeletionReceipt } from './deletionReceipt';
import { verifyDeletionReceipt } from './deletionReceipt';
import { encodeCropPng } from './encodeCropPng';
import type { ReceiptCrypto } from './receiptCrypto';
import { resolveReceiptCrypto } from './receiptCrypto';
import type { ReceiptPublicKey } from './remoteContract';
import { cropMediaType, cropSize, problemSchema, receiptHeader, receiptPublicKeySchema, renderPath } from './remoteContract';

/**
 * Retry policy of {@link RemoteRenderer}: only answers the contract marks retryable (429, 500,
 * 503, dropped connections) are retried, with exponential backoff and full jitter, never sooner
 * than the service's `Retry-After`, and never past the total deadline.
 *
 * @public
 */
export interface RemoteRetryOptions {
  /** Requests in all, the first included. Default 3. */
  readonly maxAttempts?: number;
  /** The backoff's first step. Default 250 ms. */
  readonly baseDelayMs?: number;
  /** The largest backoff step (a longer `Retry-After` still wins). Default 5 s. */
  readonly maxDelayMs?: number;
}

/**
 * How {@link RemoteRenderer} reaches its service.
 *
 * @public
 */
export interface RemoteRendererOptions {
  /** The service's base URL. `https:` is required except on loopback. */
  readonly endpoint: string | URL;
  /** Sent as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  /**
   * The service's receipt-signing public keys, pinned by the app (from the service's
   * `/.well-known/jwks.json` at release time). Receipts signed by any other key are refused.
   */
  readonly receiptKeys: readonly ReceiptPublicKey[];
  /** The platform's `fetch`. Default: the global one. */
  readonly fetch?: typeof fetch;
  /**
   * WebCrypto for checking receipt signatures. Default: `globalThis.crypto.subtle`. (Hashes of
   * the crop and the video are computed in place, never through WebCrypto's copying `digest`.)
   * Give this or `crypto`, not both.
   */
  readonly subtle?: SubtleCrypto;
  /**
   * Receipt verification and hashing where the runtime has no WebCrypto (Hermes): on React
   * Native, `nobleReceiptCrypto()` from `@vopop/rn-adapter`. Default: WebCrypto, from `subtle`
   * or the runtime. Without either, the constructor throws `InvalidArgumentError`.
   */
  readonly crypto?: ReceiptCrypto;
  /** Codec asked of the service. Default `'auto'`. */
  readonly codec?: VideoCodecChoice;
  /** Total deadline for the render, retries and waits included. Default 120 s. */
  readonly timeoutMs?: number;
  /** Retry policy. */
  readonly retry?: RemoteRetryOptions;
  /** The largest video accepted; a bigger answer is discarded. Default 64 MiB. */
  readonly maxResponseBytes?: number;
  /** Source of jitter, 0 ≤ x < 1. Default `Math.random`. */
  readonly random?: () => number;
}

const maxProblemBytes = 16_384;

/** Lowercase hex of a digest, as the receipt's claims spell hashes. */
function hex(digest: Uint8Array): string {
  let out = '';
  for (const byte of digest) out += byte.toString(16).padStart(2, '0');
  return out;
}
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A failure of one attempt, before deciding whether to retry. */
class AttemptFailure {
  constructor(
    readonly failure: RenderServiceFailure,
    readonly retryable: boolean,
    readonly extra: { status?: number; problemCode?: string; reason?: string; retryAfterMs?: number; cause?: unknown },
  ) {}
}

function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d{1,6}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function containerOf(mediaType: string): { container: VideoContainer; codec: EncodedVideoCodec } | undefined {
  const type = mediaType.split(';')[0]!.trim().toLowerCase();
  if (type === 'video/mp4') return { container: 'mp4', codec: 'avc' };
  if (type === 'video/webm') return { container: 'webm', codec: 'vp9' };
  return undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Read a body into one buffer the client owns, refusing more than `max` bytes. Every chunk the
 * platform hands over is zero-filled once copied, and the buffer is zero-filled on any failure,
 * so a refused or broken answer leaves nothing readable behind.
 */
async function readBounded(response: Response, max: number): Promise<Uint8Array> {
  // A compressed answer's Content-Length counts compressed bytes, not the ones read here.
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const declared = encoded ? Number.NaN : Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw new AttemptFailure('too-large', false, { status: response.status, reason: `declared ${declared} bytes` });
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  let buffer = new Uint8Array(Number.isInteger(declared) && declared > 0 ? declared : 65_536);
  let length = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new AttemptFailure('network', true, { status: response.status, reason: 'the answer broke off', cause: error });
      }
      if (chunk.done) break;
      const value = chunk.value;
      if (length + value.length > max) {
        value.fill(0);
        await reader.cancel().catch(() => undefined);
        throw new AttemptFailure('too-large', false, { status: response.status, reason: `more than ${max} bytes` });
      }
      if (length + value.length > buffer.length) {
        const grown = new Uint8Array(Math.min(max, Math.max(buffer.length * 2, length + value.length)));
        grown.set(buffer.subarray(0, length));
        buffer.fill(0);
        buffer = grown;
      }
      buffer.set(value, length);
      length += value.length;
      value.fill(0);
    }
    if (Number.isInteger(declared) && declared >= 0 && length !== declared) {
      throw new AttemptFailure('network', true, { status: response.status, reason: 'the answer ended early' });
    }
    if (length === buffer.length) return buffer;
    const exact = buffer.slice(0, length);
    buffer.fill(0);
    return exact;
  } catch (error) {
    buffer.fill(0);
    throw error;
  }
}

/**
 * Renders through a remote service that keeps nothing (P5). Only the aligned face crop leaves the
 * device, re-encoded from pixels as a bare PNG (no EXIF, no file name, nothing else of the photo),
 * with the template id and codec; no cookies, no identifiers beyond a random `Idempotency-Key`
 * shared by the retries of one render.
 *
 * The service's answer is accepted only with a deletion receipt signed by a pinned key, naming the
 * SHA-256 of the crop that was sent and of the video that came back. Anything else — an error, a
 * redirect (never followed), a bad or foreign receipt, a broken or oversized body — is wiped,
 * discarded and raised as {@link RenderServiceError}. The verified receipt travels with the video
 * into the generation's result (`GeneratedVideo.deletionReceipt`).
 *
 * `generateVideo` requires a consent record for `'remote-service'` that names this renderer's
 * origin ({@link RemoteRenderer.remoteOrigin}).
 *
 * @public
 */
export class RemoteRenderer implements Renderer {
  /** The service's origin, which the consent record must name. */
  readonly remoteOrigin: string;
  readonly #url: URL;
  readonly #options: RemoteRendererOptions;
  readonly #keys: readonly ReceiptPublicKey[];
  readonly #crypto: ReceiptCrypto;

  constructor(options: RemoteRendererOptions) {
    let url: URL;
    try {
      url = new URL(String(options?.endpoint));
    } catch {
      throw new InvalidArgumentError('RemoteRenderer: endpoint must be an absolute URL.');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
      throw new InvalidArgumentError('RemoteRenderer: endpoint must use https: (plain http: only on loopback).');
    }
    if (url.username || url.password || url.search || url.hash) {
      throw new InvalidArgumentError('RemoteRenderer: endpoint must not carry credentials, a query or a fragment.');
    }
    if (typeof options.apiKey !== 'string' || !/^[\x21-\x7e]{16,256}$/.test(options.apiKey)) {
      throw new InvalidArgumentError('RemoteRenderer: apiKey must be 16–256 visible ASCII characters.');
    }
    const keys = Array.isArray(options.receiptKeys) ? options.receiptKeys : [];
    if (keys.length === 0 || !keys.every((k) => receiptPublicKeySchema.safeParse(k).success)) {
      throw new InvalidArgumentError('RemoteRenderer: receiptKeys must hold at least one Ed25519 public JWK with a kid.');
    }
    this.#crypto = resolveReceiptCrypto(options, 'RemoteRenderer');
    if (typeof (globalThis as { crypto?: Crypto }).crypto?.getRandomValues !== 'function') {
      // The Idempotency-Key is random; without a source the first render would fail untyped.
      throw new InvalidArgumentError(
        'RemoteRenderer: this runtime has no `crypto.getRandomValues` (on React Native, install react-native-get-random-values and import it first).',
      );
    }
    this.#url = new URL(`${url.href.replace(/\/$/, '')}${renderPath}`);
    this.remoteOrigin = url.origin;
    this.#options = options;
    this.#keys = keys;
  }

  async render(job: RenderJob, scope: EphemeralScope): Promise<RenderedVideo> {
    const options = this.#options;
    const remote = scope.child('remote');
    const crop = remote.hold(alignedFaceCrop(job.photo, job.landmarks, cropSize), {
      kind: 'aligned-face',
      label: 'remote.crop.pixels',
    });
    const png = remote.hold(encodeCropPng(crop.value, cropSize, cropSize), { kind: 'aligned-face', label: 'remote.crop.png' });
    crop.purge();
    const inputSha256 = hex(await this.#crypto.sha256(png.value));
    const idempotencyKey = base64UrlEncode(globalThis.crypto.getRandomValues(new Uint8Array(18)));
    const url = new URL(this.#url);
    url.searchParams.set('template', job.template.id);
    url.searchParams.set('codec', options.codec ?? 'auto');

    const deadline = new AbortController();
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => deadline.abort(new DeadlinePassed()), timeoutMs);
    const onAbort = () => deadline.abort(job.signal!.reason);
    if (job.signal?.aborted) onAbort();
    job.signal?.addEventListener('abort', onAbort, { once: true });
    const started = Date.now();
    const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 3);
    let attempts = 0;
    try {
      for (;;) {
        attempts++;
        try {
          job.onProgress?.(0);
          const video = await this.#attempt(job, url, png.value, { inputSha256, idempotencyKey }, deadline.signal, remote);
          png.purge();
          job.onProgress?.(1);
          return video;
        } catch (error) {
          if (job.signal?.aborted) throw new AbortedError(job.signal.reason);
          if (deadline.signal.aborted) {
            throw new RenderServiceError('timeout', { retryable: true, attempts, reason: `no answer within ${timeoutMs} ms` });
          }
          if (!(error instanceof AttemptFailure)) throw error;
          const delay = this.#retryDelay(error, attempts, maxAttempts, started + timeoutMs);
          if (delay === undefined) {
            throw new RenderServiceError(
              error.failure,
              {
                retryable: error.retryable,
                attempts,
                ...(error.extra.status === undefined ? {} : { status: error.extra.status }),
                ...(error.extra.problemCode === undefined ? {} : { problemCode: error.extra.problemCode }),
                ...(error.extra.reason === undefined ? {} : { reason: error.extra.reason }),
              },
              error.extra.cause === undefined ? undefined : { cause: error.extra.cause },
            );
          }
          try {
            await sleep(delay, deadline.signal);
          } catch {
            if (job.signal?.aborted) throw new AbortedError(job.signal.reason);
            throw new RenderServiceError('timeout', { retryable: true, attempts, reason: `no answer within ${timeoutMs} ms` });
          }
        }
      }
    } finally {
      clearTimeout(timer);
      job.signal?.removeEventListener('abort', onAbort);
      // Whatever happened, the crop is gone once the render is over; a returned video stays held.
      png.purge();
    }
  }

  /** Milliseconds to wait before the next attempt, or `undefined` to give up. */
  #retryDelay(failure: AttemptFailure, attempts: number, maxAttempts: number, deadlineAt: number): number | undefined {
    if (!failure.retryable || attempts >= maxAttempts) return undefined;
    const base = this.#options.retry?.baseDelayMs ?? 250;
    const cap = this.#options.retry?.maxDelayMs ?? 5_000;
    const jitter = (this.#options.random ?? Math.random)() * Math.min(cap, base * 2 ** (attempts - 1));
    const delay = Math.max(failure.extra.retryAfterMs ?? 0, jitter);
    // A wait that would end past the deadline cannot lead to an answer in time.
    return Date.now() + delay >= deadlineAt ? undefined : delay;
  }

  async #attempt(
    job: RenderJob,
    url: URL,
    body: Uint8Array,
    expected: { inputSha256: string; idempotencyKey: string },
    signal: AbortSignal,
    remote: EphemeralScope,
  ): Promise<RenderedVideo> {
    const fetchImpl = this.#options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#options.apiKey}`,
          'idempotency-key': expected.idempotencyKey,
          'content-type': cropMediaType,
          accept: 'video/mp4, video/webm, application/problem+json',
        },
        body: body as Uint8Array<ArrayBuffer>,
        // A redirect could carry the crop to another origin: never followed, always an error.
        redirect: 'manual',
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new AttemptFailure('network', true, { reason: 'the connection failed', cause: error });
    }
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw new AttemptFailure('redirect', false, { status: response.status, reason: 'redirects are not followed' });
    }
    if (!response.ok) throw await this.#problem(response);

    const media = containerOf(response.headers.get('content-type') ?? '');
    const jws = response.headers.get(receiptHeader);
    if (!media || jws === null) {
      await response.body?.cancel().catch(() => undefined);
      throw new AttemptFailure(media ? 'receipt-invalid' : 'response-invalid', false, {
        status: response.status,
        reason: media ? 'no deletion receipt' : 'not a video/mp4 or video/webm answer',
      });
    }
    const maxBytes = this.#options.maxResponseBytes ?? 64 * 1024 * 1024;
    const bytes = await readBounded(response, maxBytes);
    // Held before any check, so that a refused video is wiped by its handle like everything else.
    const video = remote.hold(bytes, { kind: 'video', label: 'remote.video' });
    try {
      const receipt = await this.#verifyReceipt(jws, expected, job.template.id, video);
      const { template } = job;
      return {
        bytes: video,
        container: media.container,
        codec: media.codec,
        mimeType: response.headers.get('content-type')!,
        width: template.width,
        height: template.height,
        fps: template.fps,
        frameCount: template.frameCount,
        durationSec: template.frameCount / template.fps,
        deletionReceipt: receipt,
      };
    } catch (error) {
      video.purge();
      throw error;
    }
  }

  async #verifyReceipt(
    jws: string,
    expected: { inputSha256: string; idempotencyKey: string },
    templateId: string,
    video: EphemeralHandle<Uint8Array>,
  ): Promise<VerifiedDeletionReceipt> {
    const refuse = (reason: string) => new AttemptFailure('receipt-invalid', false, { status: 200, reason });
    const checked = await verifyDeletionReceipt(jws, this.#keys, this.#crypto);
    if (!checked.ok) throw refuse(`receipt ${checked.problem}`);
    const claims = checked.receipt.payload;
    if (claims.input.sha256 !== expected.inputSha256) throw refuse('receipt is for another input');
    if (claims.idempotencyKey !== expected.idempotencyKey) throw refuse('receipt is for another request');
    if (claims.templateId !== templateId || claims.outcome !== 'rendered' || claims.output === null) {
      throw refuse('receipt does not describe this render');
    }
    if (claims.output.bytes !== video.value.length || claims.output.sha256 !== hex(await this.#crypto.sha256(video.value))) {
      throw refuse('receipt is for another output');
    }
    const input = claims.held.find((h) => h.kind === 'input');
    if (!input || input.phase !== 'before-response' || input.wipedAt === null) {
      throw refuse('receipt does not show the input wiped');
    }
    return checked.receipt;
  }

  /** Turn an error answer into an attempt failure, trusting only its well-formed problem code. */
  async #problem(response: Response): Promise<AttemptFailure> {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    const byStatus = response.status === 429 || response.status >= 500;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readBounded(response, maxProblemBytes);
    } catch (error) {
      if (error instanceof AttemptFailure && error.failure === 'network') throw error;
    }
    let problem: ReturnType<typeof problemSchema.safeParse> | undefined;
    if (bytes && (response.headers.get('content-type') ?? '').startsWith('application/problem+json')) {
      try {
        problem = problemSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
      } catch {
        problem = undefined;
      }
    }
    bytes?.fill(0);
    const parsed = problem?.success ? problem.data : undefined;
    return new AttemptFailure('http', parsed?.retryable ?? byStatus, {
      status: response.status,
      ...(parsed ? { problemCode: parsed.code } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
}

/** The reason the deadline controller aborts with. */
class DeadlinePassed extends Error {
  constructor() {
    super('The remote render deadline passed.');
    this.name = 'DeadlinePassed';
  }
}
