import { base64UrlDecode, base64UrlEncode } from './base64url';
import type { ReceiptCrypto } from './receiptCrypto';
import { resolveReceiptCrypto } from './receiptCrypto';
import type { DeletionReceiptPayload, ReceiptPublicKey } from './remoteContract';
import { deletionReceiptPayloadSchema, receiptPublicKeySchema } from './remoteContract';

/** The JWS `typ` of a deletion receipt. */
const receiptType = 'vopop-receipt+jws';
const ed25519 = { name: 'Ed25519' } as const;
const maxReceiptLength = 16_384;

/**
 * A deletion receipt whose signature was checked against a pinned key.
 *
 * @public
 */
export interface VerifiedDeletionReceipt {
  /** The compact JWS exactly as received, to keep as evidence. */
  readonly jws: string;
  /** The `kid` of the pinned key that verified it. */
  readonly keyId: string;
  /** The verified claims. */
  readonly payload: DeletionReceiptPayload;
}

/**
 * Why a receipt was refused by {@link verifyDeletionReceipt}.
 *
 * @public
 */
export type ReceiptProblem =
  | 'malformed'
  | 'header'
  | 'unknown-key'
  | 'signature'
  | 'claims';

/**
 * The answer of {@link verifyDeletionReceipt}: the receipt, or why it was refused.
 *
 * @public
 */
export type ReceiptVerification =
  | { readonly ok: true; readonly receipt: VerifiedDeletionReceipt }
  | { readonly ok: false; readonly problem: ReceiptProblem };

/** UTF-8 bytes of `text`. Made per call, not at module load: importing core must have no side effects. */
const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

function decodeJson(part: string): unknown {
  const bytes = base64UrlDecode(part);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Sign receipt claims as a compact JWS (RFC 7515) with Ed25519 (`alg: EdDSA`, RFC 8037). The
 * claims are validated first, so a service cannot sign a receipt the contract does not allow.
 *
 * @public
 */
export async function signDeletionReceipt(
  payload: DeletionReceiptPayload,
  key: { readonly privateKey: CryptoKey; readonly keyId: string },
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<string> {
  const claims = deletionReceiptPayloadSchema.parse(payload);
  const header = { alg: 'EdDSA', kid: key.keyId, typ: receiptType };
  const signingInput = `${base64UrlEncode(utf8(JSON.stringify(header)))}.${base64UrlEncode(
    utf8(JSON.stringify(claims)),
  )}`;
  const signature = new Uint8Array(await subtle.sign(ed25519, key.privateKey, utf8(signingInput)));
  return `${signingInput}.${base64UrlEncode(signature)}`;
}

/**
 * Check a compact JWS receipt: its header must say `EdDSA` and name a pinned key, the signature
 * must verify under that key, and the claims must match the contract. Keys are never taken from
 * the receipt or fetched: only `pinnedKeys` count.
 *
 * `crypto` verifies the signature: WebCrypto's `SubtleCrypto` (default: the runtime's
 * `crypto.subtle`) or a {@link ReceiptCrypto} where the runtime has no WebCrypto (React Native).
 * Without either, `InvalidArgumentError` says what to pass.
 *
 * @public
 */
export async function verifyDeletionReceipt(
  jws: string,
  pinnedKeys: readonly ReceiptPublicKey[],
  crypto?: SubtleCrypto | Pick<ReceiptCrypto, 'verifyEd25519'>,
): Promise<ReceiptVerification> {
  const verifier =
    crypto !== undefined && typeof (crypto as Partial<ReceiptCrypto>).verifyEd25519 === 'function'
      ? (crypto as Pick<ReceiptCrypto, 'verifyEd25519'>)
      : resolveReceiptCrypto({ subtle: crypto as SubtleCrypto | undefined }, 'verifyDeletionReceipt');
  if (typeof jws !== 'string' || jws.length > maxReceiptLength) return { ok: false, problem: 'malformed' };
  const parts = jws.split('.');
  if (parts.length !== 3) return { ok: false, problem: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart) as { alg?: unknown; kid?: unknown; typ?: unknown; crit?: unknown } | undefined;
  if (!header || typeof header !== 'object') return { ok: false, problem: 'malformed' };
  if (header.alg !== 'EdDSA' || header.typ !== receiptType || header.crit !== undefined) {
    return { ok: false, problem: 'header' };
  }
  const pinned = pinnedKeys.find((k) => k.kid === header.kid);
  if (!pinned) return { ok: false, problem: 'unknown-key' };
  const signature = base64UrlDecode(signaturePart);
  if (!signature || signature.length !== 64) return { ok: false, problem: 'signature' };
  const jwk = receiptPublicKeySchema.parse(pinned);
  const publicKey = base64UrlDecode(jwk.x);
  if (!publicKey || publicKey.length !== 32) return { ok: false, problem: 'unknown-key' };
  const valid = await verifier.verifyEd25519(publicKey, signature, utf8(`${headerPart}.${payloadPart}`));
  if (!valid) return { ok: false, problem: 'signature' };
  const claims = deletionReceiptPayloadSchema.safeParse(decodeJson(payloadPart));
  if (!claims.success) return { ok: false, problem: 'claims' };
  return { ok: true, receipt: { jws, keyId: pinned.kid, payload: claims.data } };
}
