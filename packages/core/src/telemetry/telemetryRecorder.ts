import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { isVopopError } from '../errors/vopopError';
import type { StageTimings } from '../pipeline/generationProgress';
import type { TelemetrySink } from '../ports/telemetrySink';
import { cryptoRandom, randomizedResponse } from './randomizedResponse';
import { bucketDuration } from './telemetryBuckets';
import type { TelemetryEvent } from './telemetryEvent';
import { telemetryEventSchema } from './telemetryEvent';
import type { TelemetryReport } from './telemetryReport';
import { telemetryReportSchema } from './telemetryReport';
import type { TelemetryOutcome, TelemetryPlatform } from './telemetryVocabulary';
import {
  durationBuckets,
  photoSizeClasses,
  telemetryFeatures,
  telemetryOutcomes,
  telemetryPlatforms,
  telemetryStages,
} from './telemetryVocabulary';

/**
 * How an app sets up telemetry. Off unless `enabled` is true: the app turns it on only after the
 * person opted in.
 *
 * @public
 */
export interface TelemetryRecorderOptions {
  /** The person's opt-in. Default `false`: nothing is recorded and the sink is never called. */
  readonly enabled?: boolean;
  /** The app's transport for the daily report. */
  readonly sink: TelemetrySink;
  /** The SDK's version as major.minor (`'0.1'`): no patch, no build. */
  readonly sdkVersion: string;
  readonly platform: TelemetryPlatform;
  /** The platform's major version only (`'20'` for Node 20, `'17'` for iOS 17). */
  readonly platformVersion: string;
  /** Cells counted fewer times than this are kept on the device, not sent. Default 10. */
  readonly minimumCount?: number;
  /**
   * The probability that a recorded yes/no answer is the truth rather than a coin flip
   * (randomized response). Default 0.75; 1 turns the protection off.
   */
  readonly truthProbability?: number;
  /** Uniform [0, 1). Default: the platform's cryptographic generator. */
  readonly random?: () => number;
  /** Wall-clock milliseconds since 1970, read only to name the UTC day. Default `Date.now`. */
  readonly wallClock?: () => number;
}

const optionsSchema = z.object({
  enabled: z.boolean().optional(),
  sink: z.custom<TelemetrySink>((v) => typeof (v as TelemetrySink | null)?.send === 'function', {
    message: 'sink must have a send(report) method',
  }),
  sdkVersion: z.string().regex(/^\d{1,3}\.\d{1,3}$/, 'must be major.minor, e.g. 0.1'),
  platform: z.enum(telemetryPlatforms),
  platformVersion: z.string().regex(/^\d{1,4}$/, 'must be the major version only'),
  minimumCount: z.number().int().min(2).max(10_000).optional(),
  truthProbability: z.number().min(0.5).max(1).optional(),
  random: z.custom<() => number>((v) => typeof v === 'function').optional(),
  wallClock: z.custom<() => number>((v) => typeof v === 'function').optional(),
});

/**
 * What {@link TelemetryRecorder.flush} did.
 *
 * @public
 */
export type TelemetryFlushOutcome = 'disabled' | 'already-sent-today' | 'nothing-to-send' | 'sent';

/** The largest count one report carries per cell (the report schema's ceiling). */
const maxCellCount = 1_000_000;

const utcDay = (milliseconds: number): string => new Date(milliseconds).toISOString().slice(0, 10);

/**
 * Opt-in, anonymous, aggregated usage counts (P7). Events are validated against the closed
 * {@link telemetryEventSchema} and only counted: no event is kept, no identifier exists, and what
 * leaves (through the app's {@link TelemetrySink}, at most once per UTC day) is a
 * {@link TelemetryReport} of counts at or above a threshold.
 *
 * @example
 * ```ts
 * const telemetry = new TelemetryRecorder({ enabled: userOptedIn, sink, sdkVersion: '0.1', platform: 'web', platformVersion: '131' });
 * await generateVideo({ photo, consent, telemetry }, platform);
 * await telemetry.flush(); // e.g. when the app starts; sends at most once a day
 * ```
 * @public
 */
export class TelemetryRecorder {
  readonly enabled: boolean;
  private readonly options: TelemetryRecorderOptions;
  private readonly minimumCount: number;
  private readonly truthProbability: number;
  private readonly random: () => number;
  private readonly wallClock: () => number;
  /** Count per cell key (`event|field|field`), from the closed vocabulary only. */
  private readonly counts = new Map<string, number>();
  private lastSentDay: string | undefined;
  private sending: Promise<TelemetryFlushOutcome> | undefined;

  constructor(options: TelemetryRecorderOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidArgumentError(`TelemetryRecorder: ${issue.path.join('.') || 'options'}: ${issue.message}`);
    }
    this.options = options;
    this.enabled = options.enabled === true;
    this.minimumCount = options.minimumCount ?? 10;
    this.truthProbability = options.truthProbability ?? 0.75;
    this.random = options.random ?? cryptoRandom;
    this.wallClock = options.wallClock ?? Date.now;
  }

  /**
   * Count one event. Returns whether it was counted: `false` when telemetry is off or the object
   * is not a valid {@link TelemetryEvent} (which is dropped whole, never partly kept). Never
   * throws: telemetry must not fail the app.
   */
  record(event: unknown): boolean {
    if (!this.enabled) return false;
    const parsed = telemetryEventSchema.safeParse(event);
    if (!parsed.success) return false;
    this.count(parsed.data);
    return true;
  }

  /**
   * What `generateVideo` records when given this recorder: each stage's duration, bucketed, and
   * the outcome: `'OK'` or the error's code.
   */
  recordGeneration(timings: StageTimings, failure: unknown): void {
    if (!this.enabled) return;
    for (const stage of telemetryStages) {
      this.record({ name: 'generation.stage', stage, duration: bucketDuration(timings[stage]) });
    }
    const outcome: TelemetryOutcome =
      failure === undefined ? 'OK' : isVopopError(failure) ? failure.code : 'GENERATION_FAILED';
    this.record({ name: 'generation.outcome', outcome });
  }

  /**
   * The report {@link flush} would send now (cells under the threshold left out), without sending
   * it: what `vopop telemetry show` prints and what an app can show the person.
   */
  preview(): TelemetryReport {
    const cell = (key: string): number => {
      // The report's ceiling per cell; the rest stays counted for the next report.
      const value = Math.min(this.counts.get(key) ?? 0, maxCellCount);
      return value >= this.minimumCount ? value : 0;
    };
    const report: TelemetryReport = {
      schema: 'vopop.telemetry/1',
      day: utcDay(this.wallClock()),
      sdkVersion: this.options.sdkVersion,
      platform: this.options.platform,
      platformVersion: this.options.platformVersion,
      outcomes: telemetryOutcomes
        .map((outcome) => ({ outcome, count: cell(`generation.outcome|${outcome}`) }))
        .filter((c) => c.count > 0),
      stageDurations: telemetryStages
        .flatMap((stage) => durationBuckets.map((duration) => ({ stage, duration, count: cell(`generation.stage|${stage}|${duration}`) })))
        .filter((c) => c.count > 0),
      photoSizes: photoSizeClasses
        .map((sizeClass) => ({ sizeClass, count: cell(`photo.size|${sizeClass}`) }))
        .filter((c) => c.count > 0),
      features: telemetryFeatures
        .map((feature) => {
          const yes = Math.min(this.counts.get(`feature.used|${feature}|yes`) ?? 0, maxCellCount);
          const no = Math.min(this.counts.get(`feature.used|${feature}|no`) ?? 0, maxCellCount);
          return { feature, yes, no, truthProbability: this.truthProbability };
        })
        .filter((c) => c.yes + c.no >= this.minimumCount),
    };
    // The report is checked against its own strict schema before it can leave.
    return telemetryReportSchema.parse(report);
  }

  /**
   * Send today's report through the sink, at most once per UTC day, and forget the counts that
   * were sent (cells under the threshold stay on the device and keep counting). Does nothing when
   * telemetry is off. A sink that rejects keeps everything for the next attempt.
   */
  flush(): Promise<TelemetryFlushOutcome> {
    if (!this.enabled) return Promise.resolve('disabled');
    this.sending ??= this.send().finally(() => {
      this.sending = undefined;
    });
    return this.sending;
  }

  private async send(): Promise<TelemetryFlushOutcome> {
    const report = this.preview();
    if (this.lastSentDay === report.day) return 'already-sent-today';
    const empty =
      report.outcomes.length + report.stageDurations.length + report.photoSizes.length + report.features.length === 0;
    if (empty) return 'nothing-to-send';
    await this.options.sink.send(report);
    this.lastSentDay = report.day;
    for (const c of report.outcomes) this.subtract(`generation.outcome|${c.outcome}`, c.count);
    for (const c of report.stageDurations) this.subtract(`generation.stage|${c.stage}|${c.duration}`, c.count);
    for (const c of report.photoSizes) this.subtract(`photo.size|${c.sizeClass}`, c.count);
    for (const c of report.features) {
      this.subtract(`feature.used|${c.feature}|yes`, c.yes);
      this.subtract(`feature.used|${c.feature}|no`, c.no);
    }
    return 'sent';
  }

  private count(event: TelemetryEvent): void {
    let key: string;
    switch (event.name) {
      case 'generation.outcome':
        key = `${event.name}|${event.outcome}`;
        break;
      case 'generation.stage':
        key = `${event.name}|${event.stage}|${event.duration}`;
        break;
      case 'photo.size':
        key = `${event.name}|${event.sizeClass}`;
        break;
      case 'feature.used': {
        const answer = randomizedResponse(event.used, this.truthProbability, this.random);
        key = `${event.name}|${event.feature}|${answer ? 'yes' : 'no'}`;
        break;
      }
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Counts recorded while a send was in flight are kept: only what was sent is taken off. */
  private subtract(key: string, sent: number): void {
    const left = (this.counts.get(key) ?? 0) - sent;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }
}
