import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NativeMemoryReclaim } from '@vopop/core';
import { i420ByteLength } from '@vopop/core';

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
async function reclaimNativeMemory(): Promise<void> {
  garbageCollector()();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** How many frame-sized native buffers {@link overwriteFreedFrameMemory} allocates at once. */
const overwritingFrames = 4;

/**
 * Overwrite the native memory the session's last frames were freed into, with zeros.
 *
 * Why: `@napi-rs/webcodecs` copies each frame's I420 bytes into native buffers (the
 * `VideoFrame`'s own, and the encoder's) and frees them without zeroing; JavaScript cannot
 * reach them. The P3 scan found two copies of the last frame there after a purge. The C
 * allocator hands a freed block back out for the next request of the same size, so a few
 * `VideoFrame`s of zeros of the same size, created after the frames were collected, land on
 * those blocks and overwrite them. A heuristic (it depends on the allocator's reuse), measured
 * by the P3 test rather than promised: see docs/encoding.md.
 *
 * @internal
 */
async function overwriteFreedFrameMemory(frame: { width: number; height: number }): Promise<void> {
  await reclaimNativeMemory();
  const zeros = new Uint8Array(i420ByteLength(frame.width, frame.height));
  const frames: VideoFrame[] = [];
  try {
    for (let i = 0; i < overwritingFrames; i++) {
      frames.push(
        new VideoFrame(zeros, { format: 'I420', codedWidth: frame.width, codedHeight: frame.height, timestamp: 0 }),
      );
    }
  } finally {
    for (const made of frames) made.close();
  }
  frames.length = 0;
  await reclaimNativeMemory();
}

/** How often the SDK reclaims: once per second of 30 fps video. @internal */
export const nodeNativeMemoryReclaim: NativeMemoryReclaim = {
  everyFrames: 30,
  run: reclaimNativeMemory,
  atEnd: overwriteFreedFrameMemory,
};
