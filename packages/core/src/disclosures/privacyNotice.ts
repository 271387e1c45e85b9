import { dataDeclarations } from './dataDeclarations';
import type { SdkPrivacyConfig } from './sdkPrivacyConfig';

/**
 * The sentence an on-device-only configuration without telemetry states about collection; tests
 * and apps can look for it.
 *
 * @public
 */
export const noCollectionStatement = 'Nothing about you or your photo is collected: no data leaves your device.';

/**
 * A plain-language privacy notice (Markdown) for what the configured SDK does with a photo: the
 * purpose, where processing happens, what leaves the device (if anything), how long anything is
 * kept, the age limit, and that consent can be withdrawn. The app shows it before asking for
 * consent; its version is the configuration's `noticeVersion`.
 *
 * @public
 */
export function privacyNotice(config: SdkPrivacyConfig): string {
  const declarations = dataDeclarations(config);
  const onDevice = config.modes.includes('on-device');
  const remote = config.modes.includes('remote');
  const where =
    onDevice && remote
      ? 'You choose where your photo is processed: on this device, or by our rendering service.'
      : remote
        ? 'Your photo is processed by our rendering service.'
        : 'Your photo is processed only on this device.';
  const lines = [
    `# How ${config.appName} uses your photo`,
    '',
    `Notice version ${config.noticeVersion}.`,
    '',
    '## What we do',
    '',
    'We turn one photo of a face into a short animated video. To do that, the app finds the face and ' +
      'measures its shape (face geometry, which some laws treat as biometric information). It is used ' +
      'for this one video and for nothing else: not to recognise you, not to estimate your age, not for ' +
      'advertising, and it is never sold.',
    '',
    where,
    '',
    '## What leaves your device',
    '',
    ...(declarations.length === 0
      ? [noCollectionStatement]
      : declarations.map((declaration) => `- ${declaration.description[0]!.toUpperCase()}${declaration.description.slice(1)}.`)),
    '',
    ...(remote
      ? [
          `Rendering services: ${config.remoteEndpoints.join(', ')}. They receive the face crop only, ` +
            'never the full photo, your name or any identifier, and they sign a receipt saying what they ' +
            'held and when they wiped it.',
          '',
        ]
      : []),
    ...(config.telemetry
      ? [
          'Usage statistics are off unless you turn them on. They are counts from a fixed list, sent at ' +
            'most once a day, with no identifier, no photo, no text and no time finer than the day. ' +
            'Counts too small to hide anyone stay on your device.',
          '',
        ]
      : []),
    '## How long anything is kept',
    '',
    'The photo, the face measurements and every intermediate image are wiped as soon as the video is ' +
      'made or the attempt ends, whatever the outcome. The video is yours: ' +
      (config.saveToLibrary
        ? 'it is saved to your photo library only if you choose to save it.'
        : 'the app does not save it anywhere unless you share it.'),
    '',
    '## Who can use it',
    '',
    `You must be at least ${config.minimumAge} years old. We ask you to confirm your age; we never ` +
      'estimate it from your face.',
    '',
    '## Your choice',
    '',
    'Nothing is processed until you agree. You can refuse, and you can withdraw at any time by not ' +
      'making another video; because nothing is kept, there is nothing left to delete.',
    '',
    `Questions: ${config.contact}.`,
    '',
  ];
  return lines.join('\n');
}
