/**
 * Overwrite a byte range with zeros, then read it back. The read-back is what makes the receipt's
 * `verified: true` a measurement rather than a promise.
 */
export function zeroFillAndVerify(bytes: Uint8Array): boolean {
  bytes.fill(0);
  return isAllZero(bytes);
}

/** True when every byte in `bytes` is zero. Reads four bytes at a time where aligned. */
export function isAllZero(bytes: Uint8Array): boolean {
  const { byteOffset, byteLength } = bytes;
  const alignedStart = (byteOffset + 3) & ~3;
  const head = Math.min(alignedStart - byteOffset, byteLength);
  let accumulated = 0;
  for (let i = 0; i < head; i++) accumulated |= bytes[i]!;
  const words = (byteLength - head) >>> 2;
  if (words > 0) {
    const view = new Int32Array(bytes.buffer, alignedStart, words);
    for (let i = 0; i < words; i++) accumulated |= view[i]!;
  }
  for (let i = head + words * 4; i < byteLength; i++) accumulated |= bytes[i]!;
  return accumulated === 0;
}
