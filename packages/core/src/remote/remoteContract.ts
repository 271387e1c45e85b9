import { z } from 'zod';

/**
 * The render route: `POST` the aligned face crop as the body (`image/png`), with the template id
 * and options in the query. One request renders and returns the video; nothing is stored.
 *
 * @public
 */
export const renderPath = '/v1/renders';

/** The route that publishes the receipt-signing public keys (a JWK Set). @public */
export const jwksPath = '/.well-known/jwks.json';

/**
 * The response header that carries the deletion receipt, a compact JWS (the body stays the bare
 * video, so the client never turns video bytes into a string it could not wipe).
 *
 * @public
 */
export const receiptHeader = 'Vopop-Deletion-Receipt';

/** The only request media type: the crop, re-encoded from pixels as PNG. @public */
export const cropMediaType = 'image/png';

/** The side of the square face crop the client sends, in pixels. @public */
export const cropSize = 512;

/**
 * Query parameters of the render route.
 *
 * @public
 */
export const renderQuerySchema = z
  .object({
    template: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
      .describe('A built-in template id known to the service.'),
    codec: z.enum(['auto', 'avc', 'vp9']).default('auto').describe('Video codec; `auto` prefers H.264 in MP4.'),
  })
  .strict();

/**
 * The render query as sent.
 *
 * @public
 */
export type RenderQuery = z.input<typeof renderQuerySchema>;

/**
 * Request headers of the render route. No cookies, no device or user identifiers: the
 * `Idempotency-Key` is random per attempt family, shared by the retries of one render only.
 *
 * @public
 */
export const renderHeadersSchema = z.object({
  authorization: z.string().regex(/^Bearer [\x21-\x7e]{16,256}$/).describe('`Bearer <api key>`.'),
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/)
    .describe('Random per render; the same on each retry of it (draft-ietf-httpapi-idempotency-key-header).'),
  'content-type': z.literal(cropMediaType),
});

/**
 * Stable problem codes, their HTTP status and whether a retry may succeed. A code is never
 * reused for a different meaning.
 *
 * @public
 */
export const problemCodes = {
  invalid_request: { status: 400, retryable: false, title: 'The request does not match the contract' },
  unauthorized: { status: 401, retryable: false, title: 'An API key is required' },
  forbidden: { status: 403, retryable: false, title: 'The API key is not accepted' },
  template_not_found: { status: 404, retryable: false, title: 'No such template' },
  payload_too_large: { status: 413, retryable: false, title: 'The crop is too large' },
  unsupported_media_type: { status: 415, retryable: false, title: 'The body must be an image/png crop' },
  invalid_image: { status: 422, retryable: false, title: 'The crop could not be decoded or exceeds the pixel limit' },
  no_face: { status: 422, retryable: false, title: 'No face was found in the crop' },
  multiple_faces: { status: 422, retryable: false, title: 'More than one face was found in the crop' },
  face_too_small: { status: 422, retryable: false, title: 'The face in the crop is too small' },
  pose_out_of_range: { status: 422, retryable: false, title: 'The head is turned too far' },
  rate_limited: { status: 429, retryable: true, title: 'Too many requests for this API key' },
  internal: { status: 500, retryable: true, title: 'The render failed' },
  unavailable: { status: 503, retryable: true, title: 'The service is at capacity or shutting down' },
  timeout: { status: 503, retryable: true, title: 'The render did not finish in time' },
} as const;

/**
 * One of the {@link problemCodes}.
 *
 * @public
 */
export type ProblemCode = keyof typeof problemCodes;

/**
 * An error answer: RFC 9457 problem details (`application/problem+json`) with the stable `code`
 * and `retryable` members. 429 and 503 also carry a `Retry-After` header (seconds).
 *
 * @public
 */
export const problemSchema = z.object({
  type: z.string().describe('`urn:vopop:problem:<code>`.'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  code: z.string().regex(/^[a-z_]{1,40}$/),
  retryable: z.boolean(),
  retryAfterSeconds: z.number().int().min(0).optional(),
});

/**
 * A parsed problem answer.
 *
 * @public
 */
export type Problem = z.infer<typeof problemSchema>;

/**
 * Build the problem body for a code.
 *
 * @public
 */
export function problemFor(code: ProblemCode, detail?: string, retryAfterSeconds?: number): Problem {
  const entry = problemCodes[code];
  return {
    type: `urn:vopop:problem:${code}`,
    title: entry.title,
    status: entry.status,
    ...(detail === undefined ? {} : { detail }),
    code,
    retryable: entry.retryable,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const isoTime = z.iso.datetime({ offset: true });

/**
 * What a service held while rendering: the input crop, its decoded pixels, the face mesh, the
 * frames, and the output video.
 *
 * @public
 */
export const heldArtifactKinds = ['input', 'decoded-pixels', 'mesh', 'frames', 'output'] as const;

/**
 * One thing the service held and how it was destroyed.
 *
 * @public
 */
export const heldArtifactSchema = z
  .object({
    kind: z.enum(heldArtifactKinds),
    location: z.enum(['memory', 'tmpfs', 'disk']),
    bytes: z.number().int().min(0),
    method: z.string().min(1).max(40).describe('How it was destroyed, e.g. `zero-fill`.'),
    wipedAt: isoTime.nullable().describe('When; null for the output, wiped after the response is written.'),
    phase: z.enum(['before-response', 'after-response']),
    verified: z.boolean().nullable().describe('Whether a re-read after the wipe saw only zeros.'),
  })
  .strict();

/**
 * Reserved for confidential-computing evidence (a TEE report over a client nonce, the image
 * digest). The reference server sends `null`.
 *
 * @public
 */
export const attestationSchema = z
  .object({
    type: z.string().min(1).max(40),
    report: z.string().max(65536),
    nonce: z.string().max(256).optional(),
    imageDigest: z.string().max(256).optional(),
  })
  .strict()
  .nullable();

/**
 * The signed claims of a deletion receipt (the JWS payload).
 *
 * @public
 */
export const deletionReceiptPayloadSchema = z
  .object({
    typ: z.literal('vopop-deletion-receipt'),
    version: z.literal(1),
    idempotencyKey: z.string().min(1).max(64),
    templateId: z.string().min(1).max(64),
    input: z.object({ sha256: sha256Hex, bytes: z.number().int().min(0), mediaType: z.string().max(100) }).strict(),
    output: z
      .object({ sha256: sha256Hex, bytes: z.number().int().min(0), mediaType: z.string().max(100) })
      .strict()
      .nullable()
      .describe('Null when the render failed.'),
    outcome: z.enum(['rendered', 'failed']),
    receivedAt: isoTime,
    completedAt: isoTime,
    held: z.array(heldArtifactSchema).max(16),
    retentionPolicyVersion: z.string().min(1).max(64),
    buildId: z.string().min(1).max(128),
    attestation: attestationSchema,
  })
  .strict();

/**
 * The claims of a deletion receipt.
 *
 * @public
 */
export type DeletionReceiptPayload = z.infer<typeof deletionReceiptPayloadSchema>;

/**
 * One public Ed25519 key of the service (RFC 8037 OKP JWK), as published at {@link jwksPath}
 * and pinned by clients.
 *
 * @public
 */
export const receiptPublicKeySchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    kid: z.string().min(1).max(64),
    alg: z.literal('EdDSA').optional(),
    use: z.literal('sig').optional(),
  })
  .loose();

/**
 * A pinned receipt-signing public key.
 *
 * @public
 */
export type ReceiptPublicKey = z.infer<typeof receiptPublicKeySchema>;

/**
 * The JWK Set at {@link jwksPath}.
 *
 * @public
 */
export const jwksSchema = z.object({ keys: z.array(receiptPublicKeySchema) });

/**
 * `GET /health` and `GET /ready` answers.
 *
 * @public
 */
export const healthSchema = z.object({ status: z.enum(['ok', 'ready', 'not-ready']) });
