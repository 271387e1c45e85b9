import type { ConsentRecord, SdkPrivacyConfig } from '@vopop/rn-adapter';
import { privacyNotice } from '@vopop/rn-adapter';

/** What the app shows before asking: the generated notice and what it asks the person to confirm. */
export interface NoticeToShow {
  /** The notice, Markdown, generated from the configuration by the SDK. */
  readonly markdown: string;
  /** The version the consent will name. */
  readonly version: string;
  /** The age the person is asked to confirm. */
  readonly minimumAge: number;
}

/** The notice for this configuration, exactly as `vopop privacy` writes it to privacy-notice.md. */
export function noticeFor(config: SdkPrivacyConfig): NoticeToShow {
  return { markdown: privacyNotice(config), version: config.noticeVersion, minimumAge: config.minimumAge };
}

/**
 * The consent record for the notice the person just agreed to, after they confirmed their age
 * themselves (the SDK never estimates age from a face). This example renders remotely, so the
 * record covers the configuration's rendering services and nothing else.
 */
export function recordConsent(config: SdkPrivacyConfig, answers: { readonly ageConfirmed: true }, now: Date): ConsentRecord {
  if (answers.ageConfirmed !== true) throw new Error('recordConsent: the person has not confirmed their age.');
  if (!config.modes.includes('remote')) throw new Error("recordConsent: this example renders remotely; the configuration has no 'remote' mode.");
  return {
    purpose: 'face-video',
    processing: 'remote-service',
    remoteOrigins: config.remoteEndpoints,
    noticeVersion: config.noticeVersion,
    grantedAt: now.toISOString(),
    ageConfirmation: { method: 'self-declared', minimumAge: config.minimumAge },
  };
}

/** One line for the screen: what was recorded, so the person sees what they agreed to. */
export function describeConsent(record: ConsentRecord): string {
  const where = record.processing === 'remote-service' ? `remote (${(record.remoteOrigins ?? []).join(', ')})` : 'on this device';
  const age = record.ageConfirmation ? `, age ${record.ageConfirmation.minimumAge}+ self-declared` : '';
  return `consent recorded: notice ${record.noticeVersion}, purpose ${record.purpose}, processing ${where}${age}`;
}
