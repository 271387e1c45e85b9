import { z } from 'zod';
import {
  durationBuckets,
  photoSizeClasses,
  telemetryFeatures,
  telemetryOutcomes,
  telemetryStages,
} from './telemetryVocabulary';

/**
 * The closed schema of what can be recorded. Every field is drawn from a fixed enumeration:
 * there is no free text, no identifier, no timestamp and no raw number anywhere, and `strict()`
 * refuses any extra field, so an object carrying anything else is not recorded at all (P7).
 *
 * @public
 */
export const telemetryEventSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('generation.outcome'), outcome: z.enum(telemetryOutcomes) }).strict(),
  z.object({ name: z.literal('generation.stage'), stage: z.enum(telemetryStages), duration: z.enum(durationBuckets) }).strict(),
  z.object({ name: z.literal('photo.size'), sizeClass: z.enum(photoSizeClasses) }).strict(),
  z.object({ name: z.literal('feature.used'), feature: z.enum(telemetryFeatures), used: z.boolean() }).strict(),
]);

/**
 * One recordable event (see {@link telemetryEventSchema}).
 *
 * @public
 */
export type TelemetryEvent = z.infer<typeof telemetryEventSchema>;

/**
 * The names of the events, from the schema.
 *
 * @public
 */
export const telemetryEventNames = ['generation.outcome', 'generation.stage', 'photo.size', 'feature.used'] as const;
