import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalidArgumentError';

/**
 * What the app requires of a consent record beyond its shape, configured once with the platform
 * (`VopopPlatform.consentPolicy`): the notice versions it still stands behind, and the age a
 * person must confirm. Without a policy, a well-formed record for the right mode is enough.
 *
 * @public
 */
export interface ConsentPolicy {
  /**
   * The notice versions whose consents are still valid. A record given under any other version
   * (an expired notice, or one the app never published) is refused: show the current notice and
   * ask again.
   */
  readonly acceptedNoticeVersions?: readonly string[];
  /**
   * The age a person must self-declare (18, or the local age limit). The record's
   * `ageConfirmation.minimumAge` must be at least this. The SDK never estimates age from a face.
   */
  readonly minimumAge?: number;
}

const consentPolicySchema = z
  .object({
    acceptedNoticeVersions: z.array(z.string().min(1).max(64)).min(1).max(64).optional(),
    minimumAge: z.number().int().min(1).max(120).optional(),
  })
  .strict();

/**
 * Validate an app's consent policy. Throws {@link InvalidArgumentError} naming the first bad
 * field: a misconfigured policy must fail loudly, not check less than the app meant.
 *
 * @public
 */
export function parseConsentPolicy(policy: unknown): ConsentPolicy {
  const parsed = consentPolicySchema.safeParse(policy);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidArgumentError(`consentPolicy: ${issue.path.join('.') || 'policy'}: ${issue.message}`);
  }
  const { acceptedNoticeVersions, minimumAge } = parsed.data;
  return {
    ...(acceptedNoticeVersions !== undefined ? { acceptedNoticeVersions } : {}),
    ...(minimumAge !== undefined ? { minimumAge } : {}),
  };
}
