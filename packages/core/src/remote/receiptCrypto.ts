import { InvalidArgumentError } from '../errors/invalidArgumentError';
import type { Sha256Function } from '../ports/modelBytesSource';
import { sha256Bytes } from './sha256Hex';

/**
 * The cryptography {@link RemoteRenderer} needs: Ed25519 verification of the service's deletion
 * receipt, and SHA-256 of the crop it sends and the video it gets back. Injected where the
 * runtime has no WebCrypto (Hermes, React Native's engine, has none): `@vopop/rn-adapter`
 * supplies one on audited pure-JS libraries (`nobleReceiptCrypto()`).
 *
 * Both functions read their input where it lies and must keep no copy of it: the hashed bytes
 * are the person's face crop and video.
 *
 * @public
 */
export interface ReceiptCrypto {
  /**
   * Whether `signature` (64 bytes) is a valid Ed25519 signature (RFC 8032, strict: no
   * non-canonical encodings) of `message` under the raw 32-byte `publicKey`. `false` for a bad
   * signature or key; throws only when the implementation itself fails.
   */
  verifyEd25519(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean>;
  /** SHA-256 of `bytes` (32 bytes). */
  readonly sha256: Sha256Function;
}

const ed25519 = { name: 'Ed25519' } as const;

/**
 * Receipt cryptography over WebCrypto: `subtle` verifies the signature. Hashing stays core's
 * in-place SHA-256 all the same, because WebCrypto's `digest` copies its input (in Node, into a
 * buffer for the thread pool that is freed unwiped), and the input here is the face crop.
 *
 * @internal
 */
export function webCryptoReceiptCrypto(subtle: SubtleCrypto): ReceiptCrypto {
  return {
    async verifyEd25519(publicKey, signature, message) {
      const key = await subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, ed25519, false, ['verify']);
      return subtle.verify(ed25519, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
    },
    sha256: async (bytes) => sha256Bytes(bytes),
  };
}

/**
 * The receipt cryptography a caller asked for: `crypto` if given, else WebCrypto from `subtle`,
 * else the runtime's own `crypto.subtle`. Where there is none of these, a typed error that says
 * what to pass, at construction rather than after the crop has been sent.
 *
 * @internal
 */
export function resolveReceiptCrypto(
  options: { readonly crypto?: ReceiptCrypto | undefined; readonly subtle?: SubtleCrypto | undefined },
  who: string,
): ReceiptCrypto {
  const { crypto, subtle } = options;
  if (crypto !== undefined && subtle !== undefined) {
    throw new InvalidArgumentError(`${who}: pass either \`crypto\` or \`subtle\`, not both.`);
  }
  if (crypto !== undefined) {
    if (typeof crypto?.verifyEd25519 !== 'function' || typeof crypto.sha256 !== 'function') {
      throw new InvalidArgumentError(`${who}: \`crypto\` must have the functions \`verifyEd25519\` and \`sha256\`.`);
    }
    return crypto;
  }
  const found = subtle ?? (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (found === undefined) {
    throw new InvalidArgumentError(
      `${who}: this runtime has no WebCrypto (\`crypto.subtle\`) to verify the service's Ed25519 receipts. ` +
        'Pass `crypto` (on React Native: `nobleReceiptCrypto()` from @vopop/rn-adapter) or a `subtle` that verifies Ed25519.',
    );
  }
  return webCryptoReceiptCrypto(found);
}
