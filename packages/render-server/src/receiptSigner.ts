import { createHash } from 'node:crypto';
import type { DeletionReceiptPayload, ReceiptPublicKey } from '@vopop/core';
import { signDeletionReceipt } from '@vopop/core';

/**
 * The server's receipt-signing key: an Ed25519 key pair whose public half is published at
 * `/.well-known/jwks.json` for clients to pin.
 *
 * @public
 */
export interface ReceiptSigner {
  /** The public key as a JWK with its `kid`. */
  readonly publicKey: ReceiptPublicKey;
  /** Sign receipt claims as a compact JWS. */
  sign(payload: DeletionReceiptPayload): Promise<string>;
}

/**
 * A signer from an Ed25519 private JWK (`{ kty: 'OKP', crv: 'Ed25519', d, x }`), or from a key
 * generated now when none is given (receipts then verify only while this process lives, which
 * suits tests and local runs; production pins a stored key). The `kid` is the RFC 7638 thumbprint.
 *
 * @public
 */
export async function createReceiptSigner(privateJwk?: JsonWebKey): Promise<ReceiptSigner> {
  const subtle = globalThis.crypto.subtle;
  let privateKey: CryptoKey;
  let x: string;
  if (privateJwk) {
    if (privateJwk.kty !== 'OKP' || privateJwk.crv !== 'Ed25519' || !privateJwk.d || !privateJwk.x) {
      throw new TypeError('The receipt key must be an Ed25519 private JWK (kty OKP, crv Ed25519, d and x).');
    }
    privateKey = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: privateJwk.d, x: privateJwk.x }, { name: 'Ed25519' }, false, ['sign']);
    x = privateJwk.x;
  } else {
    const pair = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    privateKey = pair.privateKey;
    x = (await subtle.exportKey('jwk', pair.publicKey)).x!;
  }
  const kid = createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
  const publicKey: ReceiptPublicKey = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
  return {
    publicKey,
    sign: (payload) => signDeletionReceipt(payload, { privateKey, keyId: kid }),
  };
}
