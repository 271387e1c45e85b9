import type { RemoteRendererOptions } from '@vopop/rn-adapter';
import { privacyConfig } from './privacyConfig';

// The rendering service this build talks to: the one the privacy configuration (and so the notice
// and the consent) names. Replace the configuration's endpoint, the API key and the pinned key
// (from the service's /.well-known/jwks.json at release time) with your deployment's.
// Receipts are verified without WebCrypto (Hermes has none): createRNPlatform uses the adapter's
// pure-JS nobleReceiptCrypto(). The Idempotency-Key needs crypto.getRandomValues
// (react-native-get-random-values, imported first in index.js).
export const renderService: RemoteRendererOptions = {
  endpoint: privacyConfig.remoteEndpoints[0]!,
  apiKey: 'example-key-0123456789',
  receiptKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'replace-me' }],
};
