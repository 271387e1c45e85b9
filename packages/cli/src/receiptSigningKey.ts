import { InvalidArgumentError } from '@vopop/core';
import { readBoundedFile } from '@vopop/node-adapter';
import type { ReceiptSigner } from '@vopop/render-server';

/**
 * `vopop serve --signing-key <file>`: the receipt signer from an Ed25519 private JWK in `file`,
 * or, without a file, one made for this run. The file's bytes (the private key) are zeroed once
 * parsed; the parsed key lives only inside the signer's non-extractable CryptoKey and in the JSON
 * object, which is dropped at once.
 *
 * @throws `InvalidArgumentError` for a file that is not JSON or not an Ed25519 private JWK;
 *   `InputFileError` for a file that cannot be read.
 * @internal
 */
export async function receiptSigningKey(
  file: string | undefined,
  createReceiptSigner: (privateJwk?: JsonWebKey) => Promise<ReceiptSigner>,
): Promise<ReceiptSigner> {
  if (file === undefined) return createReceiptSigner();
  const bytes = await readBoundedFile(file, { subject: 'signing key', maxBytes: 65_536 });
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    parsed = undefined;
  } finally {
    bytes.fill(0);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('--signing-key: the file is not a JSON object; give an Ed25519 private JWK (kty OKP, crv Ed25519, d and x).');
  }
  try {
    return await createReceiptSigner(parsed as JsonWebKey);
  } catch {
    // The signer refuses another key type (TypeError) and WebCrypto bad key bytes (DataError).
    throw new InvalidArgumentError('--signing-key: the file is not a usable Ed25519 private JWK (kty OKP, crv Ed25519, d and x).');
  }
}
