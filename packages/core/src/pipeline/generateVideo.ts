import { z } from 'zod';
import type { FaceDetector } from '../ports/faceDetector';
import type { EncodedVideo } from '../ports/videoEncoder';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import type { EphemeralHandle } from '../purge/ephemeralHandle';
import { EphemeralScope } from '../purge/ephemeralScope';
import type { PurgeReceipt } from '../purge/purgeReceipt';
import type { WiperRegistry } from '../purge/wiperRegistry';
import { AbortedError } from '../errors/abortedError';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { FacePolicy } from '../select/facePolicy';
import { selectFace } from '../select/selectFace';
import type { ImageDecoder, DecodeLimits } from '../ports/imageDecoder';
import type { RenderedVideo, Renderer } from '../ports/renderer';
import { renderQualities } from '../render/mesh/renderQuality';
import type { RenderQuality } from '../render/mesh/renderQuality';
import type { CutoutWarning } from '../render/compositing/cutoutWarning';
import type { VerifiedDeletionReceipt } from '../remote/deletionReceipt';
import type { ConsentRecord } from '../privacy/consentRecord';
import { assertConsent } from '../privacy/consentRecord';
import type { ConsentPolicy } from '../privacy/consentPolicy';
import type { TelemetryRecorder } from '../telemetry/telemetryRecorder';
import { builtInTemplates, defaultTemplateId } from '../templates/builtInTemplates';
import { isLoadedTemplate } from '../templates/loadedTemplate';
import type { LoadedTemplate } from '../templates/loadedTemplate';
import { ensureValidTemplate, parseTemplate } from '../templates/parseTemplate';
import type { Template } from '../templates/templateSchema';
import { TemplateInvalidError } from '../errors/templateInvalidError';
import { GenerationFailedError } from '../errors/generationFailedError';
import { isVopopError } from '../errors/vopopError';
import type { GenerationProgress, GenerationStage, StageTimings } from './generationProgress';

/**
 * What a platform adapter supplies to {@link generateVideo}.
 *
 * @public
 */
export interface VopopPlatform {
  /** Photo bytes → upright RGBA. */
  readonly decoder: ImageDecoder;
  /** A detector in `'image'` mode, ready (models loaded and verified). */
  readonly detector: FaceDetector;
  /** Where frames become a video: a {@link LocalRenderer} or a rendering service. */
  readonly renderer: Renderer;
  /** Wipers for the platform's resources. Default: the default registry. */
  readonly wipers?: WiperRegistry;
  /**
   * The app's consent requirements (accepted notice versions, minimum self-declared age),
   * checked against every generation's consent before any byte of the photo is read (P8).
   */
  readonly consentPolicy?: ConsentPolicy;
}

/**
 * One generation's input.
 *
 * @public
 */
export interface GenerateVideoOptions {
  /**
   * The photo file's bytes (JPEG, PNG or WebP). The SDK takes ownership: the bytes are
   * zero-filled when the generation ends, whatever the outcome. Pass the buffer you read the file
   * into (a Node `Buffer` is a `Uint8Array`), not a copy of it: a copy leaves the original behind,
   * unwiped.
   */
  readonly photo: Uint8Array | ArrayBuffer;
  /** The person's recorded agreement (P8). Nothing is read before it is checked. */
  readonly consent: ConsentRecord;
  /**
   * A built-in template id, a template manifest (validated), or a {@link LoadedTemplate} — the
   * manifest with its files, as the platform's loader returns it; a recorded (video or image)
   * background needs the latter. Default: the default built-in.
   */
  readonly template?: string | Template | LoadedTemplate | unknown;
  /** Which face to use and which faces to refuse. */
  readonly facePolicy?: FacePolicy;
  /** Header limits for the photo. */
  readonly decodeLimits?: DecodeLimits;
  /** Cancels the generation; everything it held is purged at once. */
  readonly signal?: AbortSignal;
  /** Progress, per stage, 0…1. */
  readonly onProgress?: (progress: GenerationProgress) => void;
  /**
   * How much work the renderer spends blending the face into the template (see
   * {@link RenderQuality}): `'draft'` for slow devices and previews, `'standard'` (default), or
   * `'high'`. It changes the seam only; where the face goes and how it moves are the same.
   */
  readonly quality?: RenderQuality;
  /**
   * Called once with the purge receipt when the generation's scope has been purged, on every
   * path: success, error and abort. On success the receipt is also in the result.
   */
  readonly onPurged?: (receipt: PurgeReceipt) => void;
  /** For deterministic lifetimes in receipts (tests). */
  readonly clock?: Clock;
  /**
   * Opt-in telemetry (P7): when given and enabled, the stage durations (bucketed) and the
   * outcome code are counted on the device. Nothing about the photo is recorded.
   */
  readonly telemetry?: TelemetryRecorder;
}

/**
 * What a generation returns: the video (the one handle that leaves the generation), facts about
 * it, how long each stage took, and the receipt for everything else.
 *
 * @public
 */
export interface GeneratedVideo {
  /** The encoded video, moved to the caller. Dispose it after saving or sharing. */
  readonly video: EphemeralHandle<Uint8Array>;
  readonly container: EncodedVideo['container'];
  readonly codec: EncodedVideo['codec'];
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  readonly durationSec: number;
  /** The template that was rendered. */
  readonly templateId: string;
  /** Milliseconds per stage. */
  readonly timings: StageTimings;
  /** The purge of everything but the video (recorded there as `moved`). */
  readonly receipt: PurgeReceipt;
  /**
   * With a remote renderer: the service's deletion receipt, its signature verified against the
   * pinned keys and its input hash matched to the crop that was sent.
   */
  readonly deletionReceipt?: VerifiedDeletionReceipt;
  /**
   * What was rendered differently from what the template asked, e.g. a `head` cut-out that fell
   * back to the face cut because no person was found under the face. Absent when none.
   */
  readonly warnings?: readonly CutoutWarning[];
}

const optionsSchema = z.object({
  photo: z.custom<Uint8Array | ArrayBuffer>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer, {
    message: 'photo must be the file bytes as a Uint8Array or ArrayBuffer',
  }),
  onProgress: z.custom<(p: GenerationProgress) => void>((v) => typeof v === 'function', {
    message: 'onProgress must be a function',
  }).optional(),
  onPurged: z.custom<(r: PurgeReceipt) => void>((v) => typeof v === 'function', {
    message: 'onPurged must be a function',
  }).optional(),
  quality: z.enum(renderQualities, { message: "quality must be 'draft', 'standard' or 'high'" }).optional(),
  signal: z.custom<AbortSignal>(
    (v) => typeof v === 'object' && v !== null && typeof (v as AbortSignal).aborted === 'boolean',
    { message: 'signal must be an AbortSignal' },
  ).optional(),
});

/**
 * Resolve the template option to a validated manifest (a built-in id, a manifest, or a
 * {@link LoadedTemplate}'s manifest).
 */
export function resolveTemplate(template: unknown): Template {
  if (template === undefined) template = defaultTemplateId;
  // The loader's manifest as it is (when validated), so that the mesh track it read is found again.
  if (isLoadedTemplate(template)) return ensureValidTemplate(template.template);
  if (typeof template === 'string') {
    const found = builtInTemplates.find((t) => t.id === template);
    if (!found) {
      throw new TemplateInvalidError([
        {
          path: 'template',
          message: `no built-in template '${template.slice(0, 64)}'; choose one of ${builtInTemplates.map((t) => t.id).join(', ')}`,
        },
      ]);
    }
    return found;
  }
  return parseTemplate(template);
}

/**
 * Photo → video, then purge: decode, detect, align (select the face by the policy), render, in
 * one ephemeral scope that is purged on every path. Consent is checked before anything else.
 *
 * Errors are typed (`NoFaceError`, `ImageDecodeError`, `AbortedError`, …); whichever is thrown,
 * every handle has been wiped by then and `onPurged` has received the receipt.
 *
 * @public
 */
export async function generateVideo(options: GenerateVideoOptions, platform: VopopPlatform): Promise<GeneratedVideo> {
  // A renderer that sends the face to a service needs consent to that service, by origin.
  const remoteOrigin = platform?.renderer?.remoteOrigin;
  const consentPolicy = platform?.consentPolicy;
  if (remoteOrigin === undefined) assertConsent(options?.consent, 'on-device', undefined, consentPolicy);
  else assertConsent(options?.consent, 'remote-service', remoteOrigin, consentPolicy);
  const checked = optionsSchema.safeParse(options);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new InvalidArgumentError(`generateVideo: ${issue.path.join('.') || 'options'}: ${issue.message}`);
  }
  const clock = options.clock ?? systemClock;
  const { signal, onProgress } = options;
  const timings: Record<GenerationStage, number> = { decode: 0, detect: 0, align: 0, render: 0, purge: 0 };
  const photoBytes = options.photo instanceof Uint8Array ? options.photo : new Uint8Array(options.photo);

  const scope = new EphemeralScope({
    label: 'generation',
    clock,
    ...(signal ? { signal } : {}),
    ...(platform.wipers ? { wipers: platform.wipers } : {}),
  });
  let lastStage: GenerationStage = 'decode';
  let lastFraction = 0;
  const report = (stage: GenerationStage, fraction: number) => {
    if (!onProgress) return;
    if (stage === lastStage && fraction <= lastFraction && fraction !== 0) return;
    lastStage = stage;
    lastFraction = fraction;
    onProgress({ stage, fraction });
  };
  let currentStage: GenerationStage = 'decode';
  const timed = async <T>(stage: GenerationStage, work: () => Promise<T> | T): Promise<T> => {
    currentStage = stage;
    if (signal?.aborted) throw new AbortedError(signal.reason);
    report(stage, 0);
    const started = clock.now();
    try {
      return await work();
    } finally {
      timings[stage] += clock.now() - started;
    }
  };

  let encoded: RenderedVideo | undefined;
  let template: Template | undefined;
  const assets = isLoadedTemplate(options.template) ? options.template.assets : undefined;
  let failure: unknown;
  try {
    // The photo is personal from the first byte: held before anything else can fail. A scope
    // whose signal had already fired wipes it here and refuses it.
    const photo = scope.hold(photoBytes, { kind: 'photo-bytes', label: 'photo.bytes' });
    template = resolveTemplate(options.template);
    const image = await timed('decode', () =>
      platform.decoder.decode(photo.value, scope, {
        ...(options.decodeLimits ? { limits: options.decodeLimits } : {}),
        ...(signal ? { signal } : {}),
      }),
    );
    report('decode', 1);
    const faces = await timed('detect', () => platform.detector.detect(image, scope, signal ? { signal } : {}));
    report('detect', 1);
    const face = await timed('align', () => selectFace(faces, options.facePolicy));
    report('align', 1);
    const chosen = template;
    encoded = await timed('render', () =>
      platform.renderer.render(
        {
          photo: image,
          landmarks: face.value,
          template: chosen,
          ...(assets ? { assets } : {}),
          onProgress: (fraction) => report('render', fraction),
          ...(signal ? { signal } : {}),
          ...(options.quality ? { quality: options.quality } : {}),
        },
        scope,
      ),
    );
  } catch (error) {
    // Every error leaving a generation is typed: a port's unexpected error is wrapped, naming the
    // stage, with the original as its cause.
    failure = isVopopError(error) ? error : new GenerationFailedError(currentStage, { cause: error });
  }

  // The video leaves the scope before the purge; everything else is wiped.
  let video: EphemeralHandle<Uint8Array> | undefined;
  if (failure === undefined && encoded) {
    try {
      video = encoded.bytes.move();
    } catch (error) {
      failure = error;
    }
  }
  report('purge', 0);
  const purgeStarted = clock.now();
  let receipt: PurgeReceipt;
  try {
    receipt = scope.purge();
  } catch (error) {
    receipt = scope.receipt!;
    failure ??= error;
  }
  timings.purge = clock.now() - purgeStarted;
  options.telemetry?.recordGeneration(timings, failure);
  try {
    options.onPurged?.(receipt);
  } catch (error) {
    // The app's callback failed: nobody will receive the video, so it is wiped too.
    video?.purge();
    throw error;
  }

  if (failure !== undefined) {
    video?.purge();
    // An abort purges the scope under the running stage, which then trips over a purged handle;
    // the cause the caller needs to see is the abort.
    if (signal?.aborted && !(failure instanceof AbortedError)) throw new AbortedError(signal.reason);
    throw failure;
  }
  report('purge', 1);
  const result = encoded!;
  return {
    video: video!,
    container: result.container,
    codec: result.codec,
    mimeType: result.mimeType,
    width: result.width,
    height: result.height,
    fps: result.fps,
    frameCount: result.frameCount,
    durationSec: result.durationSec,
    templateId: template!.id,
    timings,
    receipt,
    ...(result.deletionReceipt ? { deletionReceipt: result.deletionReceipt } : {}),
    ...(result.warnings ? { warnings: result.warnings } : {}),
  };
}
