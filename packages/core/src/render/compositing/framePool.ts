import type { EphemeralHandle } from '../../purge/ephemeralHandle';
import type { EphemeralScope } from '../../purge/ephemeralScope';
import { disposeSymbol } from '../../purge/disposeSymbols';
import { InvalidArgumentError } from '../../errors/invalidArgumentError';

/**
 * How to create a {@link FramePool}.
 *
 * @public
 */
export interface FramePoolOptions {
  /** The scope that owns the frames; the pool opens a child scope in it. */
  readonly scope: EphemeralScope;
  /** Frame width in pixels. */
  readonly width: number;
  /** Frame height in pixels. */
  readonly height: number;
  /**
   * The most frames that may exist at once (in use and free together). Default 2: one being
   * composited while the encoder reads the previous one.
   */
  readonly capacity?: number;
  /** Zero a frame when it is released, not only at purge. Default false (see {@link FramePool}). */
  readonly wipeOnRelease?: boolean;
  /** Label of the pool's child scope. Default `'frames'`. */
  readonly label?: string;
}

/**
 * A fixed set of RGBA frame buffers, reused frame after frame so that rendering a 30 s video
 * allocates no more than rendering a 3 s one.
 *
 * Each frame is an {@link EphemeralHandle} of kind `'frame'` in the pool's child scope: a frame
 * that has held a face is personal data, and purging the scope (or the pool) zero-fills every
 * buffer. A released frame keeps its pixels until the next {@link copyFrame} overwrites them,
 * which is cheaper than a zero-fill per frame and no less private while the scope lives; set
 * `wipeOnRelease` when frames may wait long between uses.
 *
 * @example
 * ```ts
 * const pool = new FramePool({ scope, width: 720, height: 1280 });
 * const frame = pool.acquire();
 * copyFrame(background, frame.value);
 * compositor.composite(frame.value, 720, 1280, photoToFrame);
 * await encoder.encode(frame.value);
 * pool.release(frame);
 * ```
 * @public
 */
export class FramePool implements Disposable {
  /** Frame width in pixels. */
  readonly width: number;
  /** Frame height in pixels. */
  readonly height: number;
  /** The most frames that may exist at once. */
  readonly capacity: number;
  readonly #scope: EphemeralScope;
  readonly #wipeOnRelease: boolean;
  readonly #free: EphemeralHandle<Uint8Array>[] = [];
  readonly #inUse = new Set<EphemeralHandle<Uint8Array>>();
  #created = 0;

  constructor(options: FramePoolOptions) {
    const { width, height, capacity = 2 } = options;
    const whole = Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1;
    if (!whole || width * height > 1 << 26) {
      throw new InvalidArgumentError(
        'FramePool needs a whole-pixel width and height from 1 up to 67,108,864 pixels in all.',
      );
    }
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 64) {
      throw new InvalidArgumentError('FramePool capacity must be a whole number from 1 to 64.');
    }
    this.width = width;
    this.height = height;
    this.capacity = capacity;
    this.#wipeOnRelease = options.wipeOnRelease ?? false;
    this.#scope = options.scope.child(options.label ?? 'frames');
  }

  /** Bytes in one frame (`width * height * 4`). */
  get frameBytes(): number {
    return this.width * this.height * 4;
  }

  /** How many frames have been allocated so far (never more than {@link capacity}). */
  get allocated(): number {
    return this.#created;
  }

  /** How many frames are handed out and not yet released. */
  get inUse(): number {
    return this.#inUse.size;
  }

  /**
   * A frame to draw into: a free one if there is one, else a new one while under capacity. Its
   * contents are whatever the previous user left (or zeros); draw the background over all of it.
   *
   * @throws {@link InvalidArgumentError} when all `capacity` frames are in use: release one first.
   * @throws PurgedError when the pool or its scope has been purged.
   */
  acquire(): EphemeralHandle<Uint8Array> {
    this.#scope.throwIfClosed();
    let frame = this.#free.pop();
    if (!frame) {
      if (this.#created >= this.capacity) {
        throw new InvalidArgumentError(
          `All ${this.capacity} frames of the pool are in use; release a frame before acquiring ` +
            'another, or create the pool with a larger capacity.',
        );
      }
      frame = this.#scope.hold(new Uint8Array(this.frameBytes), {
        kind: 'frame',
        label: `frame.${this.#created}`,
      });
      this.#created++;
    }
    this.#inUse.add(frame);
    return frame;
  }

  /**
   * Give a frame back for reuse.
   *
   * @throws {@link InvalidArgumentError} when the frame did not come from this pool's
   *   {@link acquire}, or was already released.
   */
  release(frame: EphemeralHandle<Uint8Array>): void {
    if (!this.#inUse.delete(frame)) {
      throw new InvalidArgumentError(
        'This frame is not in use from this pool (released twice, or acquired elsewhere).',
      );
    }
    if (!frame.isLive) return;
    if (this.#wipeOnRelease) frame.value.fill(0);
    this.#free.push(frame);
  }

  /** Zero-fill and release every frame now (the owning scope would do it at its end anyway). */
  purge(): void {
    this.#free.length = 0;
    this.#inUse.clear();
    this.#scope.purge();
  }

  [disposeSymbol](): void {
    this.purge();
  }
}

/**
 * Copy a whole frame (e.g. the template's background) into another of the same size. A plain
 * `TypedArray.set`, which engines run as a memory copy: the cheapest way to start a frame.
 *
 * @throws {@link InvalidArgumentError} when the sizes differ.
 * @public
 */
export function copyFrame(source: Uint8Array, target: Uint8Array): void {
  const bytes = source instanceof Uint8Array && target instanceof Uint8Array;
  if (!bytes || source.length !== target.length) {
    throw new InvalidArgumentError(
      'copyFrame needs two Uint8Arrays of the same length (width × height × 4 bytes each).',
    );
  }
  target.set(source);
}
