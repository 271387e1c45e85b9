import type { HandleKind } from './handleKind';

/**
 * How one handle ended.
 * - `wiped`: its wiper destroyed the value.
 * - `moved`: ownership passed to another owner (the result video leaving a generation); the
 *   value was not destroyed here, and the new owner's purge will account for it.
 * - `failed`: the wiper threw; the handle is unusable but the bytes may survive.
 *
 * @public
 */
export type PurgeOutcome = 'wiped' | 'moved' | 'failed';

/**
 * One handle's line in a {@link PurgeReceipt}. Holds no personal data: kinds and labels are
 * constants chosen by code, and everything else is a number.
 *
 * @public
 */
export interface PurgeRecord {
  /** What the handle held. */
  readonly kind: HandleKind;
  /** A code-chosen name such as `'photo.pixels'`. */
  readonly label: string;
  /** The owning scope's label path, e.g. `'generation/render'`. */
  readonly scope: string;
  /** Bytes of personal data the handle held. */
  readonly bytes: number;
  /** Clock time at creation, in ms. */
  readonly createdAt: number;
  /** Clock time at purge, in ms. */
  readonly purgedAt: number;
  /** `purgedAt - createdAt`. */
  readonly lifetimeMs: number;
  /** How the value was destroyed (`'zero-fill'`, …), `'moved'`, or the wiper that failed. */
  readonly method: string;
  /** How the handle ended. */
  readonly outcome: PurgeOutcome;
  /** Whether a re-read after the wipe saw only zeros; `null` where it cannot be re-read. */
  readonly verified: boolean | null;
  /** For failures: the error's name (never its message, which could echo data). */
  readonly error?: string;
}

/**
 * Totals over a receipt's records.
 *
 * @public
 */
export interface PurgeTotals {
  readonly handles: number;
  readonly bytes: number;
  readonly wiped: number;
  readonly moved: number;
  readonly failed: number;
  /** Wiped handles whose re-read confirmed zeros. */
  readonly verified: number;
}

/**
 * What a purge did, per handle and in total. JSON-serialisable, free of personal data, and safe
 * to log, show to a user, or keep as evidence.
 *
 * @public
 */
export interface PurgeReceipt {
  readonly version: 1;
  /** The label of the scope that was purged. */
  readonly scope: string;
  /** Clock time when the purge started, in ms. */
  readonly startedAt: number;
  /** How long the purge took, in ms. */
  readonly durationMs: number;
  /** One record per handle, in purge order (reverse order of creation). */
  readonly records: readonly PurgeRecord[];
  readonly totals: PurgeTotals;
}

/** @internal */
export function buildReceipt(
  scope: string,
  startedAt: number,
  finishedAt: number,
  records: readonly PurgeRecord[],
): PurgeReceipt {
  const totals = { handles: 0, bytes: 0, wiped: 0, moved: 0, failed: 0, verified: 0 };
  for (const record of records) {
    totals.handles++;
    totals.bytes += record.bytes;
    totals[record.outcome]++;
    if (record.outcome === 'wiped' && record.verified === true) totals.verified++;
  }
  return {
    version: 1,
    scope,
    startedAt,
    durationMs: finishedAt - startedAt,
    records: Object.freeze([...records]),
    totals,
  };
}
