import { InvalidArgumentError } from '../errors/invalidArgumentError';
import { PurgedError } from '../errors/purgedError';
import { PurgeFailedError } from '../errors/purgeFailedError';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import { asyncDisposeSymbol, disposeSymbol } from './disposeSymbols';
import type { HandleAdopter, HandleOwner, HoldOptions } from './ephemeralHandle';
import { EphemeralHandle, purgeStep } from './ephemeralHandle';
import { labelPattern } from './handleKind';
import type { PurgeReceipt, PurgeRecord } from './purgeReceipt';
import { buildReceipt } from './purgeReceipt';
import type { Wiper } from './wiper';
import type { WiperRegistry } from './wiperRegistry';
import { defaultWiperRegistry } from './wiperRegistry';

/**
 * How to open a scope.
 *
 * @public
 */
export interface ScopeOptions {
  /** A code-chosen name for receipts, e.g. `'generation'`. Default `'scope'`. */
  readonly label?: string;
  /** Aborting this signal purges the scope at once. */
  readonly signal?: AbortSignal;
  /** Clock for lifetimes in receipts. Default `performance.now()`. */
  readonly clock?: Clock;
  /** Where wipers are looked up. Default {@link defaultWiperRegistry}. */
  readonly wipers?: WiperRegistry;
}

type Entry = EphemeralHandle<unknown> | EphemeralScope;

/**
 * Owns every handle created through it and purges them all, in reverse order of creation, when
 * it is disposed (`using` / `await using`), purged explicitly, or its `AbortSignal` fires —
 * whatever happened inside. A wiper that throws does not stop the others: their errors are
 * collected into one {@link PurgeFailedError} thrown after everything else was wiped.
 *
 * Scopes nest: {@link EphemeralScope.child} opens a scope that its parent purges in turn.
 *
 * @example
 * ```ts
 * using scope = new EphemeralScope({ label: 'generation', signal });
 * const pixels = scope.hold(decoded, { kind: 'pixels', label: 'photo.pixels' });
 * // … work with pixels.value …
 * // leaving the block wipes every handle; scope.receipt says how
 * ```
 * @public
 */
export class EphemeralScope implements HandleAdopter, Disposable, AsyncDisposable {
  /** The label path, e.g. `'generation/render'`. */
  readonly path: string;
  readonly #clock: Clock;
  readonly #wipers: WiperRegistry;
  readonly #owner: HandleOwner;
  readonly #entries: Entry[] = [];
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    // Nothing can catch an error thrown from an abort listener; the receipt records failures.
    if (this.#purging) return;
    try {
      this.purge();
    } catch {
      /* recorded in this.receipt */
    }
  };
  #receipt: PurgeReceipt | undefined;
  #purging = false;

  constructor(options: ScopeOptions = {}, parentPath?: string) {
    const label = options.label ?? 'scope';
    if (!labelPattern.test(label)) {
      throw new InvalidArgumentError(
        'A scope label must be a short identifier (letters, digits and ._:/-, at most 80).',
      );
    }
    this.path = parentPath ? `${parentPath}/${label}` : label;
    this.#clock = options.clock ?? systemClock;
    this.#wipers = options.wipers ?? defaultWiperRegistry;
    this.#owner = { path: this.path, clock: this.#clock };
    this.#signal = options.signal;
    if (this.#signal?.aborted) {
      this.purge();
    } else {
      this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** Whether handles can still be created here. False once purging has begun. */
  get isOpen(): boolean {
    return this.#receipt === undefined && !this.#purging;
  }

  /** The receipt of the purge, once purged. */
  get receipt(): PurgeReceipt | undefined {
    return this.#receipt;
  }

  /** How many handles owned here (child scopes included) are still live. */
  get liveHandles(): number {
    let live = 0;
    for (const entry of this.#entries) {
      live += entry instanceof EphemeralScope ? entry.liveHandles : entry.isLive ? 1 : 0;
    }
    return live;
  }

  /**
   * Hold `value` in a handle that this scope will purge. If the scope is already purged, the
   * value is wiped at once and {@link PurgedError} is thrown: data handed to a closed scope is
   * never left behind.
   */
  hold<T>(value: T, options: HoldOptions<T>): EphemeralHandle<T> {
    const wiper = options.wiper ?? (this.#wipers.require(value) as Wiper<T>);
    const handle = new EphemeralHandle<T>(value, { ...options, wiper }, this.#owner);
    if (!this.isOpen) this.#refuse(handle);
    this.#entries.push(handle as EphemeralHandle<unknown>);
    return handle;
  }

  /**
   * Take ownership of a live handle: it is moved into this scope, and the handle passed in
   * becomes unusable. Returns the handle to use from now on.
   */
  adopt<T>(handle: EphemeralHandle<T>): EphemeralHandle<T> {
    if (!this.isOpen) this.#refuse(handle);
    const adopted = handle.rehome(this.#owner);
    this.#entries.push(adopted as EphemeralHandle<unknown>);
    return adopted;
  }

  /** Open a nested scope, purged by this one in turn (or earlier, on its own). */
  child(label: string, options: Omit<ScopeOptions, 'label' | 'clock' | 'wipers'> = {}): EphemeralScope {
    if (!this.isOpen) throw this.#closedError();
    const scope = new EphemeralScope(
      { ...options, label, clock: this.#clock, wipers: this.#wipers },
      this.path,
    );
    this.#entries.push(scope);
    return scope;
  }

  /** Throws {@link PurgedError} if this scope no longer accepts work. */
  throwIfClosed(): void {
    if (!this.isOpen) throw this.#closedError();
  }

  /**
   * Wipe every handle, newest first, and return the receipt. A second call returns the same
   * receipt. Throws {@link PurgeFailedError} (after wiping all others) if any wiper failed.
   */
  purge(): PurgeReceipt {
    if (this.#receipt) return this.#receipt;
    const errors = this.#purgeEntries();
    const receipt = this.#receipt!;
    if (errors.length > 0) throw new PurgeFailedError(errors, receipt);
    return receipt;
  }

  [disposeSymbol](): void {
    this.purge();
  }

  async [asyncDisposeSymbol](): Promise<void> {
    this.purge();
  }

  /** @internal Purge and report failures instead of throwing, for a parent scope. */
  [purgeStep](): { records: readonly PurgeRecord[]; errors: readonly unknown[] } {
    if (this.#receipt) return { records: this.#receipt.records, errors: [] };
    const errors = this.#purgeEntries();
    return { records: this.#receipt!.records, errors };
  }

  /** Wipes every entry newest first, sets the receipt, and returns the wipers' errors. */
  #purgeEntries(): unknown[] {
    this.#purging = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const startedAt = this.#clock.now();
    const records: PurgeRecord[] = [];
    const errors: unknown[] = [];
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i]!;
      if (entry instanceof EphemeralScope) {
        const step = entry[purgeStep]();
        records.push(...step.records);
        errors.push(...step.errors);
      } else {
        const step = entry[purgeStep]();
        records.push(step.record);
        if ('error' in step) errors.push(step.error);
      }
    }
    // Drop references so that nothing here keeps purged wrappers (or their wipers) alive.
    this.#entries.length = 0;
    this.#receipt = buildReceipt(this.path, startedAt, this.#clock.now(), records);
    this.#purging = false;
    return errors;
  }

  /** Wipe data handed to a closed scope, then refuse it. */
  #refuse(handle: EphemeralHandle<unknown>): never {
    let failure: unknown;
    try {
      handle.purge();
    } catch (error) {
      failure = error;
    }
    throw this.#closedError(failure);
  }

  #closedError(cause?: unknown): PurgedError {
    return new PurgedError(
      `The scope '${this.path}' has been purged${this.#signal?.aborted ? ' (aborted)' : ''}; ` +
        'open a new scope for new work.',
      cause === undefined ? undefined : { cause },
    );
  }
}
