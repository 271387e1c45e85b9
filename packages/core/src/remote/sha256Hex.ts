/**
 * The SHA-256 of `bytes` as lowercase hex, through WebCrypto. Core takes the `SubtleCrypto` from
 * the caller or the global (Node ≥ 20, browsers, React Native with a WebCrypto polyfill).
 *
 * @public
 */
export async function sha256Hex(bytes: Uint8Array, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<string> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
