import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ReceiptCrypto } from '@vopop/core';

/**
 * Receipt cryptography for Hermes, which has no WebCrypto: Ed25519 verification from
 * `@noble/curves` and SHA-256 from `@noble/hashes` (audited, pure JavaScript, no native module;
 * Hermes has the `BigInt` they need). Pass it as the remote renderer's `crypto`;
 * `createRNPlatform` does so by default.
 *
 * Verification is strict RFC 8032 (`zip215: false`): non-canonical point encodings and an S not
 * below the group order are refused (WebCrypto refuses the latter too; the tests check both).
 * The hash reads the face crop and the video where they lie; `@noble/hashes` zero-fills its
 * block buffer and message schedule when the digest is taken.
 *
 * @example
 * ```ts
 * new RemoteRenderer({ endpoint, apiKey, receiptKeys, crypto: nobleReceiptCrypto() });
 * ```
 * @public
 */
export function nobleReceiptCrypto(): ReceiptCrypto {
  return {
    verifyEd25519: async (publicKey, signature, message) => {
      try {
        return ed25519.verify(signature, message, publicKey, { zip215: false });
      } catch {
        // noble throws for a key or signature of the wrong length (it answers false for one that
        // is not a point on the curve): either way, not a valid signature.
        return false;
      }
    },
    sha256: async (bytes) => sha256(bytes),
  };
}
