import type { VopopErrorCode } from '../errors/vopopError';
import type { GenerationStage } from '../pipeline/generationProgress';

/**
 * Every error code the SDK throws, as a runtime list: the only failure outcomes telemetry can
 * carry. The type check below fails the build when a code is added to `VopopErrorCode` and not
 * here, so the list cannot fall behind the union.
 *
 * @public
 */
export const telemetryErrorCodes = [
  'PURGED',
  'PURGE_FAILED',
  'INVALID_ARGUMENT',
  'ABORTED',
  'NO_FACE',
  'MULTIPLE_FACES',
  'FACE_TOO_SMALL',
  'POSE_OUT_OF_RANGE',
  'IMAGE_DECODE',
  'IMAGE_TOO_LARGE',
  'MODEL_INTEGRITY',
  'TEMPLATE_INVALID',
  'CONSENT_REQUIRED',
  'RENDER_FAILED',
  'ENCODER_UNAVAILABLE',
  'RENDER_SERVICE',
  'GENERATION_FAILED',
  'TEMP_STORE_UNSAFE',
  'INPUT_FILE',
  'OUTPUT_WRITE',
  'MODEL_LOAD',
  'INFERENCE_FAILED',
  'PERMISSION_DENIED',
  'SERVER_LISTEN',
] as const satisfies readonly VopopErrorCode[];

type MissingErrorCodes = Exclude<VopopErrorCode, (typeof telemetryErrorCodes)[number]>;
/** Compiles only while every `VopopErrorCode` is listed above. */
const everyErrorCodeListed: [MissingErrorCodes] extends [never] ? true : MissingErrorCodes = true;
void everyErrorCodeListed;

/**
 * A generation's outcome as telemetry records it: `'OK'` or one of the SDK's own error codes.
 *
 * @public
 */
export const telemetryOutcomes = ['OK', ...telemetryErrorCodes] as const;

/** @public */
export type TelemetryOutcome = (typeof telemetryOutcomes)[number];

/**
 * The stages whose durations are recorded (the pipeline's own stage names).
 *
 * @public
 */
export const telemetryStages = ['decode', 'detect', 'align', 'render', 'purge'] as const satisfies readonly GenerationStage[];

/**
 * Coarse duration buckets: the only form in which a duration is ever recorded. Wide enough that a
 * bucket says "fast / slow", never which photo it was.
 *
 * @public
 */
export const durationBuckets = ['under-100ms', '100ms-1s', '1s-3s', '3s-10s', '10s-30s', 'over-30s'] as const;

/** @public */
export type DurationBucket = (typeof durationBuckets)[number];

/**
 * Coarse photo size classes by pixel count (megapixels).
 *
 * @public
 */
export const photoSizeClasses = ['under-1mp', '1-4mp', '4-12mp', '12-24mp', 'over-24mp'] as const;

/** @public */
export type PhotoSizeClass = (typeof photoSizeClasses)[number];

/**
 * Features whose use is reported as a yes/no answer (optionally randomized-response protected).
 *
 * @public
 */
export const telemetryFeatures = ['save-to-library', 'share', 'remote-render', 'custom-template'] as const;

/** @public */
export type TelemetryFeature = (typeof telemetryFeatures)[number];

/**
 * The platforms a report can name.
 *
 * @public
 */
export const telemetryPlatforms = ['node', 'web', 'react-native-ios', 'react-native-android'] as const;

/** @public */
export type TelemetryPlatform = (typeof telemetryPlatforms)[number];
