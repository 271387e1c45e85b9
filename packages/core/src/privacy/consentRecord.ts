import { z } from 'zod';
import { ConsentRequiredError } from '../errors/consentRequiredError';

/**
 * Evidence that the person in the photo agreed to this processing, recorded by the app before
 * a generation starts (P8). Face geometry is a biometric identifier under laws such as Illinois'
 * BIPA even when it never leaves the device, so the agreement comes first.
 *
 * The record names no person: no user id, no device id. The app keeps its own copy as evidence
 * under its own retention policy.
 *
 * @public
 */
export interface ConsentRecord {
  /** What was agreed to. Only face-video generation is covered. */
  readonly purpose: 'face-video';
  /** Where the photo is processed: on the device, or by a third-party rendering service. */
  readonly processing: 'on-device' | 'remote-service';
  /** The version of the notice the person was shown (your own identifier). */
  readonly noticeVersion: string;
  /** When the agreement was given, as an ISO 8601 timestamp. */
  readonly grantedAt: string;
  /**
   * For `'remote-service'`: the origins (`https://render.example.com`) of the rendering services
   * the notice named. A remote renderer whose origin is not listed is refused.
   */
  readonly remoteOrigins?: readonly string[];
}

const consentSchema = z
  .object({
    purpose: z.literal('face-video'),
    processing: z.enum(['on-device', 'remote-service']),
    noticeVersion: z.string().min(1).max(64),
    grantedAt: z.iso.datetime({ offset: true }),
    remoteOrigins: z.array(z.url().max(256)).min(1).max(16).optional(),
  })
  .strict();

/**
 * Check a consent record for the requested kind of processing and, for `'remote-service'`, the
 * service's origin, which the record's `remoteOrigins` must name. Throws
 * {@link ConsentRequiredError} naming the first problem.
 *
 * @public
 */
export function assertConsent(
  consent: unknown,
  processing: ConsentRecord['processing'],
  remoteOrigin?: string,
): asserts consent is ConsentRecord {
  if (consent === undefined || consent === null) throw new ConsentRequiredError('missing');
  const parsed = consentSchema.safeParse(consent);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path.join('.') || 'record';
    throw new ConsentRequiredError(path);
  }
  if (parsed.data.processing !== processing) {
    throw new ConsentRequiredError(`processing: consent covers ${parsed.data.processing}, not ${processing}`);
  }
  if (processing === 'remote-service') {
    const named = (parsed.data.remoteOrigins ?? []).some((origin) => safeOrigin(origin) === remoteOrigin);
    if (remoteOrigin === undefined || !named) {
      throw new ConsentRequiredError('remoteOrigins: consent does not name the rendering service\'s origin');
    }
  }
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
