import { InvalidArgumentError } from '../errors/invalidArgumentError';

/**
 * Parameters of a {@link OneEuroFilter} (Casiez, Roussel and Vogel, CHI 2012).
 *
 * The filter is a first-order low-pass whose cut-off rises with the signal's speed: at rest it
 * sits at `minCutoff` and removes jitter; in motion it opens up by `beta` × speed and follows
 * with little lag. Lower `minCutoff` means less jitter at rest; higher `beta` means less lag in
 * motion.
 *
 * @public
 */
export interface OneEuroOptions {
  /** Cut-off at rest, in hertz (> 0). */
  readonly minCutoff: number;
  /** How much the cut-off rises per unit of speed (value units per second), ≥ 0. */
  readonly beta: number;
  /** Cut-off of the low-pass on the speed estimate, in hertz (> 0). Default 1. */
  readonly dCutoff?: number;
}

function requirePositive(value: unknown, name: string, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new InvalidArgumentError(
      `OneEuroFilter: ${name} must be a finite number ${allowZero ? '≥ 0' : '> 0'}; got ${String(value)}.`,
    );
  }
  return value;
}

/** Smoothing factor of an exponential low-pass with cut-off `cutoff` Hz at step `dt` s. */
function smoothingFactor(cutoff: number, dt: number): number {
  const tau = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + tau / dt);
}

/**
 * Check and complete {@link OneEuroOptions}.
 *
 * @internal
 */
export function resolveOneEuroOptions(options: OneEuroOptions): Required<OneEuroOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('OneEuroFilter: options must be an object { minCutoff, beta, dCutoff? }.');
  }
  return {
    minCutoff: requirePositive(options.minCutoff, 'minCutoff', false),
    beta: requirePositive(options.beta, 'beta', true),
    dCutoff: requirePositive(options.dCutoff ?? 1, 'dCutoff', false),
  };
}

/**
 * The One-Euro filter for one scalar signal sampled at increasing times: a speed-adaptive
 * low-pass that removes jitter when the signal is still and lags little when it moves. Apply
 * one filter per coordinate.
 *
 * @example
 * ```ts
 * const filter = new OneEuroFilter({ minCutoff: 1, beta: 0.05 });
 * const smoothed = samples.map((x, i) => filter.filter(x, i / fps));
 * ```
 * @public
 */
export class OneEuroFilter {
  readonly #minCutoff: number;
  readonly #beta: number;
  readonly #dCutoff: number;
  #last: number | undefined;
  #lastSpeed = 0;
  #lastTime = 0;

  /** @throws {@link InvalidArgumentError} for a non-positive or non-finite parameter. */
  constructor(options: OneEuroOptions) {
    const resolved = resolveOneEuroOptions(options);
    this.#minCutoff = resolved.minCutoff;
    this.#beta = resolved.beta;
    this.#dCutoff = resolved.dCutoff;
  }

  /**
   * Feed the sample `value` taken at `timestampSec` and return the filtered value. The first
   * sample after construction or {@link OneEuroFilter.reset} passes through unchanged.
   *
   * @throws {@link InvalidArgumentError} for a non-finite value or a time that does not increase.
   */
  filter(value: number, timestampSec: number): number {
    if (!Number.isFinite(value) || !Number.isFinite(timestampSec)) {
      throw new InvalidArgumentError('OneEuroFilter.filter: value and timestamp must be finite numbers.');
    }
    if (this.#last === undefined) {
      this.#last = value;
      this.#lastSpeed = 0;
      this.#lastTime = timestampSec;
      return value;
    }
    const dt = timestampSec - this.#lastTime;
    if (!(dt > 0)) {
      throw new InvalidArgumentError(
        'OneEuroFilter.filter: timestamps must increase from one sample to the next; call reset() ' +
          'to start a new signal.',
      );
    }
    const speed = (value - this.#last) / dt;
    const aSpeed = smoothingFactor(this.#dCutoff, dt);
    this.#lastSpeed += aSpeed * (speed - this.#lastSpeed);
    const cutoff = this.#minCutoff + this.#beta * Math.abs(this.#lastSpeed);
    const a = smoothingFactor(cutoff, dt);
    this.#last += a * (value - this.#last);
    this.#lastTime = timestampSec;
    return this.#last;
  }

  /** Forget the signal so far; the next sample starts afresh. */
  reset(): void {
    this.#last = undefined;
    this.#lastSpeed = 0;
    this.#lastTime = 0;
  }
}
