import type { HandleKind } from './handleKind';

/**
 * What the leak detector reports about a handle that was garbage-collected without a purge.
 * Only the handle's kind, label and creation time: the value itself is already gone from
 * reach, but its bytes may still sit unwiped in memory.
 *
 * @public
 */
export interface LeakReport {
  readonly kind: HandleKind;
  readonly label: string;
  readonly createdAt: number;
}

/**
 * Receives leak reports.
 *
 * @public
 */
export type LeakReporter = (report: LeakReport) => void;

const defaultReporter: LeakReporter = (report) => {
  // The one console write in core: a leak is a bug in the app, and the default must be loud.
  // eslint-disable-next-line no-console
  console.warn(
    `[vopop] An ephemeral ${report.kind} handle '${report.label}' was garbage-collected ` +
      'without being purged. Its bytes were not wiped. Hold it in an EphemeralScope or ' +
      'dispose it with `using`.',
  );
};

/**
 * Reports handles that were collected without a purge, through a `FinalizationRegistry`.
 *
 * It is a detector only: finalization is not guaranteed to run, runs late, and cannot reach the
 * value to wipe it. Purging is always explicit; this finds code that forgot to.
 *
 * @public
 */
export class LeakDetector {
  #reporter: LeakReporter = defaultReporter;
  readonly #registry: FinalizationRegistry<LeakReport> | undefined =
    typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry<LeakReport>((report) => this.#reporter(report))
      : undefined;

  /** Replace the reporter (the default warns on the console). Returns the previous one. */
  setReporter(reporter: LeakReporter): LeakReporter {
    const previous = this.#reporter;
    this.#reporter = reporter;
    return previous;
  }

  /** Whether this runtime can detect leaks at all. */
  get supported(): boolean {
    return this.#registry !== undefined;
  }

  /** @internal */
  watch(handle: object, report: LeakReport): void {
    this.#registry?.register(handle, report, handle);
  }

  /** @internal */
  unwatch(handle: object): void {
    this.#registry?.unregister(handle);
  }
}

/**
 * The detector every handle registers with.
 *
 * @public
 */
export const leakDetector: LeakDetector = /* @__PURE__ */ new LeakDetector();
