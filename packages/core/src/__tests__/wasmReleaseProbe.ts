import * as tf from '@tensorflow/tfjs-core';
import { isAllZero } from '../purge/zeroFill';

/** One final release of tensor memory on the wasm backend, observed just before `_free`. */
export interface WasmRelease {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly bytes: number;
  readonly zero: boolean;
}

interface WasmBackendView {
  dataIdMap: { get(id: object): { memoryOffset: number | null; shape: number[]; dtype: string; refCount: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * Record every final release of tensor memory on tfjs's active wasm backend: each tensor's heap
 * bytes are read at its last release, after the scrub of the code under test (installed before
 * this probe, it wraps it) and before the memory is freed. `onRelease` runs after each record.
 * `stop` gives the backend its own `disposeData` back.
 */
export function probeWasmReleases(onRelease?: () => void): { readonly releases: WasmRelease[]; stop(): void } {
  const releases: WasmRelease[] = [];
  const backend = tf.backend() as unknown as WasmBackendView;
  const original = backend.disposeData.bind(backend);
  Object.defineProperty(backend, 'disposeData', {
    configurable: true,
    writable: true,
    value: (dataId: object, force = false): boolean => {
      const entry = backend.dataIdMap.get(dataId);
      if (entry && entry.memoryOffset !== null && (force || entry.refCount <= 1)) {
        const bytes = tf.util.sizeFromShape(entry.shape) * tf.util.bytesPerElement(entry.dtype as tf.DataType);
        const heap = backend.wasm.HEAPU8;
        const view = new Uint8Array(heap.buffer, heap.byteOffset + entry.memoryOffset, bytes);
        releases.push({ shape: [...entry.shape], dtype: entry.dtype, bytes, zero: isAllZero(view) });
        onRelease?.();
      }
      return original(dataId, force);
    },
  });
  return {
    releases,
    stop: () => {
      delete (backend as unknown as { disposeData?: unknown }).disposeData;
    },
  };
}
