import { Target } from 'mediabunny';
import type { WipingByteSink } from './wipingByteSink';

/** The part of mediabunny's internal event emitter a target calls when it is finalized. */
interface FinalizedEmitter {
  _emit(event: 'finalized'): void;
}

/**
 * A mediabunny output target that writes the muxer's output straight into a
 * {@link WipingByteSink}, so the encoded video exists in exactly one buffer the SDK owns until
 * the session takes it.
 *
 * Why not mediabunny's `StreamTarget`: it copies every write (`data.slice()`) into a list of
 * sections, then copies those again into one chunk per contiguous range before handing the
 * chunk over; the section copies are dropped to the garbage collector without being zeroed.
 * The P3 scan found a whole copy of every video there after its purge.
 *
 * This implements mediabunny's target protocol (`_start`, `_write`, `_flush`, `_finalize`,
 * `_close`), which mediabunny marks internal; it matches 1.61 (`NullTarget` is the model). If a
 * release changes it, every encoding test fails rather than anything leaking silently.
 *
 * @internal
 */
export class WipingTarget extends Target {
  readonly #sink: WipingByteSink;

  constructor(sink: WipingByteSink) {
    super();
    this.#sink = sink;
  }

  /** @internal */
  _start(): void {}

  /** @internal Copy the muxer's bytes to their place; the muxer's own arrays stay its own. */
  _write(data: Uint8Array, position: number): void {
    this.#sink.write(data, position);
  }

  /** @internal */
  async _flush(): Promise<void> {}

  /** @internal */
  async _finalize(): Promise<void> {
    (this as unknown as FinalizedEmitter)._emit('finalized');
  }

  /** @internal */
  async _close(): Promise<void> {}
}
