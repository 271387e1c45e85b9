/**
 * A deletion receipt signed once by the reference render server's signer (`createReceiptSigner`
 * from `@vopop/render-server`) with a test-only key, kept verbatim so that the Hermes smoke run
 * can check it without WebCrypto. Ed25519 signatures are deterministic: `hermesSmoke.test.ts`
 * signs the same claims with the same key again and requires this exact JWS, so the fixture
 * cannot drift from what the server really signs.
 *
 * The private key is a published test key (seed bytes `(i * 7 + 3) & 255`); it protects nothing.
 */
export const fixedReceiptTestKey = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw',
  x: 'dVxMuSVsp83ErP3Gz-7ahJAX5bn5UU6ZGRvWfgsNQnY',
} as const;

/** The public half as the app pins it (what the server publishes at `/.well-known/jwks.json`). */
export const fixedReceiptPublicKey = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'dVxMuSVsp83ErP3Gz-7ahJAX5bn5UU6ZGRvWfgsNQnY',
  kid: 'Cxutr9Y2tWGnwrTzM4i6DujXKVYIhqt35FDvT05MrWs',
  alg: 'EdDSA',
  use: 'sig',
} as const;

const at = '2026-12-03T08:00:00.000Z';

/** The signed claims. */
export const fixedReceiptClaims = {
  typ: 'vopop-deletion-receipt',
  version: 1,
  idempotencyKey: 'hermes-smoke-0001',
  templateId: 'confetti-pop',
  input: { sha256: 'a'.repeat(64), bytes: 1000, mediaType: 'image/png' },
  output: { sha256: 'b'.repeat(64), bytes: 2000, mediaType: 'video/mp4' },
  outcome: 'rendered',
  receivedAt: at,
  completedAt: at,
  held: [{ kind: 'input', location: 'memory', bytes: 1000, method: 'zero-fill', wipedAt: at, phase: 'before-response', verified: true }],
  retentionPolicyVersion: 'none-1',
  buildId: 'hermes-smoke',
  attestation: null,
} as const;

/** The compact JWS the server's signer produced for {@link fixedReceiptClaims}. */
export const fixedReceiptJws =
  'eyJhbGciOiJFZERTQSIsImtpZCI6IkN4dXRyOVkydFdHbndyVHpNNGk2RHVqWEtWWUlocXQzNUZEdlQwNU1yV3MiLCJ0eXAiOiJ2b3BvcC1yZWNlaXB0K2p3cyJ9.' +
  'eyJ0eXAiOiJ2b3BvcC1kZWxldGlvbi1yZWNlaXB0IiwidmVyc2lvbiI6MSwiaWRlbXBvdGVuY3lLZXkiOiJoZXJtZXMtc21va2UtMDAwMSIsInRlbXBsYXRlSWQiOiJjb25mZXR0aS1wb3AiLCJpbnB1dCI6eyJzaGEyNTYiOiJhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIiwiYnl0ZXMiOjEwMDAsIm1lZGlhVHlwZSI6ImltYWdlL3BuZyJ9LCJvdXRwdXQiOnsic2hhMjU2IjoiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYiIsImJ5dGVzIjoyMDAwLCJtZWRpYVR5cGUiOiJ2aWRlby9tcDQifSwib3V0Y29tZSI6InJlbmRlcmVkIiwicmVjZWl2ZWRBdCI6IjIwMjYtMTItMDNUMDg6MDA6MDAuMDAwWiIsImNvbXBsZXRlZEF0IjoiMjAyNi0xMi0wM1QwODowMDowMC4wMDBaIiwiaGVsZCI6W3sia2luZCI6ImlucHV0IiwibG9jYXRpb24iOiJtZW1vcnkiLCJieXRlcyI6MTAwMCwibWV0aG9kIjoiemVyby1maWxsIiwid2lwZWRBdCI6IjIwMjYtMTItMDNUMDg6MDA6MDAuMDAwWiIsInBoYXNlIjoiYmVmb3JlLXJlc3BvbnNlIiwidmVyaWZpZWQiOnRydWV9XSwicmV0ZW50aW9uUG9saWN5VmVyc2lvbiI6Im5vbmUtMSIsImJ1aWxkSWQiOiJoZXJtZXMtc21va2UiLCJhdHRlc3RhdGlvbiI6bnVsbH0.' +
  'BSyIJGBmvFHV3vIuFsiz8uFZ_Jr11OnitkUK0-B24WOKN9EGrpOH9hzZyJJR-BPi80cGGzNflzyoUp1cmCipDg';
