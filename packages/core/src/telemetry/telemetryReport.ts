import { z } from 'zod';
import {
  durationBuckets,
  photoSizeClasses,
  telemetryFeatures,
  telemetryOutcomes,
  telemetryPlatforms,
  telemetryStages,
} from './telemetryVocabulary';

const count = z.number().int().min(1).max(1_000_000);

/**
 * What leaves the device, at most once a day: counts per cell of the closed vocabulary (only cells
 * at or above the recorder's threshold), yes/no tallies of features (randomized when configured),
 * the day (no finer time), and the SDK and platform versions (major.minor and major only).
 * Strict: a report with anything else is not sent.
 *
 * @public
 */
export const telemetryReportSchema = z
  .object({
    schema: z.literal('vopop.telemetry/1'),
    day: z.iso.date(),
    sdkVersion: z.string().regex(/^\d{1,3}\.\d{1,3}$/),
    platform: z.enum(telemetryPlatforms),
    platformVersion: z.string().regex(/^\d{1,4}$/),
    outcomes: z.array(z.object({ outcome: z.enum(telemetryOutcomes), count }).strict()).max(telemetryOutcomes.length),
    stageDurations: z
      .array(z.object({ stage: z.enum(telemetryStages), duration: z.enum(durationBuckets), count }).strict())
      .max(telemetryStages.length * durationBuckets.length),
    photoSizes: z.array(z.object({ sizeClass: z.enum(photoSizeClasses), count }).strict()).max(photoSizeClasses.length),
    features: z
      .array(
        z
          .object({
            feature: z.enum(telemetryFeatures),
            yes: z.number().int().min(0).max(1_000_000),
            no: z.number().int().min(0).max(1_000_000),
            /** The probability an answer is the truth (1: not randomized), to debias by. */
            truthProbability: z.number().min(0.5).max(1),
          })
          .strict(),
      )
      .max(telemetryFeatures.length),
  })
  .strict();

/**
 * One day's report (see {@link telemetryReportSchema}).
 *
 * @public
 */
export type TelemetryReport = z.infer<typeof telemetryReportSchema>;
