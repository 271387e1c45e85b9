import { zeroFillAndVerify } from '../purge/zeroFill';

const initialCapacity = 1 << 16;

/**
 * Collects a container file written at arbitrary positions into one growing buffer, and leaves
 * no copy behind: the old buffer is zeroed when the buffer grows, `take()` zeroes the working
 * buffer once the exact-size copy is made, and `wipe()` zeroes whatever is held (on error or
 * cancel). The muxer writes into it through a `WipingTarget`.
 *
 * An encoded video of a face is personal data until the app takes it, so the muxer's output must
 * not linger in buffers that nothing would ever wipe.
 *
 * @internal
 */
export class WipingByteSink {
  #bytes = new Uint8Array(initialCapacity);
  #length = 0;
  #wiped = false;

  /** Bytes written so far (the furthest end of any write). */
  get length(): number {
    return this.#length;
  }

  /**
   * Copy `data` to `position`. `data` stays the caller's: the muxer writes its packets' own
   * arrays here, and the encoder session zeroes those once the file is finished.
   */
  write(data: Uint8Array, position: number): void {
    if (this.#wiped) throw new Error('The video buffer was already wiped.');
    const end = position + data.byteLength;
    this.#ensureCapacity(end);
    this.#bytes.set(data, position);
    if (end > this.#length) this.#length = end;
  }

  /**
   * Move the written bytes into a new exact-size array and wipe the working buffer. The sink is
   * empty afterwards.
   */
  take(): Uint8Array {
    const exact = this.#bytes.slice(0, this.#length);
    this.wipe();
    return exact;
  }

  /** Zero and drop everything held. Harmless twice. */
  wipe(): void {
    zeroFillAndVerify(this.#bytes.subarray(0, this.#length));
    this.#bytes = new Uint8Array(0);
    this.#length = 0;
    this.#wiped = true;
  }

  #ensureCapacity(size: number): void {
    if (size <= this.#bytes.byteLength) return;
    let capacity = Math.max(this.#bytes.byteLength, initialCapacity);
    while (capacity < size) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes.fill(0);
    this.#bytes = grown;
  }
}
