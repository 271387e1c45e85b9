import type { SdkPrivacyConfig } from './sdkPrivacyConfig';

/**
 * A public retention and destruction schedule for face geometry and the photos it comes from
 * (Markdown), in the form Illinois' BIPA asks for: what is held, why, for how long, and how it
 * is destroyed. The SDK's own schedule is short because it keeps nothing past one generation;
 * the three-year limit of the law is stated as the outer bound.
 *
 * @public
 */
export function retentionSchedule(config: SdkPrivacyConfig): string {
  const remote = config.modes.includes('remote');
  const rows = [
    ['The photo (file bytes)', 'On this device, in memory', 'Until the video is made or the attempt ends', 'Overwritten with zeros, then released'],
    ['Decoded pixels and intermediate images', 'On this device, in memory', 'Until the video is made or the attempt ends', 'Overwritten with zeros, then released'],
    ['Face geometry (landmark points)', 'On this device, in memory', 'Until the video is made or the attempt ends', 'Overwritten with zeros, then released'],
    ...(remote
      ? [
          ['The face crop sent for rendering', 'On this device and in the rendering service\'s memory', 'Until the service answers the one request', 'Overwritten with zeros on both sides; the service signs a receipt of each wipe'],
          ['Face geometry computed by the rendering service', 'In the rendering service\'s memory', 'Until the service answers the one request', 'Overwritten with zeros before the answer is sent'],
        ]
      : []),
  ];
  return [
    `# ${config.appName}: retention and destruction schedule for biometric information`,
    '',
    `Schedule version ${config.noticeVersion}. Public, as required by laws such as the Illinois Biometric Information Privacy Act (740 ILCS 14/15(a)).`,
    '',
    '**Purpose.** Face geometry is measured only to place the face in one animated video the person asked for.',
    'It is not used to identify anyone, is never sold, leased or traded, and is never disclosed except to the',
    remote ? 'rendering service named in the notice, for that one request.' : 'person themselves, in the video they receive.',
    '',
    '| Data | Where it is held | Kept until | How it is destroyed |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    '**Outer limit.** In no case is any of it kept longer than the purpose requires, and never longer than',
    'three years after the person\'s last interaction with the app.',
    '',
    '**Consent.** Nothing is measured before the person has read the notice of the same version and agreed,',
    `and confirmed they are at least ${config.minimumAge}. The app keeps that written release (an electronic`,
    'agreement naming the notice version and time, and no identifier) as its evidence.',
    '',
    `Contact: ${config.contact}.`,
    '',
  ].join('\n');
}
