import type { ReceiptPublicKey } from '@vopop/core';
import { InvalidArgumentError, jwksSchema, receiptPublicKeySchema, RemoteRenderer } from '@vopop/core';
import { readBoundedFile } from '@vopop/node-adapter';

/**
 * `vopop generate --remote <url>`: a {@link RemoteRenderer} for the service at `url`, with the
 * receipt keys pinned from a file (a JWK or a JWK Set, e.g. the service's
 * `/.well-known/jwks.json` saved beforehand: keys are never fetched from the service they
 * vouch for) and the API key from `--api-key` or `VOPOP_API_KEY`.
 *
 * @throws `InvalidArgumentError` for a missing API key or key file, or a file that holds no
 *   Ed25519 public key; `InputFileError` for an unreadable file.
 * @internal
 */
export async function remoteRendering(
  url: string,
  options: { readonly apiKey?: string; readonly receiptKeyFile?: string; readonly signal?: AbortSignal },
): Promise<RemoteRenderer> {
  const apiKey = options.apiKey ?? process.env.VOPOP_API_KEY;
  if (!apiKey) throw new InvalidArgumentError('--remote needs an API key: --api-key or VOPOP_API_KEY.');
  if (!options.receiptKeyFile) {
    throw new InvalidArgumentError("--remote needs --receipt-key <file>: the service's receipt-signing key (a JWK or JWK Set) to pin.");
  }
  const bytes = await readBoundedFile(options.receiptKeyFile, { subject: 'receipt key', maxBytes: 65_536, signal: options.signal });
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    parsed = undefined;
  }
  const set = jwksSchema.safeParse(parsed);
  const single = receiptPublicKeySchema.safeParse(parsed);
  const keys: ReceiptPublicKey[] = set.success ? set.data.keys : single.success ? [single.data] : [];
  if (keys.length === 0) throw new InvalidArgumentError('--receipt-key: the file holds no Ed25519 public JWK with a kid.');
  return new RemoteRenderer({ endpoint: url, apiKey, receiptKeys: keys });
}
