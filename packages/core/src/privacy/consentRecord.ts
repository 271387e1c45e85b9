import { z } from 'zod';
import { ConsentRequiredError } from '../errors/consentRequiredError';
import type { ConsentPolicy } from './consentPolicy';
import { parseConsentPolicy } from './consentPolicy';

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
  /**
   * The person's own statement that they are at least `minimumAge` years old, asked by the app
   * with its notice. Self-declared only: the SDK never estimates age from the face. Required when
   * the app's {@link ConsentPolicy} sets `minimumAge`.
   */
  readonly ageConfirmation?: {
    readonly method: 'self-declared';
    /** The age the person confirmed they have reached (e.g. 18, or the local age of consent). */
    readonly minimumAge: number;
  };
}

const consentSchema = z
  .object({
    purpose: z.literal('face-video'),
    processing: z.enum(['on-device', 'remote-service']),
    noticeVersion: z.string().min(1).max(64),
    grantedAt: z.iso.datetime({ offset: true }),
    remoteOrigins: z.array(z.url().max(256)).min(1).max(16).optional(),
    ageConfirmation: z
      .object({ method: z.literal('self-declared'), minimumAge: z.number().int().min(1).max(120) })
      .strict()
      .optional(),
  })
  .strict();

/**
 * Check a consent record for the requested kind of processing and, for `'remote-service'`, the
 * service's origin, which the record's `remoteOrigins` must name; then, when the app gives its
 * {@link ConsentPolicy}, that the notice version is one the app still accepts and that the person
 * confirmed the age the app requires. Throws {@link ConsentRequiredError} naming the first
 * problem, with a machine-readable `reason`. Pure: it reads nothing but its arguments.
 *
 * @public
 */
export function assertConsent(
  consent: unknown,
  processing: ConsentRecord['processing'],
  remoteOrigin?: string,
  policy?: ConsentPolicy,
): asserts consent is ConsentRecord {
  const checkedPolicy = policy === undefined ? undefined : parseConsentPolicy(policy);
  if (consent === undefined || consent === null) throw new ConsentRequiredError('missing', 'missing');
  const parsed = consentSchema.safeParse(consent);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path.join('.') || 'record';
    throw new ConsentRequiredError(path, 'invalid-record');
  }
  const record = parsed.data;
  if (record.processing !== processing) {
    throw new ConsentRequiredError(`processing: consent covers ${record.processing}, not ${processing}`, 'mode-mismatch');
  }
  if (processing === 'remote-service') {
    const named = (record.remoteOrigins ?? []).some((origin) => safeOrigin(origin) === remoteOrigin);
    if (remoteOrigin === undefined || !named) {
      throw new ConsentRequiredError(
        'remoteOrigins: consent does not name the rendering service\'s origin',
        'origin-not-named',
      );
    }
  }
  if (checkedPolicy === undefined) return;
  if (
    checkedPolicy.acceptedNoticeVersions !== undefined &&
    !checkedPolicy.acceptedNoticeVersions.includes(record.noticeVersion)
  ) {
    throw new ConsentRequiredError(
      'noticeVersion: the notice this consent was given under is not one the app still accepts',
      'notice-version-not-accepted',
    );
  }
  const minimumAge = checkedPolicy.minimumAge;
  if (minimumAge !== undefined) {
    if (record.ageConfirmation === undefined) {
      throw new ConsentRequiredError(
        `ageConfirmation: the app requires a self-declared age of at least ${minimumAge}`,
        'age-not-confirmed',
      );
    }
    if (record.ageConfirmation.minimumAge < minimumAge) {
      throw new ConsentRequiredError(
        `ageConfirmation: the person confirmed ${record.ageConfirmation.minimumAge}+, the app requires ${minimumAge}+`,
        'age-below-limit',
      );
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
