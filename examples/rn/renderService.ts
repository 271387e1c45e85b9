import type { RemoteRendererOptions } from '@vopop/rn-adapter';

// The rendering service this build talks to. Replace with your deployment and its pinned key
// (from its /.well-known/jwks.json at release time); `subtle` must verify Ed25519 on Hermes,
// e.g. from react-native-quick-crypto.
export const renderService: RemoteRendererOptions = {
  endpoint: 'http://127.0.0.1:8787',
  apiKey: 'example-key',
  receiptKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'replace-me' }],
};
