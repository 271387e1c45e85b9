/**
 * Read a request body into one buffer the job owns, refusing more than `max` bytes (`undefined`).
 * Each chunk the runtime hands over is zero-filled once copied, so the crop exists in one place
 * only, which the job's scope wipes.
 *
 * @internal
 */
export async function readBody(body: ReadableStream<Uint8Array> | null, max: number, declared: number): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  let buffer = new Uint8Array(Number.isInteger(declared) && declared > 0 && declared <= max ? declared : 65_536);
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.length > max) {
        value.fill(0);
        buffer.fill(0);
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      if (length + value.length > buffer.length) {
        const grown = new Uint8Array(Math.min(max, Math.max(buffer.length * 2, length + value.length)));
        grown.set(buffer.subarray(0, length));
        buffer.fill(0);
        buffer = grown;
      }
      buffer.set(value, length);
      length += value.length;
      value.fill(0);
    }
  } catch (error) {
    buffer.fill(0);
    throw error;
  }
  if (length === buffer.length) return buffer;
  const exact = buffer.slice(0, length);
  buffer.fill(0);
  return exact;
}
