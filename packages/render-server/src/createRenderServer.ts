import { timingSafeEqual, createHash } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { EphemeralHandle, FacePolicy, ProblemCode, Template, VopopPlatform } from '@vopop/core';
import {
  builtInTemplates,
  cropMediaType,
  healthSchema,
  isVopopError,
  jwksPath,
  jwksSchema,
  problemFor,
  receiptHeader,
  remoteOpenApiDocument,
  renderHeadersSchema,
  renderPath,
  renderQuerySchema,
} from '@vopop/core';
import { Admission } from './admission';
import { RateLimiter } from './rateLimiter';
import { readBody } from './readBody';
import type { ReceiptSigner } from './receiptSigner';
import type { RenderServerCorsOptions } from './renderServerCors';
import { renderServerCors } from './renderServerCors';
import { renderJob } from './renderJob';
import type { TelemetryAggregateStore } from './telemetryAggregateStore';
import { telemetryIngestRoutes } from './telemetryIngest';

/**
 * One line of the server's log. It carries counts, codes and times only: never a payload, an
 * API key, an idempotency key or a hash of the input.
 *
 * @public
 */
export interface RenderServerLogEvent {
  readonly event: 'render' | 'refused' | 'output-wiped' | 'shutdown';
  /** The API key's configured name (not the key). */
  readonly client?: string;
  readonly status?: number;
  readonly code?: ProblemCode;
  readonly durationMs?: number;
  readonly inputBytes?: number;
  readonly outputBytes?: number;
  /** Handles the job's scope purged, and how many of them were wiped and verified. */
  readonly purged?: { readonly handles: number; readonly wiped: number; readonly verified: number; readonly failed: number };
  /** At shutdown: jobs aborted and purged. */
  readonly abortedJobs?: number;
}

/**
 * Configuration of {@link createRenderServer}.
 *
 * @public
 */
export interface RenderServerOptions {
  /** Decoder, detector and renderer: the Node adapter's platform in production. */
  readonly platform: VopopPlatform;
  /** Signs the deletion receipts. */
  readonly signer: ReceiptSigner;
  /** Accepted API keys, each mapped to a name used for rate limits and logs. */
  readonly apiKeys: Readonly<Record<string, string>>;
  /** Templates the service renders. Default: the built-in ones. */
  readonly templates?: readonly Template[];
  /** Jobs rendering at once. Default 2. */
  readonly maxConcurrent?: number;
  /** Requests allowed to wait for a slot. Default 8. */
  readonly maxWaiting?: number;
  /** How long a request may wait for a slot before a 503. Default 10 s. */
  readonly maxWaitMs?: number;
  /** Per-key rate limit. Default 60 per minute, bursts of 10. */
  readonly rateLimit?: { readonly perMinute: number; readonly burst: number };
  /** Largest accepted crop, in bytes. Default 2 MiB. */
  readonly maxBodyBytes?: number;
  /** Largest accepted crop, in pixels and per side. Default 1024×1024. */
  readonly maxPixels?: number;
  readonly maxDimension?: number;
  /** A render running longer is aborted (purged) and answered 503 `timeout`. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** Which face to use in the crop. Default: the largest. */
  readonly facePolicy?: FacePolicy;
  /** Named in every receipt. Default `'retain-nothing/1'`. */
  readonly retentionPolicyVersion?: string;
  /** Named in every receipt: the deployed build. Default `'dev'`. */
  readonly buildId?: string;
  /** Where log events go. Default: nowhere. */
  readonly log?: (event: RenderServerLogEvent) => void;
  /** When given, the anonymous telemetry ingest (`POST /v1/telemetry`) stores into it (k-thresholded). */
  readonly telemetry?: TelemetryAggregateStore;
  /** Web apps allowed to call the service from a browser (CORS). Default: none. */
  readonly cors?: RenderServerCorsOptions;
}

/**
 * A render server: a Web-standard `fetch` handler plus its lifecycle.
 *
 * @public
 */
export interface RenderServer {
  /** The Hono application (routes typed by `@hono/zod-openapi`). */
  readonly app: OpenAPIHono<RenderServerEnv>;
  /** Whether new renders are accepted. */
  readonly ready: boolean;
  /** Jobs rendering now. */
  readonly inFlight: number;
  /**
   * Refuse new renders (503), give running ones `graceMs` to finish, then abort the rest, which
   * purges their scopes. Resolves once no job holds anything.
   */
  drain(graceMs: number): Promise<void>;
}

/**
 * The server's Hono environment: Node's request and response, and the caller's key name once
 * authenticated.
 *
 * @public
 */
export type RenderServerEnv = { Bindings: HttpBindings; Variables: { client: string } };

const problemHeaders = { 'content-type': 'application/problem+json', 'cache-control': 'no-store' };

function problemResponse(code: ProblemCode, detail?: string, retryAfterSeconds?: number, receipt?: string): Response {
  const problem = problemFor(code, detail, retryAfterSeconds);
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: {
      ...problemHeaders,
      ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
      ...(receipt === undefined ? {} : { [receiptHeader.toLowerCase()]: receipt }),
      ...(code === 'unauthorized' ? { 'www-authenticate': 'Bearer' } : {}),
    },
  });
}

const problemOfError: Record<string, ProblemCode> = {
  NO_FACE: 'no_face',
  MULTIPLE_FACES: 'multiple_faces',
  FACE_TOO_SMALL: 'face_too_small',
  POSE_OUT_OF_RANGE: 'pose_out_of_range',
  IMAGE_DECODE: 'invalid_image',
  IMAGE_TOO_LARGE: 'invalid_image',
};

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Build the reference render server: `POST /v1/renders` renders one crop per request and keeps
 * nothing (no job store, no queue, no files), so any HTTP load balancer scales it out;
 * `GET /health`, `GET /ready`, `GET /.well-known/jwks.json` and `GET /openapi.json`.
 *
 * Per request, in order: API key (401/403), rate limit (429), media type (415), declared size
 * (413), query and `Idempotency-Key` (400), template (404), a slot (bounded wait, else 503), the
 * body (413 past the limit), then the render in its own `EphemeralScope` with a deadline (503
 * `timeout`). Every answer after the body was read carries a signed deletion receipt.
 *
 * @public
 */
export function createRenderServer(options: RenderServerOptions): RenderServer {
  const templates = new Map((options.templates ?? builtInTemplates).map((t) => [t.id, t]));
  const admission = new Admission(options.maxConcurrent ?? 2, options.maxWaiting ?? 8, options.maxWaitMs ?? 10_000);
  const limiter = new RateLimiter(options.rateLimit?.perMinute ?? 60, options.rateLimit?.burst ?? 10);
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  const log = options.log ?? (() => undefined);
  const keys = Object.entries(options.apiKeys).map(([key, name]) => ({ digest: digest(key), name }));
  const jobs = new Set<AbortController>();
  const settled = new Set<Promise<void>>();
  let draining = false;
  const retryAfter = Math.max(1, Math.ceil((options.maxWaitMs ?? 10_000) / 1000));

  const app = new OpenAPIHono<RenderServerEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        log({ event: 'refused', code: 'invalid_request', status: 400, client: c.get('client') });
        return problemResponse('invalid_request', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
      }
      return undefined;
    },
  });
  // First, so that a preflight (which carries no API key) is answered before the key check.
  if (options.cors) app.use('*', renderServerCors(options.cors));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      responses: { 200: { description: 'Alive.', content: { 'application/json': { schema: healthSchema } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/ready',
      responses: {
        200: { description: 'Ready.', content: { 'application/json': { schema: healthSchema } } },
        503: { description: 'Not ready.', content: { 'application/json': { schema: healthSchema } } },
      },
    }),
    (c) => (draining ? c.json({ status: 'not-ready' as const }, 503) : c.json({ status: 'ready' as const }, 200)),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: jwksPath,
      responses: { 200: { description: 'Receipt-signing keys.', content: { 'application/json': { schema: jwksSchema } } } },
    }),
    (c) => c.json({ keys: [options.signer.publicKey] }, 200),
  );
  app.get('/openapi.json', (c) => c.json(remoteOpenApiDocument()));
  if (options.telemetry) app.route('/', telemetryIngestRoutes(options.telemetry));

  // Who is calling and how often, before any byte of the body is read.
  app.use(renderPath, async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([\x21-\x7e]{16,256})$/.exec(header);
    if (!match) return refuse('unauthorized');
    const given = digest(match[1]!);
    const known = keys.find((k) => timingSafeEqual(k.digest, given));
    if (!known) return refuse('forbidden');
    const wait = limiter.take(known.name);
    if (wait > 0) return refuse('rate_limited', known.name, wait);
    c.set('client', known.name);
    await next();
    return undefined;
  });

  function refuse(code: ProblemCode, client?: string, retryAfterSeconds?: number): Response {
    // Nothing was read yet: the body is discarded by the runtime, not stored.
    log({ event: 'refused', code, status: problemFor(code).status, ...(client ? { client } : {}) });
    return problemResponse(code, undefined, retryAfterSeconds);
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: renderPath,
      request: { query: renderQuerySchema },
      responses: { 200: { description: 'The video, with the deletion receipt in a header.' } },
    }),
    async (c) => {
      const client = c.get('client');
      if (draining) return refuse('unavailable', client, retryAfter);
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== cropMediaType) return refuse('unsupported_media_type', client);
      const declared = Number(c.req.header('content-length') ?? Number.NaN);
      if (declared > maxBodyBytes) return refuse('payload_too_large', client);
      const idempotencyKey = c.req.header('idempotency-key') ?? '';
      if (!renderHeadersSchema.shape['idempotency-key'].safeParse(idempotencyKey).success) return refuse('invalid_request', client);
      const query = c.req.valid('query');
      const template = templates.get(query.template);
      if (!template) return refuse('template_not_found', client);

      const job = new AbortController();
      const disconnected = () => job.abort(new Error('client disconnected'));
      c.env?.outgoing?.once('close', () => {
        if (!c.env.outgoing.writableFinished) disconnected();
      });
      const release = await admission.enter(job.signal);
      if (!release) return refuse('unavailable', client, retryAfter);
      jobs.add(job);
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      settled.add(finished);
      const started = Date.now();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        job.abort(new Error('render timeout'));
      }, options.requestTimeoutMs ?? 60_000);
      try {
        const crop = await readBody(c.req.raw.body, maxBodyBytes, declared).catch(() => undefined);
        if (!crop) return refuse(job.signal.aborted ? 'unavailable' : 'payload_too_large', client);
        const outcome = await renderJob(
          { crop, template, codec: query.codec, idempotencyKey, signal: job.signal },
          options.platform,
          { maxPixels: options.maxPixels ?? 1024 * 1024, maxDimension: options.maxDimension ?? 1024, ...(options.facePolicy ? { facePolicy: options.facePolicy } : {}) },
        );
        const jws = await options.signer.sign({
          ...outcome.claims,
          retentionPolicyVersion: options.retentionPolicyVersion ?? 'retain-nothing/1',
          buildId: options.buildId ?? 'dev',
          attestation: null,
        });
        const totals = outcome.purge.totals;
        const entry = {
          event: 'render' as const,
          client,
          durationMs: Date.now() - started,
          inputBytes: outcome.claims.input.bytes,
          purged: { handles: totals.handles, wiped: totals.wiped, verified: totals.verified, failed: totals.failed },
        };
        if (!outcome.video) {
          const error = outcome.error;
          const code: ProblemCode =
            isVopopError(error) && problemOfError[error.code]
              ? problemOfError[error.code]!
              : job.signal.aborted
                ? timedOut
                  ? 'timeout'
                  : 'unavailable'
                : 'internal';
          log({ ...entry, status: problemFor(code).status, code });
          const retryable = code === 'timeout' || code === 'unavailable';
          return problemResponse(code, undefined, retryable ? retryAfter : undefined, jws);
        }
        const { handle, mediaType } = outcome.video;
        log({ ...entry, status: 200, outputBytes: handle.value.byteLength });
        return sendVideo(c, handle, mediaType, jws, client);
      } finally {
        clearTimeout(timer);
        release();
        jobs.delete(job);
        done();
        settled.delete(finished);
      }
    },
  );

  /**
   * Write the video and wipe it once the socket has taken it. Through Node's response the buffer
   * is written as is (no copy) and zero-filled in `end`'s callback; elsewhere the runtime copies
   * it into the Response and the handle is wiped at once.
   */
  function sendVideo(
    c: Context<RenderServerEnv>,
    handle: EphemeralHandle<Uint8Array>,
    mediaType: string,
    jws: string,
    client: string,
  ): Response {
    const headers = { 'content-type': mediaType, 'cache-control': 'no-store', [receiptHeader.toLowerCase()]: jws };
    const bytes = handle.value;
    const wipe = () => {
      if (!handle.isLive) return;
      const record = handle.purge();
      log({ event: 'output-wiped', client, outputBytes: record.bytes });
    };
    const outgoing = c.env?.outgoing;
    if (!outgoing) {
      const response = new Response(bytes.slice(), { status: 200, headers });
      wipe();
      return response;
    }
    outgoing.once('close', wipe);
    outgoing.writeHead(200, { ...headers, 'content-length': String(bytes.byteLength) });
    outgoing.end(bytes, wipe);
    return RESPONSE_ALREADY_SENT;
  }

  return {
    app,
    get ready() {
      return !draining;
    },
    get inFlight() {
      return jobs.size;
    },
    async drain(graceMs: number) {
      draining = true;
      const pending = Promise.all([...settled]);
      const graceOver = new Promise<'grace-over'>((resolve) => setTimeout(() => resolve('grace-over'), graceMs).unref?.());
      const abortedJobs = (await Promise.race([pending, graceOver])) === 'grace-over' ? jobs.size : 0;
      for (const job of jobs) job.abort(new Error('shutting down'));
      await Promise.all([...settled]);
      log({ event: 'shutdown', abortedJobs });
    },
  };
}
