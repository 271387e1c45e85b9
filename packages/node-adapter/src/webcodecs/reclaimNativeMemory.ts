import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NativeMemoryReclaim } from '@vopop/core';

let collect: (() => void) | undefined;

function garbageCollector(): () => void {
  if (collect) return collect;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') {
    collect = exposed;
  } else {
    // Node's documented way to reach the collector without starting with --expose-gc: the flag
    // takes effect for contexts created afterwards.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}

/**
 * Free the native memory of closed `VideoFrame`s from `@napi-rs/webcodecs` 1.3.1.
 *
 * Why: its frames release their pixel buffers only when the JavaScript wrapper is garbage-
 * collected and a finalizer then runs on a later turn of the event loop; `close()` alone does
 * not. V8 is not told about that memory, so it sees a small heap and rarely collects: encoding
 * or decoding a 30 s video at 512×512 peaked at about three times the memory of a 3 s one.
 * A full collection (of a heap of about 15 MiB) plus one event-loop turn every 30 frames brings
 * the 30 s peak to within 1.1 × of the 3 s peak (docs/encoding.md, docs/benchmarks.md).
 *
 * @internal
 */
export async function reclaimNativeMemory(): Promise<void> {
  garbageCollector()();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** How often the SDK reclaims: once per second of 30 fps video. @internal */
export const nodeNativeMemoryReclaim: NativeMemoryReclaim = {
  everyFrames: 30,
  run: reclaimNativeMemory,
};
