import type { SdkPrivacyConfig } from '@vopop/rn-adapter';
import { parseSdkPrivacyConfig } from '@vopop/rn-adapter';
import config from './privacyConfig.json';

// The app's SDK privacy configuration, in one file: the notice shown before consent, the consent
// record, the consent policy the SDK enforces, the rendering service's address, and the store
// declarations (`vopop privacy --config examples/rn/privacyConfig.json --out <dir>`) all come
// from it, so none of them can say something the app does not do.
export const privacyConfig: SdkPrivacyConfig = parseSdkPrivacyConfig(config);
