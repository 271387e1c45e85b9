/**
 * A monotonic millisecond clock. Injected so tests can make lifetimes in receipts exact.
 *
 * @public
 */
export interface Clock {
  /** Milliseconds from an arbitrary origin; never decreases. */
  now(): number;
}

/**
 * The default clock: `performance.now()`, available in browsers, workers, Node and Hermes.
 *
 * @public
 */
export const systemClock: Clock = {
  now: () => performance.now(),
};
