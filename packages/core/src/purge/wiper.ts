/**
 * What one wipe did, as it goes into a {@link PurgeRecord}.
 *
 * @public
 */
export interface WipeOutcome {
  /** How the value was destroyed, e.g. `'zero-fill'`, `'tensor-zero-dispose'`, `'unlink'`. */
  readonly method: string;
  /** Bytes of personal data destroyed. */
  readonly bytes: number;
  /**
   * Whether a re-read after the wipe saw only zeros: `true` verified, `false` saw something
   * else, `null` when the resource cannot be re-read (a closed bitmap, a deleted file).
   */
  readonly verified: boolean | null;
}

/**
 * Knows how to destroy one kind of value. Wipers are synchronous so that a purge completes
 * inside `using` blocks and inside abort handlers, where nothing can be awaited.
 *
 * Register wipers for platform resources (tensors, ImageBitmaps, VideoFrames, object URLs,
 * temp files) in a {@link WiperRegistry}; buffers are covered by {@link bufferWipers}.
 *
 * @public
 */
export interface Wiper<T = unknown> {
  /** A short identifier, used in errors. */
  readonly name: string;
  /** Whether this wiper can destroy `value`. */
  matches(value: unknown): value is T;
  /** Bytes of personal data `value` holds, without destroying it. */
  measure(value: T): number;
  /** Destroy `value` in place: overwrite, then release. Throws if it cannot. */
  wipe(value: T): WipeOutcome;
}
