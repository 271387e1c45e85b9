import * as Comlink from 'comlink';

/** Name of the handler in comlink's registry. */
const handlerName = 'vopop.arraybuffer';

/**
 * Make comlink transfer ArrayBuffers instead of cloning them. A transfer moves the bytes: the
 * sender's buffer is detached (reads as 0 bytes), so the photo exists once, in the worker, and
 * the video once, on the page. Installing twice is harmless.
 *
 * comlink applies transfer handlers to top-level arguments and return values; results that
 * nest a buffer are sent with `Comlink.transfer(value, [buffer])` instead.
 *
 * @public
 */
export function installTransferHandlers(): void {
  if (Comlink.transferHandlers.has(handlerName)) return;
  Comlink.transferHandlers.set(handlerName, {
    canHandle: (value: unknown): value is ArrayBuffer => value instanceof ArrayBuffer,
    serialize: (value: ArrayBuffer) => [value, [value]],
    deserialize: (value: unknown) => value as ArrayBuffer,
  } as Comlink.TransferHandler<ArrayBuffer, ArrayBuffer>);
}
