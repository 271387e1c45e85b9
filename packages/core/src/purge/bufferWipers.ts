import type { WipeOutcome, Wiper } from './wiper';
import { zeroFillAndVerify } from './zeroFill';

/**
 * Any typed array, including BigInt64Array and Float16Array where the runtime has it.
 *
 * @public
 */
export type AnyTypedArray = Exclude<ArrayBufferView, DataView>;

function bytesOf(view: ArrayBufferView | ArrayBufferLike): Uint8Array {
  if (ArrayBuffer.isView(view)) {
    // A detached buffer reports byteLength 0; creating a view over it would throw.
    if (view.byteLength === 0) return new Uint8Array(0);
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  return view.byteLength === 0 ? new Uint8Array(0) : new Uint8Array(view);
}

function wipeBytes(bytes: Uint8Array): WipeOutcome {
  return { method: 'zero-fill', bytes: bytes.byteLength, verified: zeroFillAndVerify(bytes) };
}

function isArrayBufferLike(value: unknown): value is ArrayBufferLike {
  return (
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)
  );
}

/**
 * Wipes the bytes a typed array views (not the rest of a larger buffer it may be a window on).
 *
 * @public
 */
export const typedArrayWiper: Wiper<AnyTypedArray> = {
  name: 'typed-array',
  matches: (value): value is AnyTypedArray =>
    ArrayBuffer.isView(value) && !(value instanceof DataView),
  measure: (value) => value.byteLength,
  wipe: (value) => wipeBytes(bytesOf(value)),
};

/**
 * Wipes the bytes a DataView views.
 *
 * @public
 */
export const dataViewWiper: Wiper<DataView> = {
  name: 'data-view',
  matches: (value): value is DataView => value instanceof DataView,
  measure: (value) => value.byteLength,
  wipe: (value) => wipeBytes(bytesOf(value)),
};

/**
 * Wipes a whole ArrayBuffer or SharedArrayBuffer. A detached buffer holds nothing and wipes as
 * zero bytes.
 *
 * @public
 */
export const arrayBufferWiper: Wiper<ArrayBufferLike> = {
  name: 'array-buffer',
  matches: isArrayBufferLike,
  measure: (value) => value.byteLength,
  wipe: (value) => wipeBytes(bytesOf(value)),
};

/**
 * The wipers every registry starts with: typed arrays, DataViews and ArrayBuffers.
 *
 * @public
 */
export const bufferWipers: readonly Wiper[] = [
  typedArrayWiper as Wiper,
  dataViewWiper as Wiper,
  arrayBufferWiper as Wiper,
];
