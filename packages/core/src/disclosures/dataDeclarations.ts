import type { SdkPrivacyConfig } from './sdkPrivacyConfig';

/**
 * One kind of data that leaves the device, as every disclosure states it. Derived once from the
 * configuration, so that the manifest, the Play answers, the notice and the schedule all list
 * the same things.
 *
 * @public
 */
export interface DataDeclaration {
  readonly id: 'face-photo' | 'crash-data' | 'performance-data' | 'product-interaction';
  /** Apple's collected data type. */
  readonly appleType: string;
  /** Apple's purpose. */
  readonly applePurpose: string;
  /** Google Play's category and type. */
  readonly playCategory: string;
  readonly playType: string;
  readonly playPurpose: string;
  /** Held only in server memory for the request (Play's "processed ephemerally"). */
  readonly ephemeral: boolean;
  /** Whether a person can use the app without it leaving the device. */
  readonly optional: boolean;
  /** Plain words for the notice. */
  readonly description: string;
}

/**
 * What the configured SDK sends off the device. On-device only, without telemetry: nothing.
 * Nothing is ever linked to a person or used for tracking, so those flags are not fields.
 *
 * @public
 */
export function dataDeclarations(config: SdkPrivacyConfig): DataDeclaration[] {
  const declarations: DataDeclaration[] = [];
  if (config.modes.includes('remote')) {
    declarations.push({
      id: 'face-photo',
      appleType: 'NSPrivacyCollectedDataTypePhotosorVideos',
      applePurpose: 'NSPrivacyCollectedDataTypePurposeAppFunctionality',
      playCategory: 'Photos and videos',
      playType: 'Photos',
      playPurpose: 'App functionality',
      ephemeral: true,
      optional: config.modes.includes('on-device'),
      description:
        'a 512×512 crop of the face in your photo is sent to the rendering service, which makes the video ' +
        'from it in memory, within the one request, and wipes it before answering',
    });
  }
  if (config.telemetry) {
    const usage = { ephemeral: false, optional: true, playPurpose: 'Analytics', applePurpose: 'NSPrivacyCollectedDataTypePurposeAnalytics' } as const;
    declarations.push(
      {
        id: 'crash-data',
        appleType: 'NSPrivacyCollectedDataTypeCrashData',
        playCategory: 'App info and performance',
        playType: 'Crash logs',
        description: 'if you opt in: daily counts of how generations ended (succeeded, or which kind of error)',
        ...usage,
      },
      {
        id: 'performance-data',
        appleType: 'NSPrivacyCollectedDataTypePerformanceData',
        playCategory: 'App info and performance',
        playType: 'Diagnostics',
        description: 'if you opt in: daily counts of how long each step took, in coarse ranges',
        ...usage,
      },
      {
        id: 'product-interaction',
        appleType: 'NSPrivacyCollectedDataTypeProductInteraction',
        playCategory: 'App activity',
        playType: 'App interactions',
        description: 'if you opt in: daily counts of which features were used, each answer randomized on your device',
        ...usage,
      },
    );
  }
  return declarations;
}
