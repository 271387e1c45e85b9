import { dataDeclarations } from './dataDeclarations';
import type { SdkPrivacyConfig } from './sdkPrivacyConfig';

/**
 * The answers to Google Play's Data safety form for what the SDK does under this configuration.
 *
 * @public
 */
export interface PlayDataSafetyAnswers {
  /** "Does your app collect or share any of the required user data types?" */
  readonly collectsOrSharesUserData: boolean;
  /** "Is all of the user data collected by your app encrypted in transit?" (null: nothing collected). */
  readonly encryptedInTransit: boolean | null;
  /** How a person can have their data deleted (null: nothing collected). */
  readonly deletion: string | null;
  readonly dataTypes: readonly {
    readonly category: string;
    readonly type: string;
    readonly collected: true;
    /** Sent to a service provider acting for the app, which Play does not count as sharing. */
    readonly shared: false;
    readonly processedEphemerally: boolean;
    readonly required: boolean;
    readonly purposes: readonly string[];
  }[];
}

/**
 * Google Play Data safety answers: on-device processing is not collection, so an on-device-only
 * configuration without telemetry collects nothing; remote rendering adds photos, processed
 * ephemerally; telemetry adds crash logs, diagnostics and app interactions, optional, for
 * analytics.
 *
 * @public
 */
export function playDataSafety(config: SdkPrivacyConfig): PlayDataSafetyAnswers {
  const declarations = dataDeclarations(config);
  const collects = declarations.length > 0;
  return {
    collectsOrSharesUserData: collects,
    // Remote rendering is https-only (the schema refuses other origins); telemetry goes through
    // the app's own transport, which the app must keep on https.
    encryptedInTransit: collects ? true : null,
    deletion: collects
      ? [
          'Nothing is kept that could be deleted on request.',
          ...(config.modes.includes('remote') ? ['Face crops are wiped within the rendering request.'] : []),
          ...(config.telemetry ? ['Telemetry holds only anonymous daily counts that cannot be traced to a person.'] : []),
        ].join(' ')
      : null,
    dataTypes: declarations.map((declaration) => ({
      category: declaration.playCategory,
      type: declaration.playType,
      collected: true,
      shared: false,
      processedEphemerally: declaration.ephemeral,
      required: !declaration.optional,
      purposes: [declaration.playPurpose],
    })),
  };
}
