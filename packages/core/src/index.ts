/**
 * `@vopop/core`: the platform-free heart of the Vopop SDK.
 *
 * @packageDocumentation
 */

// Ephemeral data
export { EphemeralHandle } from './ephemeral/ephemeralHandle';
export type { HandleAdopter, HoldOptions } from './ephemeral/ephemeralHandle';
export { EphemeralScope } from './ephemeral/ephemeralScope';
export type { ScopeOptions } from './ephemeral/ephemeralScope';
export type { HandleKind } from './ephemeral/handleKind';
export type {
  PurgeOutcome,
  PurgeReceipt,
  PurgeRecord,
  PurgeTotals,
} from './ephemeral/purgeReceipt';
export type { WipeOutcome, Wiper } from './ephemeral/wiper';
export { WiperRegistry, defaultWiperRegistry } from './ephemeral/wiperRegistry';
export {
  arrayBufferWiper,
  bufferWipers,
  dataViewWiper,
  typedArrayWiper,
} from './ephemeral/bufferWipers';
export { isAllZero } from './ephemeral/zeroFill';
export { LeakDetector, leakDetector } from './ephemeral/leakDetector';
export type { LeakReport, LeakReporter } from './ephemeral/leakDetector';
export type { Clock } from './ephemeral/clock';
export { systemClock } from './ephemeral/clock';

// Ports (implemented by adapters)
export type { RgbaImage } from './ports/rgbaImage';
export type { DecodeLimits, ImageDecoder } from './ports/imageDecoder';

// Detection (exports below)
export { faceLandmarksWiper } from './detection/faceLandmarks';
export type { FaceLandmarks } from './detection/faceLandmarks';

// Geometry and alignment (exports below)
export {
  affine,
  affineScale,
  composeAffine,
  identityAffine,
  invertAffine,
  similarityAffine,
  transformPoints,
} from './geometry/affine2d';
export type { Affine2D } from './geometry/affine2d';
export { canonicalFivePoints, fivePointCount } from './geometry/canonicalFace';

// Templates (exports below)

// Compositing (exports below)

// Encoding (exports below)

// Errors
export { VopopError, isVopopError } from './errors/vopopError';
export type { VopopErrorCode } from './errors/vopopError';
export { PurgedError } from './errors/purgedError';
export { PurgeFailedError } from './errors/purgeFailedError';
export { InvalidArgumentError } from './errors/invalidArgumentError';
export { AbortedError } from './errors/abortedError';
