import { playDataSafety } from './playDataSafety';
import { privacyManifest } from './privacyManifest';
import { privacyNotice } from './privacyNotice';
import { retentionSchedule } from './retentionSchedule';
import type { SdkPrivacyConfig } from './sdkPrivacyConfig';

/**
 * The file names the disclosures are written under.
 *
 * @public
 */
export const disclosureFileNames = ['PrivacyInfo.xcprivacy', 'play-data-safety.json', 'privacy-notice.md', 'retention-schedule.md'] as const;

/**
 * Every disclosure for one configuration, by file name: the Apple privacy manifest, the Google
 * Play data-safety answers, the privacy notice and the retention schedule. Pure: the same
 * configuration gives the same bytes.
 *
 * @public
 */
export function generateDisclosures(config: SdkPrivacyConfig): Record<(typeof disclosureFileNames)[number], string> {
  return {
    'PrivacyInfo.xcprivacy': privacyManifest(config),
    'play-data-safety.json': `${JSON.stringify(playDataSafety(config), null, 2)}\n`,
    'privacy-notice.md': privacyNotice(config),
    'retention-schedule.md': retentionSchedule(config),
  };
}
