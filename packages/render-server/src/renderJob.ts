import type { DeletionReceiptPayload, EphemeralHandle, FacePolicy, PurgeReceipt, Template, VideoCodecChoice, VopopPlatform } from '@vopop/core';
import { createHash } from 'node:crypto';
import { EphemeralScope, selectFace } from '@vopop/core';

/**
 * SHA-256 through Node's hash, which reads the bytes where they lie on this thread. WebCrypto's
 * `digest` hands a copy of its input to the thread pool, and that copy is freed unwiped.
 */
function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * One render's input, already read into a buffer the job owns.
 *
 * @public
 */
export interface RenderJobInput {
  /** The crop's PNG bytes; zero-filled when the job ends, whatever the outcome. */
  readonly crop: Uint8Array;
  readonly template: Template;
  readonly codec: VideoCodecChoice;
  readonly idempotencyKey: string;
  /** Aborted on timeout, on client disconnect and at shutdown: the job's scope is purged at once. */
  readonly signal: AbortSignal;
}

/**
 * Limits on the crop's pixels and the face policy in the crop.
 *
 * @public
 */
export interface RenderJobLimits {
  readonly maxPixels: number;
  readonly maxDimension: number;
  readonly facePolicy?: FacePolicy;
}

/**
 * What a finished job hands back: the receipt claims (unsigned) and, on success, the video, held
 * by its own handle until the response is written.
 *
 * @public
 */
export interface RenderJobOutcome {
  readonly claims: Omit<DeletionReceiptPayload, 'retentionPolicyVersion' | 'buildId' | 'attestation'>;
  readonly video?: { readonly handle: EphemeralHandle<Uint8Array>; readonly mediaType: string };
  /** The job's purge receipt (counts only; for logs and tests). */
  readonly purge: PurgeReceipt;
  /** Why the job failed, when it did. */
  readonly error?: unknown;
}

type HeldKind = DeletionReceiptPayload['held'][number]['kind'];

const heldKindOf: Record<string, HeldKind> = {
  'photo-bytes': 'input',
  pixels: 'decoded-pixels',
  tensor: 'decoded-pixels',
  buffer: 'decoded-pixels',
  'image-bitmap': 'decoded-pixels',
  landmarks: 'mesh',
  'face-transform': 'mesh',
  'aligned-face': 'frames',
  frame: 'frames',
  'video-frame': 'frames',
  canvas: 'frames',
  'temp-file': 'frames',
  video: 'output',
};

/** Summarise the job's purge receipt as the receipt's `held` list, one line per artifact kind. */
function heldFrom(purge: PurgeReceipt, wipedAt: string, outputBytes: number | undefined): DeletionReceiptPayload['held'] {
  const lines = new Map<HeldKind, { bytes: number; methods: Set<string>; verified: boolean | null; disk: boolean }>();
  for (const record of purge.records) {
    const kind = heldKindOf[record.kind] ?? 'frames';
    if (record.outcome === 'moved') continue;
    const line = lines.get(kind) ?? { bytes: 0, methods: new Set<string>(), verified: true, disk: false };
    line.bytes += record.bytes;
    line.methods.add(record.outcome === 'failed' ? 'failed' : record.method);
    line.disk ||= record.kind === 'temp-file';
    line.verified = record.verified === null || line.verified === null ? null : line.verified && record.verified;
    lines.set(kind, line);
  }
  const held: DeletionReceiptPayload['held'] = [...lines].map(([kind, line]) => ({
    kind,
    location: line.disk ? 'disk' : 'memory',
    bytes: line.bytes,
    method: [...line.methods].sort().join('+').slice(0, 40),
    wipedAt,
    phase: 'before-response',
    verified: line.verified,
  }));
  if (outputBytes !== undefined) {
    held.push({ kind: 'output', location: 'memory', bytes: outputBytes, method: 'zero-fill', wipedAt: null, phase: 'after-response', verified: null });
  }
  return held;
}

/**
 * Render one crop with the same pipeline as on a device — decode (PNG, in TypeScript over
 * buffers the job owns), detect, select the face, render with the platform's `LocalRenderer` —
 * inside its own `EphemeralScope`, purged on every path before anything is answered. Only the
 * video leaves the scope, moved to the caller, who wipes it once written.
 *
 * @public
 */
export async function renderJob(
  input: RenderJobInput,
  platform: VopopPlatform,
  limits: RenderJobLimits,
): Promise<RenderJobOutcome> {
  const receivedAt = new Date().toISOString();
  const inputSha256 = sha256Hex(input.crop);
  const scope = new EphemeralScope({
    label: 'job',
    signal: input.signal,
    ...(platform.wipers ? { wipers: platform.wipers } : {}),
  });
  let video: EphemeralHandle<Uint8Array> | undefined;
  let mediaType = '';
  let outputSha256 = '';
  let error: unknown;
  try {
    const crop = scope.hold(input.crop, { kind: 'photo-bytes', label: 'job.input' });
    const image = await platform.decoder.decode(crop.value, scope, {
      limits: { maxPixels: limits.maxPixels, maxDimension: limits.maxDimension, maxBytes: input.crop.byteLength },
      signal: input.signal,
    });
    const faces = await platform.detector.detect(image, scope, { signal: input.signal });
    const face = selectFace(faces, limits.facePolicy ?? { multiple: 'largest' });
    const encoded = await platform.renderer.render(
      { photo: image, landmarks: face.value, template: input.template, signal: input.signal },
      scope,
    );
    outputSha256 = sha256Hex(encoded.bytes.value);
    mediaType = encoded.mimeType.split(';')[0]!.trim();
    video = encoded.bytes.move();
  } catch (caught) {
    error = caught;
  }
  let purge: PurgeReceipt;
  try {
    purge = scope.purge();
  } catch (caught) {
    purge = scope.receipt!;
    error ??= caught;
  }
  if (error !== undefined) {
    video?.purge();
    video = undefined;
  }
  const completedAt = new Date().toISOString();
  const claims: RenderJobOutcome['claims'] = {
    typ: 'vopop-deletion-receipt',
    version: 1,
    idempotencyKey: input.idempotencyKey,
    templateId: input.template.id,
    input: { sha256: inputSha256, bytes: input.crop.byteLength, mediaType: 'image/png' },
    output: video ? { sha256: outputSha256, bytes: video.value.byteLength, mediaType } : null,
    outcome: video ? 'rendered' : 'failed',
    receivedAt,
    completedAt,
    held: heldFrom(purge, completedAt, video?.value.byteLength),
  };
  return {
    claims,
    purge,
    ...(video ? { video: { handle: video, mediaType } } : {}),
    ...(error === undefined ? {} : { error }),
  };
}
