import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import { PurgeFailedError } from '../errors/purgeFailedError';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import { asyncDisposeSymbol, disposeSymbol } from './disposeSymbols';
import type { HandleKind } from './handleKind';
import { handleKinds, labelPattern } from './handleKind';
import { leakDetector } from './leakDetector';
import type { PurgeRecord } from './purgeReceipt';
import { buildReceipt } from './purgeReceipt';
import type { Wiper } from './wiper';
import { defaultWiperRegistry } from './wiperRegistry';

/**
 * How to hold a value.
 *
 * @public
 */
export interface HoldOptions<T> {
  /** What the value is. */
  readonly kind: HandleKind;
  /** A code-chosen identifier such as `'photo.pixels'` (letters, digits, `._:/-`, ≤ 80). */
  readonly label: string;
  /** The wiper to use; by default the registry's wiper for the value. */
  readonly wiper?: Wiper<T>;
}

/** Where a handle belongs; lets a scope learn about moves. @internal */
export interface HandleOwner {
  readonly path: string;
  readonly clock: Clock;
}

/** The purge result a scope collects: the record, and the wiper's error if it failed. @internal */
export interface PurgeStep {
  readonly record: PurgeRecord;
  readonly error?: unknown;
}

/**
 * Something that can take ownership of a handle, such as an {@link EphemeralScope}.
 *
 * @public
 */
export interface HandleAdopter {
  adopt<U>(handle: EphemeralHandle<U>): EphemeralHandle<U>;
}

/** Scope-only entry point: purge without throwing, so the scope can aggregate. @internal */
export const purgeStep: unique symbol = Symbol('vopop.purgeStep');

type HandleState = 'live' | 'purged' | 'moved';

const standalone: HandleOwner = { path: 'standalone', clock: systemClock };

/**
 * Holds one piece of personal data and the means to destroy it.
 *
 * The value is reachable only while the handle is live. `purge()` (or leaving a `using` block)
 * overwrites it and drops the reference; afterwards every access throws {@link PurgedError}.
 * Purging twice is harmless. The one way for data to outlive its handle is an explicit
 * {@link EphemeralHandle.move}, which makes the old handle unusable.
 *
 * Create handles through {@link EphemeralScope.hold}, so that the scope purges them on every
 * exit path, or through {@link EphemeralHandle.hold} for a handle the caller owns alone.
 *
 * @example
 * ```ts
 * using photo = EphemeralHandle.hold(bytes, { kind: 'photo-bytes', label: 'photo' });
 * decode(photo.value);
 * // leaving the block zero-fills `bytes`
 * ```
 * @public
 */
export class EphemeralHandle<T> implements Disposable, AsyncDisposable {
  /** What the value is. */
  readonly kind: HandleKind;
  /** The code-chosen identifier that appears in receipts. */
  readonly label: string;
  /** Clock time at creation (carried over by a move: it is the data's age). */
  readonly createdAt: number;

  #value: T | undefined;
  #state: HandleState = 'live';
  #record: PurgeRecord | undefined;
  readonly #wiper: Wiper<T>;
  readonly #owner: HandleOwner;

  /** @internal Use {@link EphemeralScope.hold} or {@link EphemeralHandle.hold}. */
  constructor(value: T, options: HoldOptions<T>, owner: HandleOwner, createdAt?: number) {
    if (!handleKinds.has(options.kind)) {
      throw new InvalidArgumentError(`Unknown handle kind '${String(options.kind)}'.`);
    }
    if (typeof options.label !== 'string' || !labelPattern.test(options.label)) {
      throw new InvalidArgumentError(
        'A handle label must be a short identifier (letters, digits and ._:/-, at most 80 ' +
          'characters), chosen by code; it appears in receipts and must never carry data.',
      );
    }
    this.#wiper = options.wiper ?? (defaultWiperRegistry.require(value) as Wiper<T>);
    if (!this.#wiper.matches(value)) {
      throw new InvalidArgumentError(
        `The wiper '${this.#wiper.name}' cannot wipe the value held as '${options.label}'.`,
      );
    }
    this.#value = value;
    this.kind = options.kind;
    this.label = options.label;
    this.#owner = owner;
    this.createdAt = createdAt ?? owner.clock.now();
    leakDetector.watch(this, { kind: this.kind, label: this.label, createdAt: this.createdAt });
  }

  /**
   * Hold `value` in a handle owned by the caller alone (no scope). Prefer a scope: it purges on
   * every exit path without relying on each call site.
   */
  static hold<T>(value: T, options: HoldOptions<T> & { clock?: Clock }): EphemeralHandle<T> {
    const owner = options.clock ? { path: 'standalone', clock: options.clock } : standalone;
    return new EphemeralHandle(value, options, owner);
  }

  /** Whether the value can still be read. */
  get isLive(): boolean {
    return this.#state === 'live';
  }

  /** The value. Throws {@link PurgedError} once the handle is purged or moved. */
  get value(): T {
    if (this.#state !== 'live') throw this.#purgedError();
    return this.#value as T;
  }

  /** Bytes of personal data held (0 once purged). */
  get byteLength(): number {
    return this.#state === 'live' ? this.#wiper.measure(this.#value as T) : 0;
  }

  /** The record of how the handle ended, once it has. */
  get record(): PurgeRecord | undefined {
    return this.#record;
  }

  /** Run `fn` with the value. Throws {@link PurgedError} once the handle is purged or moved. */
  use<R>(fn: (value: T) => R): R {
    return fn(this.value);
  }

  /**
   * Wipe the value and drop it. Returns the record; a second call returns the same record.
   * Throws {@link PurgeFailedError} if the wiper failed (the handle is unusable regardless).
   */
  purge(): PurgeRecord {
    const step = this[purgeStep]();
    if ('error' in step) {
      throw new PurgeFailedError(
        [step.error],
        buildReceipt(this.#owner.path, step.record.purgedAt, step.record.purgedAt, [step.record]),
      );
    }
    return step.record;
  }

  /**
   * Transfer the value to a new handle and make this one unusable, without wiping. For the one
   * value that leaves a generation: the encoded video, handed to the app. The new handle is
   * owned by `to` when given, otherwise by the caller alone. This handle's record says `moved`.
   */
  move(to?: HandleAdopter): EphemeralHandle<T> {
    return to ? to.adopt(this) : this.rehome(standalone);
  }

  /** @internal The move itself: a new handle under `owner`, this one finished as moved. */
  rehome(owner: HandleOwner): EphemeralHandle<T> {
    if (this.#state !== 'live') throw this.#purgedError();
    const value = this.#value as T;
    this.#finish('moved', { method: 'moved', bytes: this.#wiper.measure(value), verified: null });
    return new EphemeralHandle(
      value,
      { kind: this.kind, label: this.label, wiper: this.#wiper },
      owner,
      this.createdAt,
    );
  }

  /** @internal */
  [purgeStep](): PurgeStep {
    if (this.#record) return { record: this.#record };
    const value = this.#value as T;
    try {
      const outcome = this.#wiper.wipe(value);
      return { record: this.#finish('purged', outcome) };
    } catch (error) {
      const bytes = safeMeasure(this.#wiper, value);
      const record = this.#finish(
        'purged',
        { method: this.#wiper.name, bytes, verified: null },
        error,
      );
      return { record, error };
    }
  }

  [disposeSymbol](): void {
    this.purge();
  }

  async [asyncDisposeSymbol](): Promise<void> {
    this.purge();
  }

  #finish(
    state: Exclude<HandleState, 'live'>,
    outcome: { method: string; bytes: number; verified: boolean | null },
    error?: unknown,
  ): PurgeRecord {
    const purgedAt = this.#owner.clock.now();
    this.#state = state;
    this.#value = undefined;
    leakDetector.unwatch(this);
    const failed = error !== undefined;
    this.#record = {
      kind: this.kind,
      label: this.label,
      scope: this.#owner.path,
      bytes: outcome.bytes,
      createdAt: this.createdAt,
      purgedAt,
      lifetimeMs: purgedAt - this.createdAt,
      method: outcome.method,
      outcome: failed ? 'failed' : state === 'moved' ? 'moved' : 'wiped',
      verified: failed ? null : outcome.verified,
      ...(failed ? { error: error instanceof Error ? error.name : typeof error } : {}),
    };
    return this.#record;
  }

  #purgedError(): PurgedError {
    return new PurgedError(
      this.#state === 'moved'
        ? `The ${this.kind} '${this.label}' was moved to a new owner; use the handle returned by move().`
        : `The ${this.kind} '${this.label}' has been purged; it cannot be read again.`,
    );
  }
}

function safeMeasure<T>(wiper: Wiper<T>, value: T): number {
  try {
    return wiper.measure(value);
  } catch {
    return 0;
  }
}
