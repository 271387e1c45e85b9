/**
 * A concurrency limit with a bounded wait: up to `maxConcurrent` jobs run; up to `maxWaiting`
 * more wait, each at most `maxWaitMs`; anything beyond is refused at once (the server answers 503
 * with `Retry-After`). Refusing early keeps a saturated server's latency bounded and its memory
 * flat, and tells the client's backoff when to come back.
 *
 * @public
 */
export class Admission {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxWaiting: number,
    readonly maxWaitMs: number,
  ) {}

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /**
   * Wait for a slot. Resolves to a release function, or `undefined` when the wait is full or
   * timed out, or `signal` fired.
   */
  async enter(signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (this.#running < this.maxConcurrent) return this.#take();
    if (this.#waiting.length >= this.maxWaiting || this.maxWaitMs <= 0) return undefined;
    const admitted = await new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve(true);
      };
      const giveUp = () => {
        const at = this.#waiting.indexOf(wake);
        if (at >= 0) this.#waiting.splice(at, 1);
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(giveUp, this.maxWaitMs);
      signal?.addEventListener('abort', giveUp, { once: true });
      this.#waiting.push(wake);
    });
    // A woken waiter inherits the slot of the job that released it.
    return admitted ? this.#release() : undefined;
  }

  #take(): () => void {
    this.#running++;
    return this.#release();
  }

  #release(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    };
  }
}
