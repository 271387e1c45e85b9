import type * as tfc from '@tensorflow/tfjs-core';

/** The tfjs-core module (or a namespace with the same API), as supplied by the adapter. */
type Tf = typeof tfc;

type DataId = object;

/**
 * The parts of a tfjs backend this module reads. Duck-typed so that core imports no backend
 * package: the cpu backend keeps each tensor's values in `data` (a typed array per dataId), the
 * wasm backend keeps a heap offset per dataId in `dataIdMap` and the heap in `wasm.HEAPU8`.
 */
interface ScrubbableBackend {
  data?: { has(id: DataId): boolean; get(id: DataId): { values?: unknown; refCount?: number } | undefined };
  dataIdMap?: {
    has(id: DataId): boolean;
    get(id: DataId):
      | { memoryOffset: number | null; shape: readonly number[]; dtype: string; refCount?: number }
      | undefined;
  };
  wasm?: { HEAPU8: Uint8Array };
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/**
 * The bytes that back a tensor's data on its backend, as a live view (writing to it changes the
 * tensor), or `undefined` when the backend keeps them where JavaScript cannot reach (webgl
 * textures, for instance) or the data is gone.
 *
 * cpu: the typed array stored for the dataId. wasm: the region of the wasm heap at the dataId's
 * `memoryOffset`, re-read from `HEAPU8` on every call because growing the heap replaces it.
 *
 * @internal
 */
function backingBytesOf(tf: Tf, backend: unknown, dataId: DataId): Uint8Array | undefined {
  const store = backend as ScrubbableBackend;
  const cpu = store.data?.has(dataId) ? store.data.get(dataId) : undefined;
  if (cpu && ArrayBuffer.isView(cpu.values)) {
    const values = cpu.values;
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }
  const wasm = store.dataIdMap?.has(dataId) ? store.dataIdMap.get(dataId) : undefined;
  const heap = store.wasm?.HEAPU8;
  if (wasm && heap && wasm.memoryOffset !== null && wasm.dtype !== 'string') {
    const bytes = tf.util.sizeFromShape([...wasm.shape]) * tf.util.bytesPerElement(wasm.dtype as tfc.DataType);
    return new Uint8Array(heap.buffer, heap.byteOffset + wasm.memoryOffset, bytes);
  }
  return undefined;
}

function refCountOf(backend: ScrubbableBackend, dataId: DataId): number {
  const entry = backend.data?.get(dataId) ?? backend.dataIdMap?.get(dataId);
  return entry?.refCount ?? 1;
}

/**
 * Zero-fill a tensor's backing memory, then dispose the tensor. Returns the bytes zeroed (0 when
 * the backend keeps its memory where JavaScript cannot reach, e.g. webgl textures: the tensor
 * is then only disposed). Tests re-read the memory at release; at run time the re-read would
 * cost as much as the fill, for nothing the caller could act on.
 *
 * @internal
 */
export function zeroAndDisposeTensor(tf: Tf, tensor: tfc.Tensor): number {
  if (tensor.isDisposed) return 0;
  const bytes = backingBytesOf(tf, tf.backend(), tensor.dataId);
  bytes?.fill(0);
  tensor.dispose();
  return bytes?.byteLength ?? 0;
}

const installed = new WeakMap<object, number>();
const restorers = new WeakMap<object, () => void>();

/**
 * The typed array a cpu-style backend stores for `dataId`, when it owns its whole buffer. A
 * view into a larger buffer (cpu kernels such as Slice may return `subarray`s of their input)
 * belongs to that buffer's owner and is wiped, if at all, through it.
 */
function ownedArrayOf(backend: ScrubbableBackend, dataId: DataId): ArrayBufferView | undefined {
  const values = backend.data?.has(dataId) ? backend.data.get(dataId)?.values : undefined;
  if (!ArrayBuffer.isView(values)) return undefined;
  return values.byteOffset === 0 && values.byteLength === values.buffer.byteLength ? values : undefined;
}

/**
 * While installed, the memory of every tensor data the backend frees is zero-filled, so the
 * copies, crops and activations that face-landmarks-detection makes of a photo inside its own
 * code do not linger. Only the last release of a dataId counts: a release that merely drops a
 * reference leaves shared data intact.
 *
 * - wasm (heap at `memoryOffset`): zeroed at once, before `_free`, since freed heap is reused.
 * - cpu (a typed array per dataId): zeroed when the hook is removed, not at release, because a
 *   cpu kernel may hand out a `subarray` of its input that outlives the input's release within
 *   the same inference. Only arrays that own their whole buffer are kept for zeroing; a tensor
 *   still live when the hook is removed cannot share such an array (it would be a view into it,
 *   which only tensors created during the window can be, and those are all released by then).
 *
 * Returns a function that removes the hook (and runs the deferred zeroing). Nested installs on
 * one backend are counted; the hook is an own property of the backend instance, so removing it
 * restores the class's method exactly.
 *
 * Caveat: tensors freed by other code while the hook is installed are scrubbed too.
 *
 * @internal
 */
export function scrubFreedTensorMemory(tf: Tf, backend: unknown): () => void {
  const target = backend as ScrubbableBackend & object;
  const depth = installed.get(target) ?? 0;
  installed.set(target, depth + 1);
  if (depth === 0) {
    const inner = target.disposeData;
    const hadOwn = Object.prototype.hasOwnProperty.call(target, 'disposeData');
    const deferred: ArrayBufferView[] = [];
    const scrubbing = function (this: ScrubbableBackend, dataId: DataId, force = false): boolean {
      if (force || refCountOf(target, dataId) <= 1) {
        const owned = ownedArrayOf(target, dataId);
        if (owned) deferred.push(owned);
        else if (!target.data) backingBytesOf(tf, target, dataId)?.fill(0);
      }
      return inner.call(this, dataId, force);
    };
    Object.defineProperty(target, 'disposeData', { value: scrubbing, configurable: true, writable: true });
    restorers.set(target, () => {
      if (hadOwn) Object.defineProperty(target, 'disposeData', { value: inner, configurable: true, writable: true });
      else delete (target as { disposeData?: unknown }).disposeData;
      for (const view of deferred) new Uint8Array(view.buffer).fill(0);
      deferred.length = 0;
    });
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    const remaining = (installed.get(target) ?? 1) - 1;
    installed.set(target, remaining);
    if (remaining === 0) {
      restorers.get(target)?.();
      restorers.delete(target);
    }
  };
}
