import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { ConsentPolicy } from '../privacy/consentPolicy';

const httpsOrigin = z
  .string()
  .max(256)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' && url.origin === value.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an https origin such as https://render.example.com (no path)');

/**
 * How an app uses the SDK, in one file: the single source the privacy manifest, the Play
 * data-safety answers, the notice and the retention schedule are generated from, so that they
 * say what the configured SDK does and cannot drift apart.
 *
 * @public
 */
export const sdkPrivacyConfigSchema = z
  .object({
    /** The app's name as the notice should call it. */
    appName: z.string().min(1).max(80),
    /** Who to write to about privacy (an address or a web page), printed in the notice. */
    contact: z.string().min(1).max(200),
    /** The version of the notice these documents are; consents name it. */
    noticeVersion: z.string().min(1).max(64),
    /** The age a person must self-declare before a photo is processed. */
    minimumAge: z.number().int().min(13).max(21),
    /** Where photos are processed: on the device, by a rendering service, or both. */
    modes: z
      .array(z.enum(['on-device', 'remote']))
      .min(1)
      .max(2)
      .refine((modes) => new Set(modes).size === modes.length, 'must not repeat a mode'),
    /** The rendering services' origins; required with `'remote'`, forbidden without it. */
    remoteEndpoints: z.array(httpsOrigin).max(8).default([]),
    /** Whether opt-in, aggregated telemetry is offered. */
    telemetry: z.boolean(),
    /** Whether the app offers to save the video to the photo library. */
    saveToLibrary: z.boolean(),
  })
  .strict()
  .superRefine((config, context) => {
    const remote = config.modes.includes('remote');
    if (remote && config.remoteEndpoints.length === 0) {
      context.addIssue({ code: 'custom', path: ['remoteEndpoints'], message: "'remote' mode needs at least one endpoint" });
    }
    if (!remote && config.remoteEndpoints.length > 0) {
      context.addIssue({ code: 'custom', path: ['remoteEndpoints'], message: "endpoints are listed but 'remote' is not a mode" });
    }
  });

/**
 * A validated SDK privacy configuration.
 *
 * @public
 */
export type SdkPrivacyConfig = z.infer<typeof sdkPrivacyConfigSchema>;

/**
 * Validate a configuration (parsed JSON). Throws {@link InvalidArgumentError} naming the first bad
 * field and what it must be; values are never quoted back.
 *
 * @public
 */
export function parseSdkPrivacyConfig(value: unknown): SdkPrivacyConfig {
  const parsed = sdkPrivacyConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidArgumentError(`privacy configuration: ${issue.path.join('.') || 'file'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The consent policy the configuration implies: the notice it generates is the accepted one, and
 * its minimum age is required. Pass it as the platform's `consentPolicy`.
 *
 * @public
 */
export function consentPolicyFor(config: SdkPrivacyConfig): ConsentPolicy {
  return { acceptedNoticeVersions: [config.noticeVersion], minimumAge: config.minimumAge };
}
